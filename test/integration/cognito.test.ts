// The local Cognito user pools against the unmodified @aws-sdk/client-cognito-identity-provider and
// aws-jwt-verify's JwtRsaVerifier (the verifier the authorizers use with Cognito's real issuer):
// invitation, first login, tokens and their claims, deactivation, sign-out, machine tokens, errors.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  AdminAddUserToGroupCommand, AdminCreateUserCommand, AdminDisableUserCommand, AdminEnableUserCommand, AdminGetUserCommand,
  AdminListGroupsForUserCommand, AdminRemoveUserFromGroupCommand, AdminSetUserPasswordCommand, AdminUpdateUserAttributesCommand,
  AdminUserGlobalSignOutCommand, CognitoIdentityProviderClient, CreateGroupCommand, CreateResourceServerCommand, CreateUserPoolClientCommand,
  CreateUserPoolCommand, DescribeUserPoolClientCommand, GetUserCommand, GlobalSignOutCommand, InitiateAuthCommand, ListUsersCommand,
  RespondToAuthChallengeCommand, RevokeTokenCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { JwtRsaVerifier } from 'aws-jwt-verify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// The authorizers' JWKS cache: the platform fetch also reaches the stand-in's http issuer.
import { jwksCache } from '#shared/http/jwks-cache.ts';
import { type Invitation, type LocalCognito, secretHash, startCognito } from '../../local/cognito/server.ts';

const REGION = 'eu-west-1';
const STRONG = 'Correct-Horse-9';
const ACME_POOL = `${REGION}_AcmeTenant`;
const ACME_CLIENT = 'acmeconsoleclient000000000';

