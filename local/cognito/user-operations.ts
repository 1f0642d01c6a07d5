/**
 * Administrators' user operations: AdminCreateUser (temporary password, invitation), AdminDeleteUser, AdminGetUser,
 * ListUsers, group membership, attributes, AdminDisableUser / AdminEnableUser,
 * AdminUserGlobalSignOut, AdminSetUserPassword.
 */
import { randomUUID } from 'node:crypto';
import { AwsJsonError, epochSeconds } from '../aws-json.ts';
import { attributeList, attributesFromRequest, isEmail, matchesUserFilter, parseUserFilter } from './attributes.ts';
import { passwordShapeViolation, policyViolation, temporaryPassword } from './password-policy.ts';
import { groupType, type PoolContext } from './pool-operations.ts';
import type { Invitation, PoolState, UserRecord } from './types.ts';
import { param } from './user-pools.ts';

export interface UserContext extends PoolContext {
  invite(invitation: Invitation): void;
}

const DAY_MS = 86_400_000;

function userType(u: UserRecord, attributesMember: 'Attributes' | 'UserAttributes', only?: string[]): Record<string, unknown> {
  return {
    Username: u.Username,
    [attributesMember]: attributeList(u.Attributes, only),
    UserCreateDate: epochSeconds(u.UserCreateDate),
    UserLastModifiedDate: epochSeconds(u.UserLastModifiedDate),
    Enabled: u.Enabled,
    UserStatus: u.UserStatus,
  };
}

/** InvalidPasswordException in Cognito's words, or InvalidParameterException for a malformed value. */
export function checkPassword(ps: PoolState, password: string, field: string): void {
  const shape = passwordShapeViolation(password, field);
  if (shape) throw new AwsJsonError('InvalidParameterException', shape);
  const violation = policyViolation(ps.pool.PasswordPolicy, password);
  if (violation) throw new AwsJsonError('InvalidPasswordException', violation);
}

function setTemporaryPassword(ctx: UserContext, ps: PoolState, user: UserRecord, given: string | undefined): string {
  const password = given ?? temporaryPassword(ps.pool.PasswordPolicy);
  if (given !== undefined) checkPassword(ps, given, 'temporaryPassword');
  user.Password = password;
  user.UserStatus = 'FORCE_CHANGE_PASSWORD';
  user.temporaryPasswordExpires = ctx.now() + ps.pool.PasswordPolicy.TemporaryPasswordValidityDays * DAY_MS;
  user.UserLastModifiedDate = ctx.now();
  return password;
}

// Cognito's invitation when the pool sets no template.
const DEFAULT_INVITE = { EmailSubject: 'Your temporary password', EmailMessage: 'Your username is {username} and temporary password is {####}.' };

/**
 * The invitation email from the pool's template: `{username}` is the name the admin created the user
 * with, `{####}` the temporary password. As Cognito, a template without `{####}` is not delivered.
 */
function sendInvitation(ctx: UserContext, ps: PoolState, user: UserRecord, password: string, signInName: string): void {
  const template = { ...DEFAULT_INVITE, ...ps.pool.InviteMessageTemplate };
  if (!template.EmailMessage.includes('{####}')) return;
  const fill = (text: string) => text.replaceAll('{username}', signInName).replaceAll('{####}', password);
  ctx.invite({
    userPoolId: ps.pool.Id,
    username: user.Username,
    ...(user.Attributes['email'] ? { email: user.Attributes['email'] } : {}),
    temporaryPassword: password,
    subject: fill(template.EmailSubject),
    message: fill(template.EmailMessage),
    sentAt: new Date(ctx.now()).toISOString(),
  });
}

