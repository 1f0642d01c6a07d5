/**
 * Local Amazon Cognito user pools: one loopback HTTP server speaking the JSON 1.1 protocol of the
 * unmodified `@aws-sdk/client-cognito-identity-provider` (`X-Amz-Target:
 * AWSCognitoIdentityProviderService.<Op>`), each pool's JWKS and OpenID configuration under
 * `/{poolId}/.well-known/`, the OAuth 2.0 token endpoint for client credentials, and local-only
 * admin routes under `/_local/` (the invitations Cognito would have emailed).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { answerAwsJson, type AwsJsonOperations, readBody } from '../aws-json.ts';
import { listen, shutdown, urlHost } from '../gateway/listen.ts';
import { JsonStateWriter, loadJsonState } from '../json-state-file.ts';
import { type AuthContext, getUser, globalSignOut, initiateAuth, respondToAuthChallenge, revokeToken } from './auth-operations.ts';
import { oauth2Token } from './oauth2.ts';
import { createGroup, createResourceServer, createUserPool, createUserPoolClient, describeUserPool, describeUserPoolClient } from './pool-operations.ts';
import { jwks, newSigningKey, TokenSigner } from './tokens.ts';
import type { CognitoState, LocalCognito, LocalCognitoOptions, UserPoolSeed } from './types.ts';
import {
  adminAddUserToGroup, adminCreateUser, adminDeleteUser, adminDisableUser, adminEnableUser, adminGetUser, adminListGroupsForUser, adminRemoveUserFromGroup,
  adminSetUserPassword, adminUpdateUserAttributes, adminUserGlobalSignOut, listUsers,
} from './user-operations.ts';
import { own, UserPools } from './user-pools.ts';

export type { Invitation, LocalCognito, LocalCognitoOptions, UserPoolSeed } from './types.ts';
export { secretHash } from './auth-operations.ts';

/** Local-only admin routes: `GET /_local/invitations`, `GET /_local/pools`. */
export const COGNITO_ADMIN_PREFIX = '/_local/';

const emptyState = (): CognitoState => ({ pools: {}, refreshTokens: {}, revokedOrigins: [], invitations: [] });

type Operation = (ctx: AuthContext, body: Record<string, unknown>) => unknown;

const OPERATIONS: Record<string, Operation> = {
  CreateUserPool: (ctx, body) => createUserPool(ctx, body),
  DescribeUserPool: describeUserPool,
  CreateUserPoolClient: (ctx, body) => createUserPoolClient(ctx, body),
  DescribeUserPoolClient: describeUserPoolClient,
  CreateResourceServer: createResourceServer,
  CreateGroup: createGroup,
  AdminCreateUser: adminCreateUser,
  AdminDeleteUser: adminDeleteUser,
  AdminGetUser: adminGetUser,
  ListUsers: listUsers,
  AdminAddUserToGroup: adminAddUserToGroup,
  AdminRemoveUserFromGroup: adminRemoveUserFromGroup,
  AdminListGroupsForUser: adminListGroupsForUser,
  AdminUpdateUserAttributes: adminUpdateUserAttributes,
  AdminDisableUser: adminDisableUser,
  AdminEnableUser: adminEnableUser,
  AdminUserGlobalSignOut: adminUserGlobalSignOut,
  AdminSetUserPassword: adminSetUserPassword,
  InitiateAuth: initiateAuth,
  RespondToAuthChallenge: respondToAuthChallenge,
  GetUser: getUser,
  GlobalSignOut: globalSignOut,
  RevokeToken: revokeToken,
};

// Browsers (the console's login) call Cognito directly, so every answer carries CORS headers as
// cognito-idp's do: any origin, no credentials (the tokens travel in bodies), the request and error
// ids readable by the page. A preflight is answered 204 before any route is looked at.
const CORS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
  'Access-Control-Allow-Headers': 'content-type, x-amz-target, x-amz-user-agent, amz-sdk-invocation-id, amz-sdk-request, authorization',
  'Access-Control-Expose-Headers': 'x-amzn-RequestId, x-amzn-ErrorType, x-amzn-ErrorMessage, Date',
  'Access-Control-Max-Age': '600',
};

