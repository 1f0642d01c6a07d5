// Employees (one partition per tenant, cached briefly per container) and customers (by id, by
// phone, by search token). Uniqueness (extension, SIP account, phone, email; customer phones) is
// race-free: one condition item per unique value, written in the same transaction as the owner.
import {
  BatchGetCommand,
  BatchWriteCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { customerTokens, matchesPlan, planSearch } from '../domain/customer-search.ts';
import type { Customer, Employee } from '../domain/directory.ts';
import { AppError, notFound } from '../http/errors.ts';
import { linkPastCalls } from './call-customers-repo.ts';
import { ddb, decodeCursor, encodeCursor, keys, queryItems, tableName } from './dynamo.ts';
import { versionedCache } from './versioned-cache.ts';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

/** Keys this repository adds to the single table (see docs/architecture.md). */
export const directoryKeys = {
  /** Bumped after every employee write: containers check it (one GetItem) before trusting their cache. */
  employeesVersion: (t: string) => ({ PK: `T#${t}#EMPVERSION`, SK: 'VERSION' }),
  search: (t: string, token: string) => `T#${t}#CSEARCH#${token}`,
};

export const conflict = (message: string) => new AppError(409, 'conflict', message);

// ---------------------------------------------------------------------------------------------
// Transactions with per-item conflict messages

const MAX_TRANSACT_ITEMS = 100;

interface Described {
  item: TransactItem;
  /** The 409 message when this item's condition fails; null = a lost race on the owner (retry). */
  onConflict: string | null;
}

class RetryableRace extends Error {}

function cancellationCodes(err: unknown): string[] | null {
  const e = err as { name?: string; CancellationReasons?: { Code?: string }[]; message?: string };
  if (e?.name !== 'TransactionCanceledException') return null;
  if (e.CancellationReasons) return e.CancellationReasons.map((r) => r.Code ?? 'None');
  // DynamoDB Local and older endpoints only put the reasons in the message: "[None, ConditionalCheckFailed]".
  const m = /\[([^\]]*)\]/.exec(e.message ?? '');
  return m ? m[1]!.split(',').map((s) => s.trim()) : [];
}

/** Runs one transaction; a failed condition becomes 409 naming the field, a transaction conflict is retried. */
async function transact(items: Described[]): Promise<void> {
  if (items.length > MAX_TRANSACT_ITEMS) throw new AppError(400, 'too_many_values', 'too many phone numbers or other unique values in one change');
  for (let attempt = 0; ; attempt++) {
    try {
      await ddb.send(new TransactWriteCommand({ TransactItems: items.map((d) => d.item) }));
      return;
    } catch (err) {
      const codes = cancellationCodes(err);
      if (!codes) throw err;
      const failed = codes.findIndex((c) => c === 'ConditionalCheckFailed');
      if (failed >= 0) {
        const message = items[failed]?.onConflict;
        if (message === null || message === undefined) throw new RetryableRace();
        throw conflict(message);
      }
      // TransactionConflict: another transaction held one of the items; try again shortly.
      if (attempt >= 6) throw err;
      await new Promise((r) => setTimeout(r, 20 * 2 ** attempt + Math.random() * 20));
    }
  }
}

/** Re-reads and re-applies a change until it commits without losing an optimistic race. */
async function withRetries<T>(fn: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof RetryableRace) || attempt >= 8) {
        if (err instanceof RetryableRace) throw conflict('the record changed concurrently, try again');
        throw err;
      }
    }
  }
}

const revCondition = (rev: number) =>
  rev === 0 ? { ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(rev)' } : { ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': rev } };

// ---------------------------------------------------------------------------------------------
// Employees (E1)

/**
 * The whole employee directory in one Query; a tenant has at most a few thousand employees.
 * Cached per container for 30 s while the directory version item is unchanged, so a new or changed
 * employee attributes calls right away (E1).
 */