export function adminCreateUser(ctx: UserContext, body: Record<string, unknown>): { User: Record<string, unknown> } {
  const ps = ctx.pools.pool(param(body, 'UserPoolId'));
  const username = param(body, 'Username');
  const action = body['MessageAction'];
  if (action !== undefined && action !== 'SUPPRESS' && action !== 'RESEND') throw new AwsJsonError('InvalidParameterException', `Invalid MessageAction ${String(action)}.`);
  const given = typeof body['TemporaryPassword'] === 'string' ? body['TemporaryPassword'] : undefined;

  if (action === 'RESEND') {
    const user = ctx.pools.user(ps, username);
    if (user.UserStatus !== 'FORCE_CHANGE_PASSWORD') throw new AwsJsonError('UnsupportedUserStateException', `Resend not possible. ${user.Username} status is not FORCE_CHANGE_PASSWORD`);
    sendInvitation(ctx, ps, user, setTemporaryPassword(ctx, ps, user, given), username);
    return { User: userType(user, 'Attributes') };
  }

  const attributes = attributesFromRequest(body['UserAttributes'], ps.pool.CustomAttributes, { updating: false });
  const byEmail = ps.pool.UsernameAttributes.includes('email');
  if (byEmail) {
    if (!isEmail(username)) throw new AwsJsonError('InvalidParameterException', 'Username should be an email.');
    attributes['email'] ??= username;
    if (ctx.pools.findUser(ps, attributes['email'])) throw new AwsJsonError('UsernameExistsException', 'An account with the given email already exists.');
  } else if (ctx.pools.findUser(ps, username)) {
    throw new AwsJsonError('UsernameExistsException', 'User account already exists.');
  }
  const missing = ps.pool.RequiredAttributes.find((a) => attributes[a] === undefined);
  if (missing) throw new AwsJsonError('InvalidParameterException', `Attributes did not conform to the schema: ${missing}: The attribute is required`);

  const sub = randomUUID();
  const now = ctx.now();
  const user: UserRecord = {
    // A pool that signs in by email names its users by their `sub`; the email stays an alias.
    Username: byEmail ? sub : username,
    Attributes: { sub, ...attributes },
    Enabled: true,
    UserStatus: 'FORCE_CHANGE_PASSWORD',
    Password: '',
    groups: [],
    UserCreateDate: now,
    UserLastModifiedDate: now,
  };
  const password = setTemporaryPassword(ctx, ps, user, given);
  ps.users[ctx.pools.userKey(ps, user.Username)] = user;
  if (action !== 'SUPPRESS') sendInvitation(ctx, ps, user, password, username);
  return { User: userType(user, 'Attributes') };
}

export function adminDeleteUser(ctx: UserContext, body: Record<string, unknown>): Record<string, never> {
  const ps = ctx.pools.pool(param(body, 'UserPoolId'));
  const user = ctx.pools.user(ps, param(body, 'Username'));
  ctx.pools.signOutEverywhere(ps.pool.Id, user.Username);
  delete ps.users[ctx.pools.userKey(ps, user.Username)];
  return {};
}

export function adminGetUser(ctx: UserContext, body: Record<string, unknown>): Record<string, unknown> {
  const ps = ctx.pools.pool(param(body, 'UserPoolId'));
  return userType(ctx.pools.user(ps, param(body, 'Username')), 'UserAttributes');
}

const MAX_LIST = 60;

export function listUsers(ctx: UserContext, body: Record<string, unknown>): { Users: Array<Record<string, unknown>>; PaginationToken?: string } {
  const ps = ctx.pools.pool(param(body, 'UserPoolId'));
  const filter = parseUserFilter(body['Filter']);
  const limit = (body['Limit'] as number | undefined) ?? MAX_LIST;
  if (!Number.isInteger(limit) || limit < 0 || limit > MAX_LIST) throw new AwsJsonError('InvalidParameterException', `1 validation error detected: Value '${limit}' at 'limit' failed to satisfy constraint: Member must have value less than or equal to ${MAX_LIST}`);
  const only = body['AttributesToGet'] as string[] | undefined;
  const matching = Object.values(ps.users)
    .filter((u) => !filter || matchesUserFilter(u, filter, ps.pool.CaseSensitive))
    .sort((a, b) => a.UserCreateDate - b.UserCreateDate || a.Username.localeCompare(b.Username));
  const start = typeof body['PaginationToken'] === 'string' ? Number.parseInt(Buffer.from(body['PaginationToken'], 'base64url').toString(), 10) : 0;
  if (!Number.isInteger(start) || start < 0) throw new AwsJsonError('InvalidParameterException', 'Invalid PaginationToken.');
  const page = matching.slice(start, start + limit);
  const next = start + limit < matching.length ? Buffer.from(String(start + limit)).toString('base64url') : undefined;
  return { Users: page.map((u) => userType(u, 'Attributes', only)), ...(next ? { PaginationToken: next } : {}) };
}