export async function startCognito(opts: LocalCognitoOptions): Promise<LocalCognito> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const clock = opts.clock ?? (() => new Date());
  const state = opts.stateFile ? await loadJsonState(opts.stateFile, emptyState()) : emptyState();
  const writer = opts.stateFile ? new JsonStateWriter(opts.stateFile, (line) => log(`[cognito] ${line}`)) : undefined;
  const pools = new UserPools(state, opts.region, opts.account);
  let baseUrl = '';
  const ctx: AuthContext = {
    pools,
    now: () => clock().getTime(),
    newKey: newSigningKey,
    invite(invitation) {
      state.invitations.push(invitation);
      log(`[cognito] invitation to ${invitation.email ?? invitation.username}: temporary password ${invitation.temporaryPassword} (GET ${baseUrl}${COGNITO_ADMIN_PREFIX}invitations)`);
    },
    signer: new TokenSigner(),
    issuer: (userPoolId) => `${baseUrl}/${userPoolId}`,
    sessions: new Map(),
  };
  for (const seed of opts.pools ?? []) await seedPool(ctx, seed);
  pools.forgetExpired(ctx.now());
  writer?.save(state);

  const operations: AwsJsonOperations = Object.fromEntries(
    Object.entries(OPERATIONS).map(([name, op]) => [
      name,
      async (body: Record<string, unknown>) => {
        const out = await op(ctx, body);
        writer?.save(state);
        return out;
      },
    ]),
  );

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://local');
    const method = req.method ?? 'GET';
    for (const [k, v] of Object.entries(CORS)) res.setHeader(k, v);
    if (method === 'OPTIONS') {
      res.writeHead(204).end();
      return;
    }
    if (url.pathname === '/') {
      await answerAwsJson(req, res, { prefix: 'AWSCognitoIdentityProviderService', operations, internalError: 'InternalErrorException', label: 'Cognito' });
      return;
    }
    if (url.pathname === '/oauth2/token' && method === 'POST') {
      const text = await readBody(req);
      const { status, body } = await oauth2Token(ctx, req.headers['content-type'], req.headers.authorization, text);
      return sendPlainJson(res, status, body);
    }
    if (url.pathname.startsWith(COGNITO_ADMIN_PREFIX) && method === 'GET') {
      const route = url.pathname.slice(COGNITO_ADMIN_PREFIX.length);
      if (route === 'invitations') {
        const email = url.searchParams.get('email')?.toLowerCase();
        return sendPlainJson(res, 200, state.invitations.filter((i) => !email || i.email?.toLowerCase() === email));
      }
      if (route === 'pools') {
        return sendPlainJson(
          res,
          200,
          Object.values(state.pools).map((ps) => ({ id: ps.pool.Id, name: ps.pool.Name, issuer: ctx.issuer(ps.pool.Id), clients: Object.values(ps.clients).map((c) => ({ id: c.ClientId, name: c.ClientName })) })),
        );
      }
    }
    const wellKnown = /^\/([\w-]+_[0-9A-Za-z]+)\/\.well-known\/(jwks\.json|openid-configuration)$/.exec(url.pathname);
    if (wellKnown?.[1] && method === 'GET') {
      const ps = own(state.pools, wellKnown[1]);
      if (!ps) return sendPlainJson(res, 404, { message: `User pool ${wellKnown[1]} does not exist.` });
      if (wellKnown[2] === 'jwks.json') return sendPlainJson(res, 200, jwks(ps.pool.key));
      const issuer = ctx.issuer(ps.pool.Id);
      return sendPlainJson(res, 200, {
        issuer,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
        token_endpoint: `${baseUrl}/oauth2/token`,
        id_token_signing_alg_values_supported: ['RS256'],
        subject_types_supported: ['public'],
        response_types_supported: ['code', 'token'],
        grant_types_supported: ['client_credentials'],
      });
    }
    sendPlainJson(res, 404, { message: `The local Cognito has no route ${method} ${url.pathname}.` });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) sendPlainJson(res, 500, { message: err instanceof Error ? err.message : String(err) });
    });
  });
  const host = opts.host ?? '127.0.0.1';
  const port = await listen(server, opts.port, host);
  baseUrl = `http://${urlHost(host)}:${port}`;

  return {
    url: baseUrl,
    issuer: ctx.issuer,
    jwksUri: (userPoolId) => `${ctx.issuer(userPoolId)}/.well-known/jwks.json`,
    tokenEndpoint: `${baseUrl}/oauth2/token`,
    invitations: () => state.invitations.map((i) => ({ ...i })),
    async close() {
      await shutdown(server);
      await writer?.flushed();
    },
  };
}

/** Creates a seeded pool (with its fixed ids) unless the state file already has it. */
async function seedPool(ctx: AuthContext, seed: UserPoolSeed): Promise<void> {
  if (seed.Id && own(ctx.pools.state.pools, seed.Id)) return;
  const { Clients = [], ResourceServers = [], Groups = [], Id, ...request } = seed;
  const { UserPool } = await createUserPool(ctx, request, Id);
  const UserPoolId = UserPool['Id'] as string;
  for (const rs of ResourceServers) createResourceServer(ctx, { ...rs, UserPoolId });
  for (const { ClientId, ClientSecret, ...client } of Clients) {
    createUserPoolClient(ctx, { ...client, UserPoolId }, { ...(ClientId ? { ClientId } : {}), ...(ClientSecret ? { ClientSecret } : {}) });
  }
  for (const g of Groups) createGroup(ctx, { ...g, UserPoolId });
}

function sendPlainJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text), 'Cache-Control': 'no-store' });
  res.end(text);
}
