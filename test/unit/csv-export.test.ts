// The export path without I/O: content negotiation, export tokens, the 303, report tables, chunking.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallReport } from '#shared/domain/report.ts';
import { EXPORT_AUDIENCE, mintExportToken, verifyExportToken, wantsCsv } from '#shared/http/export-token.ts';
import { parseCsv } from './csv-parse.ts';
import { startTenantSecret } from './tenant-secret.ts';

const SECRET = 'unit-test-secret-unit-test-secret-0123';
const grant = { tenant: 'demo', employeeId: 'emp-101', role: 'agent' as const, path: '/calls' };

// shared/services/exports.ts reaches the table through the repositories, which read TABLE_NAME at import.
let exportsModule: typeof import('#shared/services/exports.ts');
let csvRedirect: typeof import('#shared/http/export-token.ts').csvRedirect;
// The 303's token is signed with the tenant's key, read from its secret in the local Secrets Manager.
let secret: Awaited<ReturnType<typeof startTenantSecret>>;
afterAll(() => secret.close());
beforeAll(async () => {
  secret = await startTenantSecret('demo', { authSecret: SECRET, providers: {} });
  Object.assign(process.env, secret.env);
  process.env['TABLE_NAME'] ??= 'unit-test-table';
  process.env['AWS_REGION'] ??= 'eu-central-1';
  process.env['TENANT_ID'] = 'demo';
  process.env['EXPORT_URL'] = 'https://abc123.lambda-url.eu-central-1.on.aws/';
  exportsModule = await import('#shared/services/exports.ts');
  ({ csvRedirect } = await import('#shared/http/export-token.ts'));
});

describe('content negotiation (L4)', () => {
  it('L4: CSV for format=csv or an Accept that prefers text/csv; JSON otherwise', () => {
    expect(wantsCsv({ format: 'csv' }, {})).toBe(true);
    expect(wantsCsv('from=x&format=csv', {})).toBe(true);
    expect(wantsCsv({}, { accept: 'text/csv' })).toBe(true);
    expect(wantsCsv({}, { accept: 'text/csv;q=0.9, application/json;q=0.8' })).toBe(true);
    expect(wantsCsv({}, { accept: 'application/json, text/csv;q=0.5' })).toBe(false);
    expect(wantsCsv({}, { accept: '*/*' })).toBe(false);
    expect(wantsCsv({}, { accept: 'text/csv;q=0' })).toBe(false);
    expect(wantsCsv({}, {})).toBe(false);
    expect(wantsCsv({ format: 'json' }, { accept: 'text/csv' })).toBe(false);
  });
});

describe('export tokens (L4)', () => {
  it('L4: a minted token verifies for its tenant and path only', async () => {
    const token = await mintExportToken(grant, SECRET);
    await expect(verifyExportToken(token, SECRET, 'demo', '/calls')).resolves.toEqual({ tenant: 'demo', employeeId: 'emp-101', role: 'agent' });
    await expect(verifyExportToken(token, SECRET, 'demo', '/reports/calls')).rejects.toMatchObject({ statusCode: 401 });
    await expect(verifyExportToken(token, SECRET, 'acme', '/calls')).rejects.toMatchObject({ statusCode: 401 });
    await expect(verifyExportToken(token, `${SECRET}x`, 'demo', '/calls')).rejects.toMatchObject({ statusCode: 401 });
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ aud: EXPORT_AUDIENCE, iss: 'ringdesk', sub: 'emp-101', tenant: 'demo', role: 'agent', path: '/calls' });
    expect(claims.exp - claims.iat).toBe(60);
  });

  it('L4: csvRedirect answers 303 to EXPORT_URL with the filters and a token, or null for JSON', async () => {
    const principal = { tenant: 'demo', employeeId: 'emp-101', role: 'agent' as const };
    expect(await csvRedirect(principal, '/calls', 'limit=5', { accept: 'application/json' })).toBeNull();
    const res = (await csvRedirect(principal, '/calls', 'from=2026-11-01T00%3A00%3A00Z&limit=5&cursor=abc&format=csv&bom=true', {}))!;
    expect(res.statusCode).toBe(303);
    const location = new URL(String(res.headers!['location']));
    expect(`${location.origin}${location.pathname}`).toBe('https://abc123.lambda-url.eu-central-1.on.aws/calls');
    expect([...location.searchParams.keys()]).toEqual(['from', 'bom', 'token']);
    expect(location.searchParams.get('from')).toBe('2026-11-01T00:00:00Z');
    await expect(verifyExportToken(location.searchParams.get('token')!, SECRET, 'demo', '/calls')).resolves.toMatchObject({ employeeId: 'emp-101' });
  });
});

