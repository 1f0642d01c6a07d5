// Demo data and logins for the local runtime. Writes through the same repositories the functions
// use; people are users of the stack's Cognito user pool, signed in as the console signs in.
import type { TenantConfig } from '#shared/config.ts';
import type { Customer, Employee } from '#shared/domain/directory.ts';
import { cognitoClient, ensureLogin, LOCAL_PASSWORD, type LocalCognitoInfo, type Login, signIn } from './logins.ts';

export const demoEmployees: Employee[] = [
  { id: 'emp-101', extension: '101', fullName: 'Anna Smirnova', email: 'anna@demo.example', sipAccounts: ['anna'], phones: [], accessLevel: 'agent', active: true },
  { id: 'emp-102', extension: '102', fullName: 'Boris Ivanov', email: 'boris@demo.example', sipAccounts: ['boris'], phones: [], accessLevel: 'agent', active: true },
];

export const demoCustomers: Customer[] = [
  {
    id: 'cus-ivan-petrov',
    fullName: 'Ivan Petrov',
    email: 'ivan@example.com',
    company: 'Romashka LLC',
    phones: ['+79161234567'],
    note: null,
    responsibleEmployeeId: 'emp-101',
    createdAt: '2026-01-01T00:00:00.000Z',
  },
];

export interface LocalTokens {
  admin: string;
  agents: Record<string, string>;
}

/** The tenant's seeded logins: each demo employee with an email, and one admin (employee id `admin`). */
export function seedLogins(tenant: string): Login[] {
  const employees = tenant === 'demo' ? demoEmployees : [];
  return [
    ...employees.flatMap((e) => (e.email ? [{ email: e.email, password: LOCAL_PASSWORD, role: e.accessLevel, name: e.fullName, employeeId: e.id }] : [])),
    { email: `admin@${tenant}.example`, password: LOCAL_PASSWORD, role: 'admin', name: 'Admin', employeeId: 'admin' },
  ];
}

/**
 * Seeds the demo tenant (idempotent) and its logins, signs each in and returns their id tokens:
 * one admin, one per employee by extension.
 */
export async function seedTenant(
  config: TenantConfig,
  env: { tableName: string; dynamodbUrl: string; region: string; cognito: LocalCognitoInfo },
): Promise<{ tokens: LocalTokens; logins: Login[] }> {
  // The repositories read their table and endpoint once at import, as in a function.
  process.env['TABLE_NAME'] = env.tableName;
  process.env['AWS_ENDPOINT_URL_DYNAMODB'] = env.dynamodbUrl;
  process.env['AWS_REGION'] ??= env.region;
  process.env['AWS_ACCESS_KEY_ID'] ??= 'local';
  process.env['AWS_SECRET_ACCESS_KEY'] ??= 'local';
  const { putCustomer } = await import('#shared/adapters/customers-repo.ts');
  const { putEmployee } = await import('#shared/adapters/employees-repo.ts');
  const employees = config.tenant === 'demo' ? demoEmployees : [];
  for (const e of employees) await putEmployee(config.tenant, e);
  if (config.tenant === 'demo') for (const c of demoCustomers) await putCustomer(config.tenant, c);

  const client = cognitoClient(env.cognito);
  const logins = seedLogins(config.tenant);
  const agents: Record<string, string> = {};
  let admin = '';
  for (const login of logins) {
    await ensureLogin(client, env.cognito.userPoolId, login);
    const { idToken } = await signIn(client, env.cognito.clientId, login.email, login.password);
    const extension = employees.find((e) => e.id === login.employeeId)?.extension;
    if (extension) agents[extension] = idToken;
    if (login.employeeId === 'admin') admin = idToken;
  }
  client.destroy();
  return { tokens: { admin, agents }, logins };
}
