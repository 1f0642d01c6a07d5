// The employee directory (E1): one partition per tenant, cached briefly per container. Uniqueness of
// extension, SIP account, phone and email among active employees is race-free: one key item per
// unique value, claimed and released in the same transaction as the employee.
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { employeeKeyField, employeeUniques, type Employee, type EmployeeKeyKind } from '../domain/directory.ts';
import { ddb, decodeCursor, encodeCursor, keys, queryItems, retryLostRaces, revCondition, tableName, transact, type GuardedWrite } from './dynamo.ts';
import { versionedCache } from './versioned-cache.ts';

/**
 * The whole employee directory in one Query; a tenant has at most a few thousand employees.
 * Cached per container for 30 s while the directory version item is unchanged, so a new or changed
 * employee attributes calls right away (E1).
 */
const directory = versionedCache(keys.employeesVersion, async (tenant) => {
  const employees: Employee[] = [];
  for await (const item of queryItems({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': keys.employees(tenant) } })) {
    if (item['employee']) employees.push(item['employee'] as Employee);
  }
  return employees;
});

export function listEmployees(tenant: string, now = Date.now()): Promise<Employee[]> {
  return directory.get(tenant, { now });
}

/** A page of the directory for the admin API (always read from the table). */
export async function pageEmployees(tenant: string, limit: number, cursor?: string): Promise<{ items: Employee[]; next: string | null }> {
  const partition = keys.employees(tenant);
  const out = await ddb.send(
    new QueryCommand({
      TableName: tableName,
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :emp)',
      ExpressionAttributeValues: { ':pk': partition, ':emp': 'EMP#' },
      Limit: limit,
      ExclusiveStartKey: decodeCursor(cursor, partition),
    }),
  );
  return { items: (out.Items ?? []).map((i) => i['employee'] as Employee), next: encodeCursor(out.LastEvaluatedKey) };
}

interface StoredEmployee {
  employee: Employee;
  rev: number;
}

async function loadEmployee(tenant: string, id: string): Promise<StoredEmployee | null> {
  const out = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.employee(tenant, id), ConsistentRead: true }));
  if (!out.Item?.['employee']) return null;
  return { employee: out.Item['employee'] as Employee, rev: (out.Item['rev'] as number | undefined) ?? 0 };
}

export async function getEmployee(tenant: string, id: string): Promise<Employee | null> {
  return (await loadEmployee(tenant, id))?.employee ?? null;
}

function claimKey(tenant: string, employeeId: string, kind: EmployeeKeyKind, value: string): GuardedWrite {
  return {
    item: {
      Put: {
        TableName: tableName,
        Item: { ...keys.employeeKey(tenant, kind, value), employeeId },
        ConditionExpression: 'attribute_not_exists(PK) OR employeeId = :id',
        ExpressionAttributeValues: { ':id': employeeId },
      },
    },
    onConflict: `${employeeKeyField[kind]}: ${value} already belongs to another employee`,
  };
}

function releaseKey(tenant: string, employeeId: string, kind: EmployeeKeyKind, value: string): GuardedWrite {
  return {
    item: { Delete: { TableName: tableName, Key: keys.employeeKey(tenant, kind, value), ConditionExpression: 'attribute_not_exists(PK) OR employeeId = :id', ExpressionAttributeValues: { ':id': employeeId } } },
    onConflict: null,
  };
}

/** E1: a new employee with its unique keys; a Conflict naming the field when one is taken, or the id exists. */
export async function createEmployee(tenant: string, e: Employee): Promise<Employee> {
  await transact([
    {
      item: { Put: { TableName: tableName, Item: { ...keys.employee(tenant, e.id), employee: e, rev: 1 }, ConditionExpression: 'attribute_not_exists(PK)' } },
      onConflict: `id: employee ${e.id} already exists`,
    },
    ...employeeUniques(e).map(([kind, value]) => claimKey(tenant, e.id, kind, value)),
  ]);
  await directory.bump(tenant);
  return e;
}

/**
 * Applies `change` to the stored employee: removed keys are released and new ones claimed in the
 * same transaction as the employee (optimistic on its revision). Null when there is no such employee.
 */
export async function updateEmployee(tenant: string, id: string, change: (e: Employee) => Employee): Promise<Employee | null> {
  const result = await retryLostRaces(async () => {
    const stored = await loadEmployee(tenant, id);
    if (!stored) return null;
    const next = { ...change(stored.employee), id };
    const before = new Map(employeeUniques(stored.employee).map(([k, v]) => [`${k}#${v}`, [k, v] as const]));
    const after = new Map(employeeUniques(next).map(([k, v]) => [`${k}#${v}`, [k, v] as const]));
    await transact([
      {
        item: { Put: { TableName: tableName, Item: { ...keys.employee(tenant, id), employee: next, rev: stored.rev + 1 }, ...revCondition(stored.rev) } },
        onConflict: null,
      },
      ...[...before].filter(([k]) => !after.has(k)).map(([, [kind, value]]) => releaseKey(tenant, id, kind, value)),
      ...[...after].filter(([k]) => !before.has(k)).map(([, [kind, value]]) => claimKey(tenant, id, kind, value)),
    ]);
    return next;
  });
  if (result) await directory.bump(tenant);
  return result;
}

/**
 * Undoes `createEmployee` when what had to follow it failed (the login could not be made): the
 * employee and its keys go, only while it is still the record just created (revision 1).
 */
export async function removeNewEmployee(tenant: string, e: Employee): Promise<void> {
  await transact([
    { item: { Delete: { TableName: tableName, Key: keys.employee(tenant, e.id), ...revCondition(1) } }, onConflict: `id: employee ${e.id} changed meanwhile; not removed` },
    ...employeeUniques(e).map(([kind, value]) => releaseKey(tenant, e.id, kind, value)),
  ]);
  await directory.bump(tenant);
}

/** Upsert used by seeding: employee plus its unique keys (extension, SIP accounts, phones, email) in one transaction (E1). */
export async function putEmployee(tenant: string, e: Employee): Promise<void> {
  await transact([
    { item: { Put: { TableName: tableName, Item: { ...keys.employee(tenant, e.id), employee: e } } }, onConflict: null },
    ...employeeUniques(e).map(([kind, value]) => claimKey(tenant, e.id, kind, value)),
  ]);
  await directory.bump(tenant);
}
