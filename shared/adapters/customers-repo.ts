// Customers (E2, E3): by id (following merges), by phone, created, changed and merged. A customer's
// phones are unique per tenant (one phone item each) and its search items (shared/domain/customer-search.ts)
// are written with it, all in the customer's transaction.
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { customerTokens } from '../domain/customer-search.ts';
import { mergedCustomer, type Customer } from '../domain/directory.ts';
import { Conflict, NotFound } from '../domain/errors.ts';
import { linkPastCalls } from './call-customers-repo.ts';
import { batchGet, batchWrite, ddb, keys, MAX_TRANSACT_ITEMS, retryLostRaces, revCondition, tableName, transact, type GuardedWrite, type TransactItem } from './dynamo.ts';

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

const stored = (item: CustomerItem & { customer: Customer }): StoredCustomer => ({ customer: item.customer, rev: item.rev ?? 0, tokens: item.tokens ?? [], pending: item.indexPending ?? false });

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
    return stored({ ...item, customer: item.customer });
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

/** The stored customers among `ids` (eventually consistent; ids of merged-away customers are simply absent). */
export async function getCustomers(tenant: string, ids: string[]): Promise<Map<string, Customer>> {
  const items = await batchGet(
    ids.map((id) => keys.customer(tenant, id)),
    'customer',
  );
  return new Map(items.filter((i) => i['customer']).map((i) => [(i['customer'] as Customer).id, i['customer'] as Customer]));
}

/** The items of a fresh customer (customer, phones, search tokens): what a bulk loader writes. */
export function customerItems(tenant: string, c: Customer): Record<string, unknown>[] {
  const tokens = customerTokens(c);
  return [
    { ...keys.customer(tenant, c.id), customer: c, rev: 1, tokens },
    ...c.phones.map((p) => ({ ...keys.phone(tenant, p), customerId: c.id })),
    ...tokens.map((token) => ({ PK: keys.customerSearch(tenant, token), SK: c.id })),
  ];
}

/** A search item to write or remove: in the customer's transaction, or batched when it does not fit. */
type SearchChange = { put: boolean; key: { PK: string; SK: string } };
const searchPut = (tenant: string, token: string, id: string): SearchChange => ({ put: true, key: { PK: keys.customerSearch(tenant, token), SK: id } });
const searchDelete = (tenant: string, token: string, id: string): SearchChange => ({ put: false, key: { PK: keys.customerSearch(tenant, token), SK: id } });
const searchTransactItem = (c: SearchChange): TransactItem => (c.put ? { Put: { TableName: tableName, Item: c.key } } : { Delete: { TableName: tableName, Key: c.key } });

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
  const items: GuardedWrite[] = [];
  const rev = (before?.rev ?? 0) + 1;
  const customerPut = (pending: boolean): GuardedWrite => ({
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
    const from = absorbed && absorbedPhones.has(p) ? absorbed.customer.id : id;
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
  const searchOps: SearchChange[] = [
    ...afterTokens.filter((t) => !had.has(t)).map((t) => searchPut(tenant, t, id)),
    ...(before?.tokens ?? []).filter((t) => !want.has(t)).map((t) => searchDelete(tenant, t, id)),
    ...(absorbed ? absorbed.tokens.map((t) => searchDelete(tenant, t, absorbed.customer.id)) : []),
  ];
  const room = MAX_TRANSACT_ITEMS - items.length;
  const overflow = searchOps.length > room ? searchOps.slice(Math.max(room, 0)) : [];
  if (overflow.length > 0) items[0] = customerPut(true);
  items.push(...searchOps.slice(0, Math.max(room, 0)).map((c) => ({ item: searchTransactItem(c), onConflict: null })));
  await transact(items);
  if (overflow.length > 0) {
    await batchWrite(overflow.map((c) => (c.put ? { PutRequest: { Item: c.key } } : { DeleteRequest: { Key: c.key } })));
    await ddb.send(
      new UpdateCommand({ TableName: tableName, Key: keys.customer(tenant, id), UpdateExpression: 'REMOVE indexPending', ConditionExpression: 'rev = :rev', ExpressionAttributeValues: { ':rev': rev } }),
    ).catch(() => undefined); // a newer write owns the flag now
  }
  const gained = after.phones.filter((p) => !ownedBefore.has(p));
  for (const p of gained) await linkPastCalls(tenant, p, id);
}

/** E2: a new customer (phones unique per tenant → a Conflict naming the phone). */
export async function createCustomer(tenant: string, c: Customer): Promise<Customer> {
  await writeCustomer(tenant, { before: null, after: c });
  return c;
}

/** Applies `change` to the live customer (following merges); null when there is none. */
export async function updateCustomer(tenant: string, id: string, change: (c: Customer) => Customer): Promise<Customer | null> {
  return retryLostRaces(async () => {
    const current = await loadCustomer(tenant, id);
    if (!current) return null;
    const after = { ...change(current.customer), id: current.customer.id };
    await writeCustomer(tenant, { before: current, after });
    return after;
  });
}

/** Customer plus its phone and search items; creates or replaces (used by seeding and ticket rules, T6). */
export async function putCustomer(tenant: string, c: Customer): Promise<void> {
  await retryLostRaces(async () => {
    const item = await loadCustomerItem(tenant, c.id);
    const before = item?.customer ? stored({ ...item, customer: item.customer }) : null;
    await writeCustomer(tenant, { before, after: c });
  });
}

/**
 * Merges `fromId` into `intoId`: phones, emails and fields move, `fromId` becomes a pointer to
 * `intoId` (its tickets and calls stay resolvable), calls from the moved phones are relinked.
 */
export async function mergeCustomers(tenant: string, intoId: string, fromId: string, at: string): Promise<Customer> {
  return retryLostRaces(async () => {
    const [into, from] = await Promise.all([loadCustomer(tenant, intoId), loadCustomer(tenant, fromId)]);
    if (!into) throw new NotFound('customer not found');
    if (!from) throw new NotFound(`customer ${fromId} not found`);
    if (into.customer.id === from.customer.id) throw new Conflict('from: the two customers are already one');
    const after = mergedCustomer(into.customer, from.customer, at);
    await writeCustomer(tenant, { before: into, after, absorbed: from });
    return after;
  });
}
