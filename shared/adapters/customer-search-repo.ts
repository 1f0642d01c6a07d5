// E2: customer search without Scan. The search items are written with the customer
// (customers-repo.ts); this reads them: one Query of the query's most selective token bucket,
// BatchGet of the candidates, each verified against the whole query (shared/domain/customer-search.ts).
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { matchesPlan, planSearch } from '../domain/customer-search.ts';
import type { Customer } from '../domain/directory.ts';
import { Invalid } from '../domain/errors.ts';
import { findCustomerByPhone, getCustomers } from './customers-repo.ts';
import { ddb, decodeCursor, encodeCursor, keys, tableName } from './dynamo.ts';

const MAX_CANDIDATES_PER_SEARCH = 500;
const PAGE = 100;

/**
 * Search by name, email, company, phone, note or custom field. A whole phone number is one GetItem
 * on its phone item first.
 */
export async function searchCustomers(tenant: string, country: string, query: string, limit: number, cursor?: string): Promise<{ items: Customer[]; next: string | null }> {
  const plan = planSearch(query, country);
  if (!plan) throw new Invalid('q: give at least two letters or four digits', 'invalid_query');
  if (plan.phone && !cursor) {
    const exact = await findCustomerByPhone(tenant, plan.phone);
    if (exact) return { items: [exact], next: null };
  }
  // Without statistics, the rarest word is found by reading the first page of each lettered word's
  // bucket (keys only, at most 3 words) and keeping the smallest; later pages read only that bucket.
  // (A bare number may match as a phone suffix rather than a word: its word bucket is no narrowing.)
  const queryPage = (partition: string, start?: Record<string, unknown>) =>
    ddb.send(new QueryCommand({ TableName: tableName, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': partition }, Limit: PAGE, ExclusiveStartKey: start }));
  const partitions = [...new Set([plan.token, ...plan.words.filter((w) => w.length >= 2 && /\p{L}/u.test(w)).slice(0, 3).map((w) => `w:${w.slice(0, 6)}`)])].map((t) => keys.customerSearch(tenant, t));
  let partition = keys.customerSearch(tenant, plan.token); // the first of `partitions`
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
    const customers = await getCustomers(tenant, ids);
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