const directory = versionedCache(directoryKeys.employeesVersion, async (tenant) => {
  const employees: Employee[] = [];
  for await (const item of queryItems({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': keys.employees(tenant) } })) {
    if (item['employee']) employees.push(item['employee'] as Employee);
  }
  return employees;
});

export function listEmployees(tenant: string, now = Date.now()): Promise<Employee[]> {
  return directory.get(tenant, { now });
}

const bumpDirectoryVersion = (tenant: string) => directory.bump(tenant);

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

export type EmployeeKeyKind = 'ext' | 'sip' | 'phone' | 'email';
const FIELD_OF: Record<EmployeeKeyKind, string> = { ext: 'extension', sip: 'sipAccounts', phone: 'phones', email: 'email' };

const normText = (s: string) => s.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
/** As the employee matcher reads a SIP account: `sip:anna@host;transport=udp` → `anna@host`. */
export const normSip = (s: string) => normText(s).replace(/^sips?:/, '').replace(/[;?].*$/, '');

/** The unique values an employee holds: only while active (a deactivated employee frees them). */
export function employeeUniques(e: Employee): [EmployeeKeyKind, string][] {
  if (!e.active) return [];
  const out: [EmployeeKeyKind, string][] = [
    ['ext', normText(e.extension)],
    ...e.sipAccounts.map((s): [EmployeeKeyKind, string] => ['sip', normSip(s)]),
    ...e.phones.map((p): [EmployeeKeyKind, string] => ['phone', p]),
    ...(e.email ? [['email', normText(e.email)] as [EmployeeKeyKind, string]] : []),
  ];
  const seen = new Set<string>();
  return out.filter(([k, v]) => (seen.has(`${k}#${v}`) ? false : (seen.add(`${k}#${v}`), true)));
}

function claimKey(tenant: string, employeeId: string, kind: EmployeeKeyKind, value: string): Described {
  return {
    item: {
      Put: {
        TableName: tableName,
        Item: { ...keys.employeeKey(tenant, kind, value), employeeId },
        ConditionExpression: 'attribute_not_exists(PK) OR employeeId = :id',
        ExpressionAttributeValues: { ':id': employeeId },
      },
    },
    onConflict: `${FIELD_OF[kind]}: ${value} already belongs to another employee`,
  };
}

function releaseKey(tenant: string, employeeId: string, kind: EmployeeKeyKind, value: string): Described {
  return {
    item: { Delete: { TableName: tableName, Key: keys.employeeKey(tenant, kind, value), ConditionExpression: 'attribute_not_exists(PK) OR employeeId = :id', ExpressionAttributeValues: { ':id': employeeId } } },
    onConflict: null,
  };
}

/** E1: a new employee with its unique keys; 409 naming the field when one is taken, or the id exists. */
export async function createEmployee(tenant: string, e: Employee): Promise<Employee> {
  await transact([
    {
      item: { Put: { TableName: tableName, Item: { ...keys.employee(tenant, e.id), employee: e, rev: 1 }, ConditionExpression: 'attribute_not_exists(PK)' } },
      onConflict: `id: employee ${e.id} already exists`,
    },
    ...employeeUniques(e).map(([kind, value]) => claimKey(tenant, e.id, kind, value)),
  ]);
  await bumpDirectoryVersion(tenant);
  return e;
}

/**
 * Applies `change` to the stored employee: removed keys are released and new ones claimed in the
 * same transaction as the employee (optimistic on its revision). Null when there is no such employee.
 */
export async function updateEmployee(tenant: string, id: string, change: (e: Employee) => Employee): Promise<Employee | null> {
  const result = await withRetries(async () => {
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
  if (result) await bumpDirectoryVersion(tenant);
  return result;
}

/** Upsert used by seeding: employee plus its unique keys (extension, SIP accounts, phones, email) in one transaction (E1). */
export async function putEmployee(tenant: string, e: Employee): Promise<void> {
  await transact([
    { item: { Put: { TableName: tableName, Item: { ...keys.employee(tenant, e.id), employee: e } } }, onConflict: null },
    ...employeeUniques(e).map(([kind, value]) => claimKey(tenant, e.id, kind, value)),
  ]);
  await bumpDirectoryVersion(tenant);
}

// ---------------------------------------------------------------------------------------------
// Customers (E2, E3)

interface StoredCustomer {
  customer: Customer;
  rev: number;
  /** Search tokens the index holds for this customer (or should hold, when `pending`). */
  tokens: string[];
  /** Some search items were still being written (overflow beyond one transaction). */
  pending: boolean;
}

type CustomerItem = { customer?: Customer; mergedInto?: string; rev?: number; tokens?: string[]; indexPending?: boolean };

async function loadCustomerItem(tenant: string, id: string): Promise<CustomerItem | null> {
  const out = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.customer(tenant, id), ConsistentRead: true }));
  return (out.Item as CustomerItem | undefined) ?? null;
}

/** The live customer behind an id, following `mergedInto` pointers of merged-away customers. */
async function loadCustomer(tenant: string, id: string): Promise<StoredCustomer | null> {
  let current = id;
  for (let hop = 0; hop < 8; hop++) {
    const item = await loadCustomerItem(tenant, current);
    if (!item) return null;
    if (item.mergedInto) {
      current = item.mergedInto;
      continue;
    }
    if (!item.customer) return null;
    return { customer: item.customer, rev: item.rev ?? 0, tokens: item.tokens ?? [], pending: item.indexPending ?? false };
  }
  return null;
}

export async function getCustomer(tenant: string, id: string): Promise<Customer | null> {
  return (await loadCustomer(tenant, id))?.customer ?? null;
}

export async function findCustomerByPhone(tenant: string, e164: string): Promise<Customer | null> {
  const customerId = await findCustomerIdByPhone(tenant, e164);
  if (!customerId) return null;
  const out = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.customer(tenant, customerId) }));
  return (out.Item?.['customer'] as Customer | undefined) ?? null;
}

