// `npx tsx bin/seed-customers.ts --count 100000 [--offset 0] [--tenant demo] [--dynamodb-url URL] [--table NAME]`
// Bulk-loads synthetic customers into a running local runtime (`npm start`); without --dynamodb-url
// and --tenant it reads .ringdesk/local.json, without --table it takes the only table there is.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { loadSyntheticCustomers } from '../local/bulk-customers.ts';
import { projectRoot } from '../local/start.ts';

const { values } = parseArgs({
  options: {
    count: { type: 'string', default: '1000' },
    offset: { type: 'string', default: '0' },
    tenant: { type: 'string' },
    'dynamodb-url': { type: 'string' },
    table: { type: 'string' },
    concurrency: { type: 'string', default: '8' },
  },
});

let info: { dynamodbUrl?: string; tenant?: string; region?: string } = {};
try {
  info = JSON.parse(readFileSync(join(projectRoot, '.ringdesk/local.json'), 'utf8')) as typeof info;
} catch {
  // no running runtime recorded: the flags must say everything
}
const dynamodbUrl = values['dynamodb-url'] ?? info.dynamodbUrl;
const tenant = values.tenant ?? info.tenant ?? 'demo';
if (!dynamodbUrl) {
  console.error('seed-customers: no --dynamodb-url and no .ringdesk/local.json (start the runtime with `npm start` first)');
  process.exit(2);
}
const region = info.region ?? 'us-east-1';
let tableName = values.table;
if (!tableName) {
  const client = new DynamoDBClient({ endpoint: dynamodbUrl, region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const tables = (await client.send(new ListTablesCommand({}))).TableNames ?? [];
  const [only] = tables;
  if (tables.length !== 1 || !only) {
    console.error(`seed-customers: ${tables.length} tables at ${dynamodbUrl} (${tables.join(', ')}): pass --table`);
    process.exit(2);
  }
  tableName = only;
}
const count = Number(values.count);
const started = Date.now();
const result = await loadSyntheticCustomers({
  dynamodbUrl,
  tableName,
  tenant,
  region,
  count,
  offset: Number(values.offset),
  concurrency: Number(values.concurrency),
  onProgress: (done) => {
    if (done % 10_000 === 0 || done === count) process.stderr.write(`  ${done} / ${count}\n`);
  },
});
console.log(`seed-customers: ${result.customers} customers (${result.items} items) into ${tableName} for tenant ${tenant} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
