// Employees (one partition per tenant, cached briefly per container) and customers by phone.
import { GetCommand, QueryCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { Customer, Employee } from '../domain/directory.ts';
import { ddb, keys, tableName } from './dynamo.ts';

const EMPLOYEE_CACHE_MS = 30_000;
let cached: { tenant: string; at: number; employees: Employee[] } | null = null;

/** The whole employee directory in one Query; a tenant has at most a few thousand employees. */
export async function listEmployees(tenant: string, now = Date.now()): Promise<Employee[]> {
  if (cached && cached.tenant === tenant && now - cached.at < EMPLOYEE_CACHE_MS) return cached.employees;
  const employees: Employee[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await ddb.send(
      new QueryCommand({ TableName: tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': keys.employees(tenant) }, ExclusiveStartKey: start }),
    );
    for (const item of out.Items ?? []) employees.push(item['employee'] as Employee);
    start = out.LastEvaluatedKey;
  } while (start);
  cached = { tenant, at: now, employees };
  return employees;
}

export async function findCustomerByPhone(tenant: string, e164: string): Promise<Customer | null> {
  const phone = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.phone(tenant, e164) }));
  const customerId = phone.Item?.['customerId'] as string | undefined;
  if (!customerId) return null;
  const out = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.customer(tenant, customerId) }));
  return (out.Item?.['customer'] as Customer | undefined) ?? null;
}

export async function findCustomerIdByPhone(tenant: string, e164: string): Promise<string | null> {
  const phone = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.phone(tenant, e164) }));
  return (phone.Item?.['customerId'] as string | undefined) ?? null;
}

/** Employee plus its unique keys (extension, SIP accounts, phones, email) in one transaction (E1). */
export async function putEmployee(tenant: string, e: Employee): Promise<void> {
  const uniques: [string, string][] = [
    ['ext', e.extension],
    ...e.sipAccounts.map((s): [string, string] => ['sip', s.toLowerCase()]),
    ...e.phones.map((p): [string, string] => ['phone', p]),
    ...(e.email ? [['email', e.email.toLowerCase()] as [string, string]] : []),
  ];
  await ddb.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: tableName, Item: { ...keys.employee(tenant, e.id), employee: e } } },
        ...uniques.map(([kind, value]) => ({
          Put: {
            TableName: tableName,
            Item: { ...keys.employeeKey(tenant, kind, value), employeeId: e.id },
            ConditionExpression: 'attribute_not_exists(PK) OR employeeId = :id',
            ExpressionAttributeValues: { ':id': e.id },
          },
        })),
      ],
    }),
  );
  cached = null;
}

/** Customer plus one uniqueness item per phone (phones are unique per tenant, E2). */
export async function putCustomer(tenant: string, c: Customer): Promise<void> {
  await ddb.send(
    new TransactWriteCommand({
      TransactItems: [
        { Put: { TableName: tableName, Item: { ...keys.customer(tenant, c.id), customer: c } } },
        ...c.phones.map((p) => ({
          Put: {
            TableName: tableName,
            Item: { ...keys.phone(tenant, p), customerId: c.id },
            ConditionExpression: 'attribute_not_exists(PK) OR customerId = :id',
            ExpressionAttributeValues: { ':id': c.id },
          },
        })),
      ],
    }),
  );
}