export async function findCustomerIdByPhone(tenant: string, e164: string): Promise<string | null> {
  const phone = await ddb.send(new GetCommand({ TableName: tableName, Key: keys.phone(tenant, e164) }));
  return (phone.Item?.['customerId'] as string | undefined) ?? null;
}

/** The items of a fresh customer (customer, phones, search tokens): what a bulk loader writes. */
export function customerItems(tenant: string, c: Customer): Record<string, unknown>[] {
  const tokens = customerTokens(c);
  return [
    { ...keys.customer(tenant, c.id), customer: c, rev: 1, tokens },
    ...c.phones.map((p) => ({ ...keys.phone(tenant, p), customerId: c.id })),
    ...tokens.map((token) => ({ PK: directoryKeys.search(tenant, token), SK: c.id })),
  ];
}

const searchPut = (tenant: string, token: string, id: string): TransactItem => ({ Put: { TableName: tableName, Item: { PK: directoryKeys.search(tenant, token), SK: id } } });
const searchDelete = (tenant: string, token: string, id: string): TransactItem => ({ Delete: { TableName: tableName, Key: { PK: directoryKeys.search(tenant, token), SK: id } } });

interface CustomerWrite {
  /** The stored customer being changed; null creates `after` (its id must be new). */
  before: StoredCustomer | null;
  after: Customer;
  /** Merge: the other customer, replaced by a `mergedInto` pointer; its phones move to `after`. */
  absorbed?: StoredCustomer;
}

/**
 * One transaction: the customer (optimistic on its revision), its phone items (claimed, released
 * or moved from the absorbed customer) and as many search-item changes as fit; the rest of the
 * search items (a long note) follow by BatchWrite, flagged `indexPending` until done.
 * Afterwards, past calls from every phone the customer gained are linked to it (E2).
 */
