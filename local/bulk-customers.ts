// Bulk-loads synthetic customers (with their phone and search-index items) into a running local
// runtime's table: input for the benchmark that shows DynamoDB operations per call stay flat
// between 1,000 and 100,000 customers. BatchWriteItem, 25 items per request, a few in flight.
import type { Customer } from '#shared/domain/directory.ts';

export interface BulkCustomersOptions {
  dynamodbUrl: string;
  tableName: string;
  tenant: string;
  count: number;
  /** First synthetic number (lets several loads add up: 0, then 1000, …). */
  offset?: number;
  region?: string;
  /** BatchWrite requests in flight at once. */
  concurrency?: number;
  onProgress?: (done: number) => void;
  /** Also write the search-index items (default true). Off for call-path benchmarks: calls never read them. */
  searchIndex?: boolean;
}

const FIRST: readonly [string, ...string[]] = ['Ivan', 'Anna', 'Petr', 'Olga', 'Sergey', 'Maria', 'Dmitry', 'Elena', 'Alexey', 'Natalia', 'Pavel', 'Irina', 'Nikolai', 'Tatiana', 'Andrey', 'Yulia'];
const LAST: readonly [string, ...string[]] = ['Petrov', 'Ivanova', 'Sidorov', 'Smirnova', 'Kuznetsov', 'Popova', 'Volkov', 'Sokolova', 'Lebedev', 'Kozlova', 'Novikov', 'Morozova', 'Orlov', 'Pavlova'];
const COMPANY: readonly [string, ...string[]] = ['Romashka', 'Vector', 'Alfa Trade', 'Sever', 'Orion', 'Gorizont', 'Luch', 'Zenit', 'Polyus', 'Kristall'];

/** The i-th of a fixed list, wrapping around. */
const nth = <T>(list: readonly [T, ...T[]], i: number): T => list[i % list.length] ?? list[0];

/** The n-th synthetic customer: deterministic, phone `+7985nnnnnnn` (unique for n < 10^7). */
export function syntheticCustomer(n: number): Customer {
  const first = nth(FIRST, n);
  const last = nth(LAST, Math.floor(n / FIRST.length));
  return {
    id: `seed-${String(n).padStart(8, '0')}`,
    fullName: `${first} ${last} ${n.toString(36)}`,
    email: `${first.toLowerCase()}.${last.toLowerCase()}.${n}@seed.example`,
    company: `${nth(COMPANY, n)} ${n % 97}`,
    phones: [`+7985${String(n).padStart(7, '0')}`],
    note: n % 5 === 0 ? `synthetic customer ${n}, prefers email` : null,
    responsibleEmployeeId: null,
    createdAt: new Date(Date.UTC(2025, 0, 1) + n * 1000).toISOString(),
    customFields: { segment: nth(['retail', 'wholesale', 'partner'], n), contract: `SEED-${n}` },
  };
}

export async function loadSyntheticCustomers(o: BulkCustomersOptions): Promise<{ customers: number; items: number }> {
  // The repositories read their table and endpoint once at import, as in a function.
  process.env['TABLE_NAME'] = o.tableName;
  process.env['AWS_ENDPOINT_URL_DYNAMODB'] = o.dynamodbUrl;
  process.env['AWS_REGION'] ??= o.region ?? 'us-east-1';
  process.env['AWS_ACCESS_KEY_ID'] ??= 'local';
  process.env['AWS_SECRET_ACCESS_KEY'] ??= 'local';
  const { customerItems } = await import('#shared/adapters/customers-repo.ts');
  const { batchWrite } = await import('#shared/adapters/dynamo.ts');
  const offset = o.offset ?? 0;
  const concurrency = o.concurrency ?? 8;
  const CHUNK = 200; // customers per worker step: ~25 BatchWrite requests
  let next = 0;
  let items = 0;
  let done = 0;
  const worker = async () => {
    for (;;) {
      const from = next;
      if (from >= o.count) return;
      next = Math.min(o.count, from + CHUNK);
      const requests = [];
      for (let i = from; i < next; i++) {
        for (const item of customerItems(o.tenant, syntheticCustomer(offset + i))) {
          if (o.searchIndex === false && String(item['PK']).includes('#CSEARCH#')) continue;
          requests.push({ PutRequest: { Item: item } });
        }
      }
      await batchWrite(requests);
      items += requests.length;
      done += next - from;
      o.onProgress?.(done);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { customers: o.count, items };
}