describe('local Cognito user pools', () => {
  let cognito: LocalCognito;
  let client: CognitoIdentityProviderClient;
  let offsetMs = 0;
  let poolId: string;
  let consoleClientId: string;
  let legacyClientId: string;
  let machine: { id: string; secret: string };

  const idVerifier = (pool: string, clientId: string) =>
    JwtRsaVerifier.create({ issuer: cognito.issuer(pool), jwksUri: cognito.jwksUri(pool), audience: clientId, customJwtCheck: ({ payload }) => expect(payload['token_use']).toBe('id') }, { jwksCache });
  const accessVerifier = (pool: string, clientId: string) =>
    JwtRsaVerifier.create(
      {
        issuer: cognito.issuer(pool),
        jwksUri: cognito.jwksUri(pool),
        audience: null, // Cognito access tokens carry client_id, not aud
        customJwtCheck: ({ payload }) => {
          if (payload['token_use'] !== 'access' || payload['client_id'] !== clientId) throw new Error('not an access token of this client');
        },
      },
      { jwksCache },
    );

  beforeAll(async () => {
    cognito = await startCognito({
      port: 0,
      region: REGION,
      account: '000000000000',
      clock: () => new Date(Date.now() + offsetMs),
      log: () => undefined,
      // A second tenant's pool given at start, as the local runtime will from the template.
      pools: [{ Id: ACME_POOL, PoolName: 'ringdesk-acme', UsernameAttributes: ['email'], Clients: [{ ClientName: 'console', ClientId: ACME_CLIENT, ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }] }],
    });
    client = new CognitoIdentityProviderClient({ endpoint: cognito.url, region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });

    const pool = await client.send(
      new CreateUserPoolCommand({
        PoolName: 'ringdesk-demo',
        UsernameAttributes: ['email'],
        UsernameConfiguration: { CaseSensitive: false },
        Policies: { PasswordPolicy: { MinimumLength: 10, RequireUppercase: true, RequireLowercase: true, RequireNumbers: true, RequireSymbols: false, TemporaryPasswordValidityDays: 7 } },
        Schema: [{ Name: 'employeeId', AttributeDataType: 'String', Mutable: true }],
      }),
    );
    poolId = pool.UserPool!.Id!;
    await client.send(new CreateResourceServerCommand({ UserPoolId: poolId, Identifier: 'ringdesk', Name: 'ringdesk API', Scopes: [{ ScopeName: 'read', ScopeDescription: 'read' }, { ScopeName: 'write', ScopeDescription: 'write' }] }));
    const consoleClient = await client.send(
      new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'console', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'], PreventUserExistenceErrors: 'ENABLED' }),
    );
    consoleClientId = consoleClient.UserPoolClient!.ClientId!;
    legacyClientId = (await client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'legacy', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }))).UserPoolClient!.ClientId!;
    const created = await client.send(
      new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'crm', GenerateSecret: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['ringdesk/read'], AllowedOAuthFlowsUserPoolClient: true }),
    );
    const described = await client.send(new DescribeUserPoolClientCommand({ UserPoolId: poolId, ClientId: created.UserPoolClient!.ClientId! }));
    machine = { id: described.UserPoolClient!.ClientId!, secret: described.UserPoolClient!.ClientSecret! };
    for (const [GroupName, Precedence] of [['admin', 0], ['supervisor', 1], ['agent', 2]] as const) {
      await client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName, Precedence }));
    }
  });
  afterAll(async () => {
    client?.destroy();
    await cognito?.close();
  });

  const invitationFor = async (email: string): Promise<Invitation> => {
    const res = await fetch(`${cognito.url}/_local/invitations?email=${encodeURIComponent(email)}`);
    const list = (await res.json()) as Invitation[];
    return list.at(-1)!;
  };
  const passwordLogin = (USERNAME: string, PASSWORD: string, ClientId = consoleClientId) =>
    client.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME, PASSWORD } }));
  const refresh = (REFRESH_TOKEN: string, ClientId = consoleClientId) => client.send(new InitiateAuthCommand({ ClientId, AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN } }));
  const nameOf = (p: Promise<unknown>) => p.then(() => 'resolved', (err: Error) => `${err.name}: ${err.message}`);

  /** An invited employee who already set a permanent password. */
  async function employee(email: string, employeeId: string, groups: string[] = ['agent']) {
    const { User } = await client.send(
      new AdminCreateUserCommand({ UserPoolId: poolId, Username: email, MessageAction: 'SUPPRESS', TemporaryPassword: 'Temporary-Pass-1', UserAttributes: [{ Name: 'custom:employeeId', Value: employeeId }] }),
    );
    for (const GroupName of groups) await client.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: email, GroupName }));
    await client.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: email, Password: STRONG, Permanent: true }));
    return User!.Username!;
  }

  it('S6: an invited employee logs in with the temporary password, sets a new one, and gets tokens that verify with groups and custom:employeeId', async () => {
    const email = 'anna@demo.example';
    const created = await client.send(
      new AdminCreateUserCommand({
        UserPoolId: poolId,
        Username: email,
        UserAttributes: [{ Name: 'email_verified', Value: 'true' }, { Name: 'name', Value: 'Anna' }, { Name: 'custom:employeeId', Value: 'emp-anna' }],
        DesiredDeliveryMediums: ['EMAIL'],
      }),
    );
    expect(created.User).toMatchObject({ Enabled: true, UserStatus: 'FORCE_CHANGE_PASSWORD' });
    const username = created.User!.Username!;
    expect(username).toMatch(/^[0-9a-f-]{36}$/); // a pool that signs in by email names users by their sub
    await client.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: email, GroupName: 'agent' }));
    await client.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: email, GroupName: 'supervisor' }));

    const invitation = await invitationFor(email);
    expect(invitation).toMatchObject({ userPoolId: poolId, username, email });
    const challenge = await passwordLogin('Anna@Demo.Example', invitation.temporaryPassword); // aliases are case-insensitive here
    expect(challenge.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
    expect(challenge.AuthenticationResult).toBeUndefined();
    expect(JSON.parse(challenge.ChallengeParameters!['userAttributes']!)).toMatchObject({ email, 'custom:employeeId': 'emp-anna' });

    const respond = (NEW_PASSWORD: string) =>
      client.send(new RespondToAuthChallengeCommand({ ClientId: consoleClientId, ChallengeName: 'NEW_PASSWORD_REQUIRED', Session: challenge.Session, ChallengeResponses: { USERNAME: email, NEW_PASSWORD } }));
    expect(await nameOf(respond('short1A'))).toBe('InvalidPasswordException: Password did not conform with policy: Password not long enough');
    const { AuthenticationResult: tokens } = await respond(STRONG);
    expect(tokens).toMatchObject({ TokenType: 'Bearer', ExpiresIn: 3600 });
    expect(await nameOf(respond('Another-Pass-2'))).toBe('NotAuthorizedException: Invalid session for the user, session can only be used once.');

    const id = await idVerifier(poolId, consoleClientId).verify(tokens!.IdToken!);
    expect(id).toMatchObject({
      iss: cognito.issuer(poolId),
      aud: consoleClientId,
      token_use: 'id',
      'cognito:username': username,
      'cognito:groups': ['supervisor', 'agent'], // by precedence
      email,
      email_verified: true,
      name: 'Anna',
      'custom:employeeId': 'emp-anna',
    });
    expect(id.sub).toBe(username);
    const access = await accessVerifier(poolId, consoleClientId).verify(tokens!.AccessToken!);
    expect(access).toMatchObject({ token_use: 'access', client_id: consoleClientId, username, scope: 'aws.cognito.signin.user.admin', 'cognito:groups': ['supervisor', 'agent'] });
    expect(access.aud).toBeUndefined();
    for (const claims of [id, access]) {
      expect(claims.exp! - claims.iat!).toBe(3600);
      expect(typeof claims.jti).toBe('string');
      expect(typeof claims.auth_time).toBe('number');
    }
    expect(access['origin_jti']).toBe(id['origin_jti']);
    expect(tokens!.RefreshToken!.split('.')).toHaveLength(1); // opaque, not a JWT

    const user = await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: email }));
    expect(user.UserStatus).toBe('CONFIRMED');
    expect(user.UserAttributes).toEqual(expect.arrayContaining([{ Name: 'sub', Value: username }, { Name: 'email', Value: email }]));
    expect((await client.send(new GetUserCommand({ AccessToken: tokens!.AccessToken! }))).Username).toBe(username);

    // A refresh keeps the sign-in's origin_jti and auth_time and returns no new refresh token.
    const refreshed = (await refresh(tokens!.RefreshToken!)).AuthenticationResult!;
    expect(refreshed.RefreshToken).toBeUndefined();
    const again = await idVerifier(poolId, consoleClientId).verify(refreshed.IdToken!);
    expect(again).toMatchObject({ origin_jti: id['origin_jti'], auth_time: id.auth_time });
  });

  it('S6: a wrong password or an unknown user is NotAuthorizedException "Incorrect username or password." (UserNotFoundException where user existence errors are not prevented)', async () => {
    await employee('boris@demo.example', 'emp-boris');
    expect(await nameOf(passwordLogin('boris@demo.example', 'Wrong-Password-1'))).toBe('NotAuthorizedException: Incorrect username or password.');
    expect(await nameOf(passwordLogin('nobody@demo.example', STRONG))).toBe('NotAuthorizedException: Incorrect username or password.');
    expect(await nameOf(passwordLogin('nobody@demo.example', STRONG, legacyClientId))).toBe('UserNotFoundException: User does not exist.');
    expect((await passwordLogin('boris@demo.example', STRONG)).AuthenticationResult?.IdToken).toBeTruthy();
  });

  it('S6: a deactivated employee can neither log in nor refresh; enabled again they log in, but the old refresh token stays revoked', async () => {
    await employee('dora@demo.example', 'emp-dora');
    const { AuthenticationResult } = await passwordLogin('dora@demo.example', STRONG);
    await client.send(new AdminDisableUserCommand({ UserPoolId: poolId, Username: 'dora@demo.example' }));
    expect((await client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'dora@demo.example' }))).Enabled).toBe(false);
    expect(await nameOf(passwordLogin('dora@demo.example', STRONG))).toBe('NotAuthorizedException: User is disabled.');
    expect(await nameOf(refresh(AuthenticationResult!.RefreshToken!))).toBe('NotAuthorizedException: User is disabled.');
    expect(await nameOf(client.send(new GetUserCommand({ AccessToken: AuthenticationResult!.AccessToken! })))).toBe('NotAuthorizedException: Access Token has been revoked');

    await client.send(new AdminEnableUserCommand({ UserPoolId: poolId, Username: 'dora@demo.example' }));
    expect(await nameOf(refresh(AuthenticationResult!.RefreshToken!))).toBe('NotAuthorizedException: Refresh Token has been revoked');
    expect((await passwordLogin('dora@demo.example', STRONG)).AuthenticationResult?.RefreshToken).toBeTruthy();
  });

  it('S6: global sign-out (by an admin or by the user) revokes every refresh token of the user', async () => {
    await employee('eva@demo.example', 'emp-eva');
    const first = (await passwordLogin('eva@demo.example', STRONG)).AuthenticationResult!;
    const second = (await passwordLogin('eva@demo.example', STRONG)).AuthenticationResult!;
    await client.send(new AdminUserGlobalSignOutCommand({ UserPoolId: poolId, Username: 'eva@demo.example' }));
    for (const t of [first, second]) expect(await nameOf(refresh(t.RefreshToken!))).toBe('NotAuthorizedException: Refresh Token has been revoked');

    const third = (await passwordLogin('eva@demo.example', STRONG)).AuthenticationResult!;
    await client.send(new GlobalSignOutCommand({ AccessToken: third.AccessToken! }));
    expect(await nameOf(refresh(third.RefreshToken!))).toBe('NotAuthorizedException: Refresh Token has been revoked');
    expect(await nameOf(client.send(new GlobalSignOutCommand({ AccessToken: third.AccessToken! })))).toBe('NotAuthorizedException: Access Token has been revoked');
  });

  it('RevokeToken revokes one refresh token and leaves the other sign-ins alone', async () => {
    await employee('fedor@demo.example', 'emp-fedor');
    const phone = (await passwordLogin('fedor@demo.example', STRONG)).AuthenticationResult!;
    const laptop = (await passwordLogin('fedor@demo.example', STRONG)).AuthenticationResult!;
    await client.send(new RevokeTokenCommand({ ClientId: consoleClientId, Token: phone.RefreshToken! }));
    expect(await nameOf(refresh(phone.RefreshToken!))).toBe('NotAuthorizedException: Refresh Token has been revoked');
    expect((await refresh(laptop.RefreshToken!)).AuthenticationResult?.AccessToken).toBeTruthy();
    expect(await nameOf(client.send(new RevokeTokenCommand({ ClientId: consoleClientId, Token: laptop.AccessToken! })))).toMatch(/^UnsupportedTokenTypeException/);
    expect(await nameOf(refresh('not-a-refresh-token'))).toBe('NotAuthorizedException: Invalid Refresh Token');
    expect(await nameOf(refresh(laptop.RefreshToken!, legacyClientId))).toBe('NotAuthorizedException: Invalid Refresh Token');
  });

  it("S1: a token from one tenant's pool fails verification against another tenant's pool (issuer and key)", async () => {
    await employee('galina@demo.example', 'emp-galina');
    const { IdToken } = (await passwordLogin('galina@demo.example', STRONG)).AuthenticationResult!;
    // The other pool's key set does not hold this pool's key…
    await expect(idVerifier(ACME_POOL, consoleClientId).verify(IdToken!)).rejects.toThrow(/JWK for kid .* not found/i);
    // …and even given this pool's keys, the other pool's issuer is refused.
    const crossed = JwtRsaVerifier.create({ issuer: cognito.issuer(ACME_POOL), jwksUri: cognito.jwksUri(poolId), audience: consoleClientId }, { jwksCache });
    await expect(crossed.verify(IdToken!)).rejects.toThrow(/[Ii]ssuer not allowed/);
    // And the seeded pool works on its own.
    await client.send(new AdminCreateUserCommand({ UserPoolId: ACME_POOL, Username: 'ivan@acme.example', TemporaryPassword: 'Temporary-Pass-1', MessageAction: 'SUPPRESS' }));
    const acme = await client.send(new InitiateAuthCommand({ ClientId: ACME_CLIENT, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'ivan@acme.example', PASSWORD: 'Temporary-Pass-1' } }));
    expect(acme.ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
  });

  it('S6: an integration gets a client-credentials token with its scope and no groups, which verifies', async () => {
    const token = (body: string, auth = `Basic ${Buffer.from(`${machine.id}:${machine.secret}`).toString('base64')}`) =>
      fetch(cognito.tokenEndpoint, { method: 'POST', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: auth }, body });
    const res = await token('grant_type=client_credentials&scope=ringdesk%2Fread');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { access_token: string; expires_in: number; token_type: string };
    expect(body).toMatchObject({ expires_in: 3600, token_type: 'Bearer' });
    const claims = await accessVerifier(poolId, machine.id).verify(body.access_token);
    expect(claims).toMatchObject({ sub: machine.id, client_id: machine.id, scope: 'ringdesk/read', token_use: 'access' });
    expect(claims['cognito:groups']).toBeUndefined();

    expect((await (await token('grant_type=client_credentials')).json()) as object).toHaveProperty('access_token'); // all allowed scopes
    expect(await (await token('grant_type=client_credentials&scope=ringdesk%2Fwrite')).json()).toEqual({ error: 'invalid_scope' });
    expect(await (await token('grant_type=client_credentials', `Basic ${Buffer.from(`${machine.id}:wrong`).toString('base64')}`)).json()).toEqual({ error: 'invalid_client' });
    expect(await (await token('grant_type=client_credentials', `Basic ${Buffer.from(`${consoleClientId}:`).toString('base64')}`)).json()).toEqual({ error: 'invalid_client' });
    expect((await token('grant_type=client_credentials&scope=ringdesk%2Fwrite')).status).toBe(400);
  });

  it("S6: passwords follow the pool's policy, in Cognito's words", async () => {
    await employee('hanna@demo.example', 'emp-hanna');
    const set = (Password: string) => nameOf(client.send(new AdminSetUserPasswordCommand({ UserPoolId: poolId, Username: 'hanna@demo.example', Password, Permanent: true })));
    expect(await set('Short-1')).toBe('InvalidPasswordException: Password did not conform with policy: Password not long enough');
    expect(await set('no-upper-case-1')).toBe('InvalidPasswordException: Password did not conform with policy: Password must have uppercase characters');
    expect(await set('NO-LOWER-CASE-1')).toBe('InvalidPasswordException: Password did not conform with policy: Password must have lowercase characters');
    expect(await set('No-Numbers-At-All')).toBe('InvalidPasswordException: Password did not conform with policy: Password must have numeric characters');
    expect(await set('NoSymbolsNeeded1')).toBe('resolved'); // this pool does not require symbols
    expect(await nameOf(client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'weak@demo.example', TemporaryPassword: 'weak' })))).toBe(
      'InvalidPasswordException: Password did not conform with policy: Password not long enough',
    );
    // A generated temporary password satisfies the policy (the default policy of the seeded pool too).
    await client.send(new AdminCreateUserCommand({ UserPoolId: ACME_POOL, Username: 'jana@acme.example' }));
    const generated = (await invitationFor('jana@acme.example')).temporaryPassword;
    expect(generated).toMatch(/^(?=.*[a-z])(?=.*[A-Z])(?=.*\d)(?=.*[^A-Za-z0-9]).{12,}$/);
  });

  it('S6: a temporary password expires after TemporaryPasswordValidityDays', async () => {
    await client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'late@demo.example', TemporaryPassword: 'Temporary-Pass-1', MessageAction: 'SUPPRESS' }));
    offsetMs = 8 * 86_400_000;
    try {
      expect(await nameOf(passwordLogin('late@demo.example', 'Temporary-Pass-1'))).toBe('NotAuthorizedException: Temporary password has expired and must be reset by an administrator.');
    } finally {
      offsetMs = 0;
    }
    await client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'late@demo.example', MessageAction: 'RESEND', TemporaryPassword: 'Temporary-Pass-2' }));
    expect((await passwordLogin('late@demo.example', 'Temporary-Pass-2')).ChallengeName).toBe('NEW_PASSWORD_REQUIRED');
  });

  it('finds users by email, and group or attribute changes show in the next tokens', async () => {
    await employee('kira@demo.example', 'emp-kira', ['agent']);
    const found = await client.send(new ListUsersCommand({ UserPoolId: poolId, Filter: 'email = "KIRA@demo.example"' }));
    expect(found.Users?.map((u) => u.Attributes?.find((a) => a.Name === 'email')?.Value)).toEqual(['kira@demo.example']);
    const prefixed = await client.send(new ListUsersCommand({ UserPoolId: poolId, Filter: 'email ^= "kira@"' }));
    expect(prefixed.Users).toHaveLength(1);
    const page = await client.send(new ListUsersCommand({ UserPoolId: poolId, Limit: 2 }));
    expect(page.Users).toHaveLength(2);
    expect(page.PaginationToken).toBeTruthy();

    await client.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'kira@demo.example', GroupName: 'admin' }));
    await client.send(new AdminRemoveUserFromGroupCommand({ UserPoolId: poolId, Username: 'kira@demo.example', GroupName: 'agent' }));
    const groups = await client.send(new AdminListGroupsForUserCommand({ UserPoolId: poolId, Username: 'kira@demo.example' }));
    expect(groups.Groups?.map((g) => g.GroupName)).toEqual(['admin']);
    await client.send(new AdminUpdateUserAttributesCommand({ UserPoolId: poolId, Username: 'kira@demo.example', UserAttributes: [{ Name: 'custom:employeeId', Value: 'emp-kira-2' }] }));
    const { IdToken } = (await passwordLogin('kira@demo.example', STRONG)).AuthenticationResult!;
    expect(await idVerifier(poolId, consoleClientId).verify(IdToken!)).toMatchObject({ 'cognito:groups': ['admin'], 'custom:employeeId': 'emp-kira-2' });
  });

  it("answers errors with Cognito's names, as the SDK surfaces them", async () => {
    await employee('lev@demo.example', 'emp-lev');
    const errors = await Promise.all([
      nameOf(client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'lev@demo.example', MessageAction: 'SUPPRESS' }))),
      nameOf(client.send(new AdminGetUserCommand({ UserPoolId: poolId, Username: 'ghost@demo.example' }))),
      nameOf(client.send(new AdminGetUserCommand({ UserPoolId: `${REGION}_NoSuchPool`, Username: 'lev@demo.example' }))),
      nameOf(client.send(new AdminAddUserToGroupCommand({ UserPoolId: poolId, Username: 'lev@demo.example', GroupName: 'nobody' }))),
      nameOf(client.send(new CreateGroupCommand({ UserPoolId: poolId, GroupName: 'agent' }))),
      nameOf(client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'x@demo.example', UserAttributes: [{ Name: 'custom:shoeSize', Value: '42' }] }))),
      nameOf(client.send(new AdminCreateUserCommand({ UserPoolId: poolId, Username: 'not-an-email' }))),
      nameOf(client.send(new InitiateAuthCommand({ ClientId: 'nosuchclient', AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'lev@demo.example', PASSWORD: STRONG } }))),
      nameOf(client.send(new InitiateAuthCommand({ ClientId: machine.id, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'lev@demo.example', PASSWORD: STRONG } }))),
      nameOf(client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'bad', GenerateSecret: true, AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['ringdesk/delete'], AllowedOAuthFlowsUserPoolClient: true }))),
      nameOf(client.send(new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'bad', AllowedOAuthFlows: ['client_credentials'], AllowedOAuthScopes: ['ringdesk/read'] }))),
    ]);
    expect(errors).toEqual([
      'UsernameExistsException: An account with the given email already exists.',
      'UserNotFoundException: User does not exist.',
      `ResourceNotFoundException: User pool ${REGION}_NoSuchPool does not exist.`,
      'ResourceNotFoundException: Group not found.',
      'GroupExistsException: A group with the name agent already exists.',
      'InvalidParameterException: Attributes did not conform to the schema: Type for attribute {custom:shoeSize} could not be determined',
      'InvalidParameterException: Username should be an email.',
      'ResourceNotFoundException: User pool client nosuchclient does not exist.',
      'InvalidParameterException: USER_PASSWORD_AUTH flow not enabled for this client',
      'ScopeDoesNotExistException: Invalid scope requested: ringdesk/delete',
      'InvalidOAuthFlowException: client_credentials flow can not be selected if client does not have a client secret.',
    ]);
  });

  it("answers a browser's CORS preflight and a plain-fetch InitiateAuth as cognito-idp does (the console's login)", async () => {
    const origin = 'http://127.0.0.1:8080';
    const preflight = await fetch(cognito.url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-amz-target' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    const allowed = (preflight.headers.get('access-control-allow-headers') ?? '').toLowerCase().split(/\s*,\s*/);
    expect(allowed).toEqual(expect.arrayContaining(['content-type', 'x-amz-target']));
    expect(Number(preflight.headers.get('access-control-max-age'))).toBeGreaterThan(0);

    await employee('cora@demo.example', 'emp-cora');
    const post = (AuthParameters: Record<string, string>) =>
      fetch(cognito.url, {
        method: 'POST',
        headers: { origin, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth' },
        body: JSON.stringify({ ClientId: consoleClientId, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters }),
      });
    const ok = await post({ USERNAME: 'cora@demo.example', PASSWORD: STRONG });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('*');
    expect(((await ok.json()) as { AuthenticationResult?: { IdToken?: string } }).AuthenticationResult?.IdToken).toBeTruthy();
    // An error is readable by the page too: the status, the body's __type and message.
    const refused = await post({ USERNAME: 'cora@demo.example', PASSWORD: 'Wrong-Pass-123' });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
    expect(refused.headers.get('access-control-expose-headers')).toContain('x-amzn-ErrorType');
    expect(await refused.json()).toEqual({ __type: 'NotAuthorizedException', message: 'Incorrect username or password.' });
  });

  it('checks SECRET_HASH for an app client with a secret', async () => {
    const { UserPoolClient } = await client.send(
      new CreateUserPoolClientCommand({ UserPoolId: poolId, ClientName: 'server-side', GenerateSecret: true, ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH'] }),
    );
    const { ClientId, ClientSecret } = UserPoolClient!;
    const login = (extra: Record<string, string>) =>
      client.send(new InitiateAuthCommand({ ClientId: ClientId!, AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'lev@demo.example', PASSWORD: STRONG, ...extra } }));
    expect(await nameOf(login({}))).toBe(`NotAuthorizedException: Client ${ClientId} is configured with secret but SECRET_HASH was not received`);
    expect(await nameOf(login({ SECRET_HASH: 'bogus' }))).toBe(`NotAuthorizedException: Unable to verify secret hash for client ${ClientId}`);
    expect((await login({ SECRET_HASH: secretHash(ClientSecret!, 'lev@demo.example', ClientId!) })).AuthenticationResult?.IdToken).toBeTruthy();
  });
});

describe('local Cognito with a state file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'ringdesk-cognito-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps pools, signing keys, users and refresh tokens across a restart', async () => {
    const stateFile = path.join(dir, 'cognito.json');
    const seed = { Id: `${REGION}_Persisted1`, PoolName: 'ringdesk-demo', UsernameAttributes: ['email'], Clients: [{ ClientName: 'console', ClientId: 'persistedconsoleclient0000', ExplicitAuthFlows: ['ALLOW_USER_PASSWORD_AUTH'] }] };
    const first = await startCognito({ port: 0, region: REGION, account: '000000000000', pools: [seed], stateFile, log: () => undefined });
    const port = Number(new URL(first.url).port);
    const sdk = (url: string) => new CognitoIdentityProviderClient({ endpoint: url, region: REGION, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    let client = sdk(first.url);
    await client.send(new AdminCreateUserCommand({ UserPoolId: seed.Id, Username: 'anna@demo.example', MessageAction: 'SUPPRESS' }));
    await client.send(new AdminSetUserPasswordCommand({ UserPoolId: seed.Id, Username: 'anna@demo.example', Password: STRONG, Permanent: true }));
    const tokens = (await client.send(new InitiateAuthCommand({ ClientId: 'persistedconsoleclient0000', AuthFlow: 'USER_PASSWORD_AUTH', AuthParameters: { USERNAME: 'anna@demo.example', PASSWORD: STRONG } }))).AuthenticationResult!;
    const jwksBefore = await (await fetch(first.jwksUri(seed.Id))).json();
    client.destroy();
    await first.close();

    const second = await startCognito({ port, region: REGION, account: '000000000000', pools: [seed], stateFile, log: () => undefined });
    try {
      client = sdk(second.url);
      expect(await (await fetch(second.jwksUri(seed.Id))).json()).toEqual(jwksBefore);
      const verifier = JwtRsaVerifier.create({ issuer: second.issuer(seed.Id), jwksUri: second.jwksUri(seed.Id), audience: 'persistedconsoleclient0000' }, { jwksCache });
      expect((await verifier.verify(tokens.IdToken!)).email).toBe('anna@demo.example');
      const refreshed = await client.send(new InitiateAuthCommand({ ClientId: 'persistedconsoleclient0000', AuthFlow: 'REFRESH_TOKEN_AUTH', AuthParameters: { REFRESH_TOKEN: tokens.RefreshToken! } }));
      expect(refreshed.AuthenticationResult?.AccessToken).toBeTruthy();
    } finally {
      client.destroy();
      await second.close();
    }
  });
});