async function writeCustomer(tenant: string, w: CustomerWrite): Promise<void> {
  const { before, after, absorbed } = w;
  const id = after.id;
  const afterTokens = customerTokens(after);
  const items: Described[] = [];
  const rev = (before?.rev ?? 0) + 1;
  const customerPut = (pending: boolean): Described => ({
    item: {
      Put: {
        TableName: tableName,
        Item: { ...keys.customer(tenant, id), customer: after, rev, tokens: afterTokens, ...(pending ? { indexPending: true } : {}) },
        ...(before ? revCondition(before.rev) : { ConditionExpression: 'attribute_not_exists(PK)' }),
      },
    },
    onConflict: before ? null : `id: customer ${id} already exists`,
  });
  items.push(customerPut(false));
  if (absorbed) {
    items.push({
      item: {
        Put: { TableName: tableName, Item: { ...keys.customer(tenant, absorbed.customer.id), mergedInto: id, mergedAt: after.updatedAt ?? new Date().toISOString(), rev: absorbed.rev + 1 }, ...revCondition(absorbed.rev) },
      },
      onConflict: null,
    });
  }
  const ownedBefore = new Set(before?.customer.phones ?? []);
  const absorbedPhones = new Set(absorbed?.customer.phones ?? []);
  for (const p of ownedBefore) {
    if (!after.phones.includes(p)) {
      items.push({
        item: { Delete: { TableName: tableName, Key: keys.phone(tenant, p), ConditionExpression: 'attribute_not_exists(PK) OR customerId = :id', ExpressionAttributeValues: { ':id': id } } },
        onConflict: null,
      });
    }
  }
  for (const p of after.phones) {
    if (ownedBefore.has(p)) continue;
    const from = absorbedPhones.has(p) ? absorbed!.customer.id : id;
    items.push({
      item: {
        Put: {
          TableName: tableName,
          Item: { ...keys.phone(tenant, p), customerId: id },
          ConditionExpression: 'attribute_not_exists(PK) OR customerId = :id OR customerId = :from',
          ExpressionAttributeValues: { ':id': id, ':from': from },
        },
      },
      onConflict: `phones: ${p} already belongs to another customer`,
    });
  }
  // Search items: puts of new tokens, deletes of dropped ones (and of all the absorbed customer's).
  const had = new Set(before && !before.pending ? before.tokens : []);
  const want = new Set(afterTokens);
  const searchOps: TransactItem[] = [
    ...afterTokens.filter((t) => !had.has(t)).map((t) => searchPut(tenant, t, id)),
    ...(before?.tokens ?? []).filter((t) => !want.has(t)).map((t) => searchDelete(tenant, t, id)),
    ...(absorbed?.tokens ?? []).map((t) => searchDelete(tenant, t, absorbed!.customer.id)),
  ];
  const room = MAX_TRANSACT_ITEMS - items.length;
  const overflow = searchOps.length > room ? searchOps.slice(Math.max(room, 0)) : [];
  if (overflow.length > 0) items[0] = customerPut(true);
  items.push(...searchOps.slice(0, Math.max(room, 0)).map((item) => ({ item, onConflict: null })));
  await transact(items);
  if (overflow.length > 0) {
    await batchWrite(overflow.map((op) => (op.Put ? { PutRequest: { Item: op.Put.Item! } } : { DeleteRequest: { Key: op.Delete!.Key! } })));
    await ddb.send(
      new UpdateCommand({ TableName: tableName, Key: keys.customer(tenant, id), UpdateExpression: 'REMOVE indexPending', ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': rev } }),
    ).catch(() => undefined); // a newer write owns the flag now
  }
  const gained = after.phones.filter((p) => !ownedBefore.has(p));
  for (const p of gained) await linkPastCalls(tenant, p, id);
}

type WriteRequest = { PutRequest: { Item: Record<string, unknown> } } | { DeleteRequest: { Key: Record<string, unknown> } };

/** BatchWriteItem in requests of 25, retrying unprocessed items with backoff. */
export async function batchWrite(requests: WriteRequest[]): Promise<void> {
  for (let i = 0; i < requests.length; i += 25) {
    let pending: WriteRequest[] = requests.slice(i, i + 25);
    for (let attempt = 0; pending.length > 0; attempt++) {
      const out = await ddb.send(new BatchWriteCommand({ RequestItems: { [tableName]: pending } }));
      pending = (out.UnprocessedItems?.[tableName] ?? []) as WriteRequest[];
      if (pending.length > 0) {
        if (attempt >= 10) throw new Error(`BatchWrite: ${pending.length} items still unprocessed`);
        await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
      }
    }
  }
}

/** E2: a new customer (phones unique per tenant → 409 naming the phone). */
export async function createCustomer(tenant: string, c: Customer): Promise<Customer> {
  await writeCustomer(tenant, { before: null, after: c });
  return c;
}

/** Applies `change` to the live customer (following merges); null when there is none. */
export async function updateCustomer(tenant: string, id: string, change: (c: Customer) => Customer): Promise<Customer | null> {
  return withRetries(async () => {
    const stored = await loadCustomer(tenant, id);
    if (!stored) return null;
    const after = { ...change(stored.customer), id: stored.customer.id };
    await writeCustomer(tenant, { before: stored, after });
    return after;
  });
}

/** Customer plus its phone and search items; creates or replaces (used by seeding and ticket rules, T6). */
export async function putCustomer(tenant: string, c: Customer): Promise<void> {
  await withRetries(async () => {
    const item = await loadCustomerItem(tenant, c.id);
    const before = item?.customer ? { customer: item.customer, rev: item.rev ?? 0, tokens: item.tokens ?? [], pending: item.indexPending ?? false } : null;
    await writeCustomer(tenant, { before, after: c });
  });
}

/** Field-by-field merge: the surviving customer's values win, the other's fill the gaps (E2). */
export function mergedCustomer(into: Customer, from: Customer, at: string): Customer {
  const emails = [...new Set([...(into.emails ?? []), ...(from.email ? [from.email] : []), ...(from.emails ?? [])])].filter((e) => e !== (into.email ?? from.email));
  const note = into.note && from.note && into.note !== from.note ? `${into.note}\n\n${from.note}` : (into.note ?? from.note);
  const merged: Customer = {
    ...into,
    fullName: into.fullName || from.fullName,
    email: into.email ?? from.email,
    company: into.company ?? from.company,
    phones: [...new Set([...into.phones, ...from.phones])],
    note,
    responsibleEmployeeId: into.responsibleEmployeeId ?? from.responsibleEmployeeId,
    createdAt: into.createdAt < from.createdAt ? into.createdAt : from.createdAt,
    updatedAt: at,
  };
  if (emails.length > 0) merged.emails = emails;
  const customFields = { ...(from.customFields ?? {}), ...(into.customFields ?? {}) };
  if (Object.keys(customFields).length > 0) merged.customFields = customFields;
  return merged;
}

/**
 * Merges `fromId` into `intoId`: phones, emails and fields move, `fromId` becomes a pointer to
 * `intoId` (its tickets and calls stay resolvable), calls from the moved phones are relinked.
 */
export async function mergeCustomers(tenant: string, intoId: string, fromId: string, at: string): Promise<Customer> {
  return withRetries(async () => {
    const [into, from] = await Promise.all([loadCustomer(tenant, intoId), loadCustomer(tenant, fromId)]);
    if (!into) throw notFound('customer not found');
    if (!from) throw notFound(`customer ${fromId} not found`, 'not_found');
    if (into.customer.id === from.customer.id) throw conflict('from: the two customers are already one');
    const after = mergedCustomer(into.customer, from.customer, at);
    await writeCustomer(tenant, { before: into, after, absorbed: from });
    return after;
  });
}

const MAX_CANDIDATES_PER_SEARCH = 500;

async function batchGetCustomers(tenant: string, ids: string[]): Promise<Map<string, Customer>> {
  const found = new Map<string, Customer>();
  for (let i = 0; i < ids.length; i += 100) {
    let pending: Record<string, unknown>[] = ids.slice(i, i + 100).map((id) => keys.customer(tenant, id));
    for (let attempt = 0; pending.length > 0; attempt++) {
      const out = await ddb.send(new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ProjectionExpression: 'customer' } } }));
      for (const item of out.Responses?.[tableName] ?? []) if (item['customer']) found.set((item['customer'] as Customer).id, item['customer'] as Customer);
      pending = (out.UnprocessedKeys?.[tableName]?.Keys ?? []) as Record<string, unknown>[];
      if (pending.length > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
    }
  }
  return found;
}

