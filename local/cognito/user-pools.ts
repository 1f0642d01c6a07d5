/**
 * The stand-in's state and how Cognito finds things in it: pools, app clients, users by username or
 * alias, groups; and revocation (refresh tokens and the `origin_jti`s minted from them).
 */
import { randomBytes } from 'node:crypto';
import { AwsJsonError, requiredString } from '../aws-json.ts';
import { randomText } from '../gateway/ids.ts';
import type { AppClientRecord, CognitoState, GroupRecord, PoolState, RefreshTokenRecord, UserRecord } from './types.ts';

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const LOWER_ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';

/** `us-east-1_AbC123xyZ`. */
export const newUserPoolId = (region: string) => `${region}_${randomText(ALNUM, 9)}`;
/** 26 lower-case letters and digits, like Cognito's. */
export const newClientId = () => randomText(LOWER_ALNUM, 26);
export const newClientSecret = () => randomText(LOWER_ALNUM, 51);
/** Opaque bearer strings (refresh tokens, challenge sessions). */
export const opaqueToken = () => randomBytes(96).toString('base64url');

/** `record[key]` for keys that come from requests (never an inherited `constructor` or `__proto__`). */
export function own<T>(record: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** A required member of a Cognito request (Cognito reports a missing one as InvalidParameterException). */
export const param = (body: Record<string, unknown>, member: string) => requiredString(body, member, 'InvalidParameterException');

export class UserPools {
  constructor(
    readonly state: CognitoState,
    readonly region: string,
    readonly account: string,
  ) {}

  pool(id: string): PoolState {
    const ps = own(this.state.pools, id);
    if (!ps) throw new AwsJsonError('ResourceNotFoundException', `User pool ${id} does not exist.`);
    return ps;
  }

  client(clientId: string): { ps: PoolState; client: AppClientRecord } {
    for (const ps of Object.values(this.state.pools)) {
      const client = own(ps.clients, clientId);
      if (client) return { ps, client };
    }
    throw new AwsJsonError('ResourceNotFoundException', `User pool client ${clientId} does not exist.`);
  }

  /** How the pool compares usernames and aliases. */
  userKey(ps: PoolState, name: string): string {
    return ps.pool.CaseSensitive ? name : name.toLowerCase();
  }

  /** By username; in a pool that signs in by email, also by email or `sub`. */
  findUser(ps: PoolState, name: string): UserRecord | undefined {
    const key = this.userKey(ps, name);
    const direct = own(ps.users, key);
    if (direct || ps.pool.UsernameAttributes.length === 0) return direct;
    return Object.values(ps.users).find(
      (u) => u.Attributes['sub'] === name || ps.pool.UsernameAttributes.some((a) => {
        const value = u.Attributes[a];
        return value !== undefined && this.userKey(ps, value) === key;
      }),
    );
  }

  user(ps: PoolState, name: string): UserRecord {
    const user = this.findUser(ps, name);
    if (!user) throw new AwsJsonError('UserNotFoundException', 'User does not exist.');
    return user;
  }

  group(ps: PoolState, name: string): GroupRecord {
    const group = own(ps.groups, name);
    if (!group) throw new AwsJsonError('ResourceNotFoundException', 'Group not found.');
    return group;
  }

  revoke(record: RefreshTokenRecord): void {
    record.revoked = true;
    if (!this.state.revokedOrigins.includes(record.originJti)) this.state.revokedOrigins.push(record.originJti);
  }

  /** Every refresh token of the user, and the access and id tokens minted from them. */
  signOutEverywhere(userPoolId: string, username: string): void {
    for (const record of Object.values(this.state.refreshTokens)) {
      if (record.userPoolId === userPoolId && record.username === username && !record.revoked) this.revoke(record);
    }
  }

  isRevoked(originJti: string): boolean {
    return this.state.revokedOrigins.includes(originJti);
  }

  /** Drops refresh tokens past their expiry, so a long-running state file does not grow without end. */
  forgetExpired(nowMs: number): void {
    for (const [token, record] of Object.entries(this.state.refreshTokens)) {
      if (record.expiresAt < nowMs) delete this.state.refreshTokens[token];
    }
  }
}
