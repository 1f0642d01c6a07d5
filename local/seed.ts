// Demo data and tokens for the local runtime. Writes through the same repositories the functions use.
import type { TenantConfig } from '#shared/config.ts';
import type { Customer, Employee } from '#shared/domain/directory.ts';
import { issueToken } from '#shared/http/auth.ts';

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

/** Seeds the demo tenant (idempotent) and returns tokens: one admin, one per employee by extension. */
export async function seedTenant(config: TenantConfig, env: { tableName: string; dynamodbUrl: string; region: string }): Promise<LocalTokens> {
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
  const agents: Record<string, string> = {};
  for (const e of employees) agents[e.extension] = await issueToken({ tenant: config.tenant, employeeId: e.id, role: e.accessLevel }, config.authSecret);
  const admin = await issueToken({ tenant: config.tenant, employeeId: 'admin', role: 'admin' }, config.authSecret);
  return { admin, agents };
}