/**
 * E2: search by name, email, company, phone, note or custom field, without Scan: one Query of the
 * query's most selective token bucket, BatchGet of the candidates, verification against the whole
 * query. A whole phone number is one GetItem on its phone item first.
 */
export async function searchCustomers(tenant: string, country: string, query: string, limit: number, cursor?: string): Promise<{ items: Customer[]; next: string | null }> {
  const plan = planSearch(query, country);
  if (!plan) throw new AppError(400, 'invalid_query', 'q: give at least two letters or four digits');
  if (plan.phone && !cursor) {
    const exact = await findCustomerByPhone(tenant, plan.phone);
    if (exact) return { items: [exact], next: null };
  }
  // Without statistics, the rarest word is found by reading the first page of each lettered word's
  // bucket (keys only, at most 3 words) and keeping the smallest; later pages read only that bucket.
  // (A bare number may match as a phone suffix rather than a word: its word bucket is no narrowing.)
  const PAGE = 100;
  const queryPage = (partition: string, start?: Record<string, unknown>) =>
    ddb.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': partition }, Limit: PAGE, ExclusiveStartKey: start }));
  const partitions = [...new Set([plan.token, ...plan.words.filter((w) => w.length >= 2 && /\p{L}/u.test(w)).slice(0, 3).map((w) => `w:${w.slice(0, 6)}`)])].map((t) => directoryKeys.search(tenant, t));
  let partition = partitions[0]!;
  let first: Awaited<ReturnType<typeof queryPage>> | undefined;
  let start: Record<string, unknown> | undefined;
  if (cursor) {
    // The cursor names its bucket (one of this query's): decodeCursor refuses any other partition.
    const raw = Buffer.from(cursor, 'base64url').toString('utf8');
    partition = partitions.find((p) => raw.includes(JSON.stringify(p))) ?? partition;
    start = decodeCursor(cursor, partition);
  } else if (partitions.length > 1) {
    const pages = await Promise.all(partitions.map(async (p) => ({ partition: p, out: await queryPage(p) })));
    const best = pages.reduce((a, b) => ((b.out.Items?.length ?? 0) < (a.out.Items?.length ?? 0) ? b : a));
    partition = best.partition;
    first = best.out;
  }
  const items: Customer[] = [];
  let scanned = 0;
  let next: Record<string, unknown> | undefined;
  for (;;) {
    const out = first ?? (await queryPage(partition, start));
    first = undefined;
    const ids = (out.Items ?? []).map((i) => i['SK'] as string);
    const customers = await batchGetCustomers(tenant, ids);
    let stoppedAt: string | null = null;
    for (const id of ids) {
      scanned++;
      const c = customers.get(id);
      // Stale search items (a merged-away or changed customer) simply fail verification.
      if (c && matchesPlan(c, plan)) items.push(c);
      if (items.length >= limit || scanned >= MAX_CANDIDATES_PER_SEARCH) {
        stoppedAt = id;
        break;
      }
    }
    if (stoppedAt !== null) {
      // Resume right after the last candidate looked at (the same key shape as LastEvaluatedKey).
      next = stoppedAt === ids[ids.length - 1] && !out.LastEvaluatedKey ? undefined : { PK: partition, SK: stoppedAt };
      break;
    }
    if (!out.LastEvaluatedKey) break;
    start = out.LastEvaluatedKey;
  }
  return { items, next: encodeCursor(next) };
}
