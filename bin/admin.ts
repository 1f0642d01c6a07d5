// `npm run admin -- invite --email a@b.example --name "A B" --role admin [--employee-id ID]`:
// invites a person to a tenant's user pool (the first admin of a new stack, or anyone later), with
// the same user-pool code as `POST /employees` (shared/adapters/user-pool.ts: a retry sends nothing twice).
// Locally the pool is the one in .ringdesk/local.json (the invitation is captured by the local
// Cognito: GET {endpoint}/_local/invitations); against AWS pass `--user-pool-id` (the stack's
// `UserPoolId` output) and `--region`, with credentials from the environment.
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { cognitoUserPool } from '#shared/adapters/user-pool.ts';
import type { Role } from '#shared/domain/principal.ts';
import { projectRoot, type LocalInfo } from '../local/start.ts';

const ROLES: readonly Role[] = ['agent', 'analyst', 'admin'];

function fail(message: string): never {
  console.error(`admin: ${message}`);
  process.exit(1);
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    email: { type: 'string' },
    name: { type: 'string' },
    role: { type: 'string', default: 'agent' },
    'employee-id': { type: 'string' },
    'user-pool-id': { type: 'string' },
    region: { type: 'string' },
    info: { type: 'string', default: join(projectRoot, '.ringdesk/local.json') },
  },
});

if (positionals[0] !== 'invite') fail('usage: npm run admin -- invite --email EMAIL --name NAME --role agent|analyst|admin [--employee-id ID] [--user-pool-id ID --region REGION]');
const { email, name } = values;
if (!email || !/^[^@\s]+@[^@\s]+$/.test(email)) fail('--email is required (the person signs in with it)');
if (!name) fail('--name is required');
const role = values.role as Role;
if (!ROLES.includes(role)) fail(`--role must be one of ${ROLES.join(', ')}`);
// The employee id ties the login to the directory; an admin without a directory entry gets one from the email.
const employeeId = values['employee-id'] ?? `emp-${(email.split('@')[0] ?? email).toLowerCase().replace(/[^a-z0-9-]/g, '-')}`;

let client: CognitoIdentityProviderClient;
let userPoolId: string;
let local: LocalInfo['cognito'] | undefined;
if (values['user-pool-id']) {
  userPoolId = values['user-pool-id'];
  client = new CognitoIdentityProviderClient(values.region ? { region: values.region } : {});
} else {
  try {
    local = (JSON.parse(readFileSync(values.info, 'utf8')) as LocalInfo).cognito;
  } catch {
    fail(`cannot read ${relative(process.cwd(), values.info)}: start the stack first (npm start), or pass --user-pool-id`);
  }
  if (!local) fail(`${relative(process.cwd(), values.info)} has no cognito section: restart npm start`);
  userPoolId = local.userPoolId;
  client = new CognitoIdentityProviderClient({ endpoint: local.endpoint, region: local.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
}

try {
  const { username, created } = await cognitoUserPool(client, userPoolId).ensureLogin({ email, name, role, employeeId });
  if (!created) {
    console.log(`${email} already signs in as employee ${employeeId} (user ${username}): enabled, group ${role}; no new invitation`);
    process.exit(0);
  }
  console.log(`invited ${email} (${role}, employee ${employeeId}) to user pool ${userPoolId} as ${username}`);
  if (local) console.log(`the invitation with the temporary password: ${local.endpoint}/_local/invitations?email=${encodeURIComponent(email)}`);
} catch (err) {
  fail(err instanceof Error ? `${err.name}: ${err.message}` : String(err));
}