export function adminAddUserToGroup(ctx: UserContext, body: Record<string, unknown>): Record<string, never> {
  const ps = ctx.pools.pool(param(body, 'UserPoolId'));
  const group = ctx.pools.group(ps, param(body, 'GroupName'));
  const user = ctx.pools.user(ps, param(body, 'Username'));
  if (!user.groups.includes(group.GroupName)) user.groups.push(group.GroupName);
  return {};
}

export function adminRemoveUserFromGroup(ctx: UserContext, body: Record<string, unknown>): Record<string, never> {
  const ps = ctx.pools.pool(param(body, 'UserPoolId'));
  const group = ctx.pools.group(ps, param(body, 'GroupName'));
  const user = ctx.pools.user(ps, param(body, 'Username'));
  user.groups = user.groups.filter((g) => g !== group.GroupName);
  return {};
}

export function adminListGroupsForUser(ctx: UserContext, body: Record<string, unknown>): { Groups: Array<Record<string, unknown>> } {
  const ps = ctx.pools.pool(param(body, 'UserPoolId'));
  const user = ctx.pools.user(ps, param(body, 'Username'));
  return { Groups: user.groups.map((g) => groupType(ctx.pools.group(ps, g), ps.pool.Id)) };
}

export function adminUpdateUserAttributes(ctx: UserContext, body: Record<string, unknown>): Record<string, never> {
  const ps = ctx.pools.pool(param(body, 'UserPoolId'));
  const user = ctx.pools.user(ps, param(body, 'Username'));
  const changes = attributesFromRequest(body['UserAttributes'], ps.pool.CustomAttributes, { updating: true });
  if (changes['email'] !== undefined && changes['email'] !== user.Attributes['email']) {
    const other = ctx.pools.findUser(ps, changes['email']);
    if (ps.pool.UsernameAttributes.includes('email') && other && other !== user) throw new AwsJsonError('AliasExistsException', 'An account with the given email already exists.');
    // A new address is unverified unless the same request says otherwise.
    changes['email_verified'] ??= 'false';
  }
  Object.assign(user.Attributes, changes);
  user.UserLastModifiedDate = ctx.now();
  return {};
}

export function adminDisableUser(ctx: UserContext, body: Record<string, unknown>): Record<string, never> {
  const ps = ctx.pools.pool(param(body, 'UserPoolId'));
  const user = ctx.pools.user(ps, param(body, 'Username'));
  user.Enabled = false;
  user.UserLastModifiedDate = ctx.now();
  // Cognito: "Deactivates a user and revokes all access tokens for the user."
  ctx.pools.signOutEverywhere(ps.pool.Id, user.Username);
  return {};
}

export function adminEnableUser(ctx: UserContext, body: Record<string, unknown>): Record<string, never> {
  const ps = ctx.pools.pool(param(body, 'UserPoolId'));
  const user = ctx.pools.user(ps, param(body, 'Username'));
  user.Enabled = true;
  user.UserLastModifiedDate = ctx.now();
  return {};
}

export function adminUserGlobalSignOut(ctx: UserContext, body: Record<string, unknown>): Record<string, never> {
  const ps = ctx.pools.pool(param(body, 'UserPoolId'));
  const user = ctx.pools.user(ps, param(body, 'Username'));
  ctx.pools.signOutEverywhere(ps.pool.Id, user.Username);
  return {};
}

export function adminSetUserPassword(ctx: UserContext, body: Record<string, unknown>): Record<string, never> {
  const ps = ctx.pools.pool(param(body, 'UserPoolId'));
  const user = ctx.pools.user(ps, param(body, 'Username'));
  const password = param(body, 'Password');
  if (body['Permanent'] === true) {
    checkPassword(ps, password, 'password');
    user.Password = password;
    user.UserStatus = 'CONFIRMED';
    delete user.temporaryPasswordExpires;
    user.UserLastModifiedDate = ctx.now();
  } else {
    setTemporaryPassword(ctx, ps, user, password);
  }
  return {};
}