describe('export tables (L4)', () => {
  const metrics = (total: number) => ({ total, answered: total - 1, missed: 1, outgoing: 0, target: 0, newCustomers: 0, talkSeconds: 60, waitSeconds: 5, waitCount: 1, averageTalkSeconds: total > 1 ? 30 : null, averageWaitSeconds: 5 });

  it('L4: a call report is a row per bucket plus a total row, metric columns from the report', () => {
    const report: CallReport = {
      from: '2026-10-31T21:00:00.000Z',
      to: '2026-11-02T21:00:00.000Z',
      granularity: 'day',
      timeZone: 'Europe/Moscow',
      totals: metrics(5),
      series: [
        { bucket: '2026-11-01', start: '2026-10-31T21:00:00.000Z', ...metrics(2) },
        { bucket: '2026-11-02', start: '2026-11-01T21:00:00.000Z', ...metrics(3) },
      ],
    };
    const { columns, rows } = exportsModule.callReportTable(report);
    const lines = [columns.map((c) => c.header), ...rows.map((r) => columns.map((c) => String(c.value(r) ?? '')))];
    const [header, ...body] = parseCsv(lines.map((l) => `${l.join(',')}\r\n`).join(''));
    expect(header).toEqual(['day', 'total', 'answered', 'missed', 'outgoing', 'target', 'new_customers', 'talk_seconds', 'wait_seconds', 'wait_count', 'average_talk_seconds', 'average_wait_seconds']);
    expect(body.map((r) => r.slice(0, 2))).toEqual([['2026-11-01', '2'], ['2026-11-02', '3'], ['total', '5']]);
  });

  it('L4: a grouped report is a row per group, named', () => {
    const report: CallReport = {
      from: '2026-11-01T00:00:00.000Z', to: '2026-11-01T02:00:00.000Z', granularity: 'hour', timeZone: 'UTC', totals: metrics(4), series: [],
      groupBy: 'employee',
      groups: [{ key: 'emp-101', name: 'Anna Smirnova', totals: metrics(3), series: [] }, { key: 'emp-102', totals: metrics(1), series: [] }],
    };
    const { columns, rows } = exportsModule.callReportTable(report);
    expect(columns.slice(0, 3).map((c) => c.header)).toEqual(['employee_id', 'name', 'total']);
    expect(rows.map((r) => columns.slice(0, 3).map((c) => c.value(r)))).toEqual([['emp-101', 'Anna Smirnova', 3], ['emp-102', null, 1], ['total', null, 4]]);
  });

  it('L4: chunks are the BOM and header, then batches of rows, pulled lazily', async () => {
    let pulled = 0;
    async function* rows() {
      for (let i = 0; i < 450; i++) {
        pulled++;
        yield { n: i };
      }
    }
    const chunks = exportsModule.csvChunks([{ header: 'n', value: (r: { n: number }) => r.n }], rows(), true);
    const first = await chunks.next();
    expect(first.value).toBe('\uFEFFn\r\n');
    expect(pulled).toBe(0);
    const second = await chunks.next();
    expect(second.value!.split('\r\n')).toHaveLength(201);
    expect(pulled).toBeLessThanOrEqual(201);
    const rest: string[] = [];
    for await (const c of chunks) rest.push(c);
    expect(rest).toHaveLength(2);
    expect(parseCsv(first.value!.slice(1) + second.value! + rest.join('')).length).toBe(451);
  });

  it('L4: the file is named by the range in tenant-local dates', () => {
    expect(exportsModule.exportFilename('calls', 'Europe/Moscow', '2026-10-31T21:00:00.000Z', '2026-11-21T21:00:00.000Z')).toBe('calls-2026-11-01-2026-11-22.csv');
    expect(exportsModule.exportFilename('calls', 'UTC', undefined, undefined, new Date('2026-11-21T10:00:00Z'))).toBe('calls-all-2026-11-21.csv');
  });
});
