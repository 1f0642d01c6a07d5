// CSV export of the call log (L4) on the whole local stack: the API answers 303 to the export
// function's Function URL, which streams RFC 4180 CSV in the tenant's time zone.
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { callIdFor } from '#shared/domain/call-id.ts';
import type { CallLogRow } from '#shared/domain/call-log.ts';
import { EXPORT_AUDIENCE, mintExportToken } from '#shared/http/export-token.ts';
import { parseCsv } from '../unit/csv-parse.ts';
import { api, callIdValue, postZammad, randomNumber, useHarness, waitFor } from './harness.ts';
import { seedCalls, TRICKY_CALLER_IDS } from './seed-calls.ts';
import { otherTenantToken } from './tokens.ts';

const h = useHarness();
const LINE = '+74951234567';
const SECRET = 'demo-only-secret-change-me-0123456789abcdef'; // config/tenants/demo.json
const HEADER = 'call_id,started_at,ended_at,direction,outcome,from,to,line,customer_number,customer_id,employees,employee_names,answered_by,answered_by_name,wait_seconds,talk_seconds,recording_url,provider';
const testStart = new Date(Date.now() - 1000).toISOString();

/** Europe/Moscow is UTC+3 all year: the wall-clock time a spreadsheet should show. */
const moscow = (iso: string | null) => (iso ? new Date(Date.parse(iso) + 3 * 3_600_000).toISOString().slice(0, 19).replace('T', ' ') : '');

const exportUrl = () => h.info.functionUrls['export-csv']!;

async function answeredCall(from: string): Promise<string> {
  const callId = callIdValue();
  await postZammad(h.info, { event: 'newCall', direction: 'in', from, to: LINE, callId, user: ['Anna Smirnova', 'Boris Ivanov'] });
  await postZammad(h.info, { event: 'answer', direction: 'in', from, to: LINE, callId, answeringNumber: '101' });
  await postZammad(h.info, { event: 'hangup', direction: 'in', from, to: LINE, callId, cause: 'normalClearing' });
  return callIdFor('zammad', callId);
}

async function missedCall(from: string): Promise<string> {
  const callId = callIdValue();
  await postZammad(h.info, { event: 'newCall', direction: 'in', from, to: LINE, callId, user: ['Boris Ivanov'] }, 'form');
  await postZammad(h.info, { event: 'hangup', direction: 'in', from, to: LINE, call_id: callId, cause: 'noAnswer' }, 'form');
  return callIdFor('zammad', callId);
}

/** GET on the API without following redirects. */
function apiGet(path: string, headers: Record<string, string> = {}, token: string | null = h.info.tokens.admin): Promise<Response> {
  return fetch(`${h.info.httpUrl}${path}`, { redirect: 'manual', headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers } });
}

const rangeOf = (from: string, to = new Date(Date.now() + 60_000).toISOString()) => `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;

describe('CSV export through the API (L4)', () => {
  /** The calls the webhook test makes; the report tests count what they produced. */
  const webhookCalls: string[] = [];

  it('L4: GET /calls?format=csv answers 303 to the export URL with a 60-second export token and the same filters', async () => {
    const res = await apiGet(`/calls?${rangeOf(testStart)}&direction=inbound&format=csv&limit=5&bom=true`);
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!);
    expect(`${location.origin}/`).toBe(exportUrl());
    expect(location.pathname).toBe('/calls');
    expect(location.searchParams.get('from')).toBe(testStart);
    expect(location.searchParams.get('direction')).toBe('inbound');
    expect(location.searchParams.get('bom')).toBe('true');
    // Paging belongs to the JSON page, not to an export of everything.
    expect(location.searchParams.has('limit')).toBe(false);
    expect(location.searchParams.has('format')).toBe(false);
    const token = location.searchParams.get('token')!;
    const claims = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8'));
    expect(claims).toMatchObject({ aud: EXPORT_AUDIENCE, tenant: 'demo', role: 'admin', sub: 'admin', path: '/calls' });
    expect(claims.exp - claims.iat).toBe(60);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('L4: the CSV of calls made through real webhooks is the JSON log, in the tenant time zone, RFC 4180', async () => {
    const ids = [await answeredCall(randomNumber()), await missedCall(randomNumber()), await answeredCall('8 916 123-45-67')];
    webhookCalls.push(...ids);
    type Page = { items: CallLogRow[]; next: string | null };
    await waitFor('the three calls ended in the log', async () => {
      const { body } = await api<Page>(h.info, `/calls?${rangeOf(testStart)}&limit=200`);
      const mine = body.items.filter((r) => ids.includes(r.id));
      return mine.length === 3 && mine.every((r) => r.endedAt);
    }, 30_000);
    // Ended is not final: attribute-call-customer may still link the customer. The JSON log and the
    // CSV are compared only once nothing is in flight, so both read the same settled calls.
    await h.runtime.settled();
    const log = (await api<Page>(h.info, `/calls?${rangeOf(testStart)}&limit=200`)).body.items;
    const { body: staff } = await api<{ items: { id: string; fullName: string }[] }>(h.info, '/employees?limit=200');
    const names: Record<string, string> = Object.fromEntries(staff.items.map((e) => [e.id, e.fullName]));
    expect(log.filter((r) => ids.includes(r.id)).flatMap((r) => r.employees).every((id) => names[id])).toBe(true);

    // fetch follows the 303; the Authorization header is dropped on the way (another origin), the token in the URL is what counts.
    const res = await fetch(`${h.info.httpUrl}/calls?${rangeOf(testStart)}&format=csv`, { headers: { authorization: `Bearer ${h.info.tokens.admin}` } });
    expect(res.status).toBe(200);
    expect(res.url.startsWith(exportUrl())).toBe(true);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toMatch(/^attachment; filename="calls-\d{4}-\d{2}-\d{2}-\d{4}-\d{2}-\d{2}\.csv"$/);
    const text = await res.text();
    expect(text.charCodeAt(0)).not.toBe(0xfeff);
    expect(text.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parseCsv(text);
    expect(header!.join(',')).toBe(HEADER);
    // The same calls in the same order (newest first) as the JSON log of the same range.
    expect(rows.map((r) => r[0])).toEqual(log.map((r) => r.id));
    for (const row of rows) {
      const json = log.find((r) => r.id === row[0])!;
      const cells = Object.fromEntries(header!.map((k, i) => [k, row[i]]));
      expect(cells).toEqual({
        call_id: json.id,
        started_at: moscow(json.startedAt),
        ended_at: moscow(json.endedAt),
        direction: json.direction,
        outcome: json.outcome ?? '',
        from: json.from,
        to: json.to,
        line: json.line ?? '',
        customer_number: json.customerNumber ?? '',
        customer_id: json.customerId ?? '',
        employees: json.employees.join(';'),
        employee_names: json.employees.map((id) => names[id] ?? id).join(';'),
        answered_by: json.answeredBy ?? '',
        answered_by_name: json.answeredBy ? (names[json.answeredBy] ?? json.answeredBy) : '',
        wait_seconds: String(json.waitSeconds),
        talk_seconds: String(json.talkSeconds),
        recording_url: json.recordingUrl ?? '',
        provider: json.provider,
      });
    }
    // E.164 numbers are written as they are (not neutralized as formulas).
    const known = rows.find((r) => r[0] === ids[2]);
    expect(known?.[5]).toBe('+79161234567');
    expect(known?.[10]).toBe('emp-101;emp-102');
  });

  it('L4: Accept: text/csv negotiates CSV; JSON stays the default; format=json wins over Accept', async () => {
    const viaAccept = await apiGet(`/calls?${rangeOf(testStart)}`, { accept: 'text/csv' });
    expect(viaAccept.status).toBe(303);
    expect(new URL(viaAccept.headers.get('location')!).searchParams.get('from')).toBe(testStart);
    const followed = await fetch(viaAccept.headers.get('location')!);
    expect(followed.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect((await followed.text()).startsWith(`${HEADER}\r\n`)).toBe(true);

    expect((await apiGet('/calls', { accept: 'application/json' })).status).toBe(200);
    expect((await apiGet('/calls', { accept: '*/*' })).status).toBe(200);
    expect((await apiGet('/calls', { accept: 'application/json, text/csv;q=0.5' })).status).toBe(200);
    expect((await apiGet('/calls', { accept: 'text/csv, application/json;q=0.9' })).status).toBe(303);
    expect((await apiGet('/calls?format=json', { accept: 'text/csv' })).status).toBe(200);
  });

  it('L4: bom=true starts the file with U+FEFF (Excel), then the header', async () => {
    const res = await fetch(`${h.info.httpUrl}/calls?${rangeOf(testStart)}&format=csv&bom=true`, { headers: { authorization: `Bearer ${h.info.tokens.admin}` } });
    const bytes = Buffer.from(await res.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(bytes.subarray(3).toString('utf8').startsWith(`${HEADER}\r\n`)).toBe(true);
  });

  it('L4: GET /reports/calls?format=csv exports the report: a row per day and a total row, as the JSON report', async () => {
    const today = moscow(new Date().toISOString()).slice(0, 10);
    const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const query = `from=${today}&to=${tomorrow}&granularity=day`;
    type Report = { totals: Record<string, number | null>; series: ({ bucket: string } & Record<string, number | null>)[] };
    // The webhook calls above are counted on Call Ended: wait until the report has them.
    const json = await waitFor('the report to count the calls', async () => {
      const { status, body } = await api<Report>(h.info, `/reports/calls?${query}`);
      return status === 200 && (body.totals['total'] ?? 0) >= 3 ? body : null;
    }, 30_000);
    const redirect = await apiGet(`/reports/calls?${query}&format=csv`);
    expect(redirect.status).toBe(303);
    expect(new URL(redirect.headers.get('location')!).pathname).toBe('/reports/calls');
    const res = await fetch(redirect.headers.get('location')!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="call-report-${today}-${tomorrow}.csv"`);
    const [header, ...rows] = parseCsv(await res.text());
    expect(header!.slice(0, 3)).toEqual(['day', 'total', 'answered']);
    expect(rows.map((r) => r[0])).toEqual([...json.series.map((b) => b.bucket), 'total']);
    const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const totalRow = Object.fromEntries(header!.map((k, i) => [k, rows.at(-1)![i]]));
    for (const [k, v] of Object.entries(json.totals)) expect(totalRow[snake(k)], k).toBe(v === null ? '' : String(v));
    // Reports are for analysts: the API refuses an agent before any redirect.
    expect((await apiGet(`/reports/calls?${query}&format=csv`, {}, h.info.tokens.agents['101']!)).status).toBe(403);
  });

  it('L4, L5: GET /reports/helpdesk?format=csv exports the series and, with groupBy=employee, the per-employee table, as the JSON report', async () => {
    const today = moscow(new Date().toISOString()).slice(0, 10);
    const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const query = `from=${today}&to=${tomorrow}&granularity=day`;
    type Report = {
      totals: Record<string, number>;
      series: ({ bucket: string } & Record<string, number>)[];
      employees: { employeeId: string; name?: string; totals: Record<string, number> }[];
    };
    // The tickets of the webhook calls above are counted on Ticket Created, one by one: wait until each
    // call has its ticket and the report counts all of them, so the CSVs below read this same state.
    const tickets = await waitFor('a ticket for each webhook call', async () => {
      const { body } = await api<{ items: { id: string; callIds: string[] }[] }>(h.info, '/tickets?limit=200');
      return webhookCalls.length > 0 && webhookCalls.every((id) => body.items.some((t) => t.callIds.includes(id))) ? body.items : null;
    }, 30_000);
    const json = await waitFor('the helpdesk report to count every ticket', async () => {
      const { status, body } = await api<Report>(h.info, `/reports/helpdesk?${query}`);
      return status === 200 && body.totals['incomingTickets'] === tickets.length && body.employees.length > 0 ? body : null;
    }, 30_000);
    const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const csvOf = async (extra: string) => {
      const redirect = await apiGet(`/reports/helpdesk?${query}${extra}&format=csv`);
      expect(redirect.status).toBe(303);
      const res = await fetch(redirect.headers.get('location')!);
      expect(res.status).toBe(200);
      return { disposition: res.headers.get('content-disposition'), table: parseCsv(await res.text()) };
    };

    const series = await csvOf('');
    expect(series.disposition).toBe(`attachment; filename="helpdesk-report-${today}-${tomorrow}.csv"`);
    const [header, ...rows] = series.table;
    expect(header).toEqual(['day', ...Object.keys(json.totals).map(snake)]);
    expect(rows.map((r) => r[0])).toEqual([...json.series.map((b) => b.bucket), 'total']);
    expect(rows.at(-1)!.slice(1)).toEqual(Object.values(json.totals).map(String));

    const perEmployee = await csvOf('&groupBy=employee');
    expect(perEmployee.disposition).toBe(`attachment; filename="helpdesk-report-by-employee-${today}-${tomorrow}.csv"`);
    const [empHeader, ...empRows] = perEmployee.table;
    expect(empHeader).toEqual(['employee_id', 'name', 'best_in_team', 'with_first_response']);
    expect(empRows).toEqual(json.employees.map((e) => [e.employeeId, e.name ?? '', String(e.totals['bestInTeam']), String(e.totals['withFirstResponse'])]));
    expect((await apiGet(`/reports/helpdesk?${query}&format=csv`, {}, h.info.tokens.agents['101']!)).status).toBe(403);
  });

  it('L4: the export also takes a bearer token; an agent may export the log', async () => {
    const res = await fetch(`${exportUrl()}calls?${rangeOf(testStart)}`, { headers: { authorization: `Bearer ${h.info.tokens.agents['101']}` } });
    expect(res.status).toBe(200);
    expect((await res.text()).split('\r\n')[0]).toBe(HEADER);
  });
});

describe('CSV export refusals, all before any CSV byte (L4)', () => {
  const expectJsonError = async (res: Response, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(await res.json()).toMatchObject({ error: code });
  };
  const grant = { tenant: 'demo', employeeId: 'admin', role: 'admin' as const, path: '/calls' };

  it('L4: an expired export token → 401', async () => {
    const token = await mintExportToken(grant, SECRET, 1);
    const fresh = await fetch(`${exportUrl()}calls?token=${token}`);
    expect(fresh.status).toBe(200);
    await fresh.text();
    await new Promise((r) => setTimeout(r, 2_100));
    await expectJsonError(await fetch(`${exportUrl()}calls?token=${token}`), 401, 'unauthorized');
  });

  it('L4: forged, foreign-tenant, wrong-audience and wrong-path tokens → 401; none → 401', async () => {
    const sign = (claims: Record<string, unknown>, secret = SECRET, audience = EXPORT_AUDIENCE) =>
      new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setSubject('admin').setIssuer('ringdesk').setAudience(audience).setIssuedAt().setExpirationTime('60s').sign(new TextEncoder().encode(secret));
    const refused = [
      await sign({ tenant: 'demo', role: 'admin', path: '/calls' }, 'another-secret-another-secret-0123456789'),
      await sign({ tenant: 'acme', role: 'admin', path: '/calls' }),
      await sign({ tenant: 'demo', role: 'admin', path: '/reports/calls' }),
      await sign({ tenant: 'demo', role: 'root', path: '/calls' }),
      // An API token is not an export token (another audience)…
      h.info.tokens.admin,
      'not-a-jwt',
    ];
    for (const token of refused) await expectJsonError(await fetch(`${exportUrl()}calls?token=${encodeURIComponent(token)}`), 401, 'unauthorized');
    await expectJsonError(await fetch(`${exportUrl()}calls`), 401, 'unauthorized');
    // …and an export token is no bearer token.
    await expectJsonError(await fetch(`${exportUrl()}calls`, { headers: { authorization: `Bearer ${await mintExportToken(grant, SECRET)}` } }), 401, 'unauthorized');
    await expectJsonError(await fetch(`${exportUrl()}calls`, { headers: { authorization: `Bearer ${await otherTenantToken(h.info, 'admin', 'admin')}` } }), 401, 'unauthorized');
  });

  it('L4: an agent exporting a report → 403; a bad query → 400; an unknown export → 404; a POST → 405', async () => {
    const agent = h.info.tokens.agents['101']!;
    await expectJsonError(await fetch(`${exportUrl()}reports/calls?from=2026-11-01&to=2026-11-02`, { headers: { authorization: `Bearer ${agent}` } }), 403, 'forbidden');
    const admin = { authorization: `Bearer ${h.info.tokens.admin}` };
    await expectJsonError(await fetch(`${exportUrl()}calls?from=yesterday`, { headers: admin }), 400, 'invalid_query');
    await expectJsonError(await fetch(`${exportUrl()}calls?direction=sideways`, { headers: admin }), 400, 'invalid_query');
    await expectJsonError(await fetch(`${exportUrl()}calls?from=2026-11-02T00:00:00Z&to=2026-11-01T00:00:00Z`, { headers: admin }), 400, 'invalid_query');
    await expectJsonError(await fetch(`${exportUrl()}calls?bom=maybe`, { headers: admin }), 400, 'invalid_query');
    await expectJsonError(await fetch(`${exportUrl()}tickets`, { headers: admin }), 404, 'not_found');
    await expectJsonError(await fetch(`${exportUrl()}calls`, { method: 'POST', headers: admin }), 405, 'method_not_allowed');
    // The API refuses a bad filter itself, before any redirect.
    expect((await apiGet('/calls?format=csv&direction=sideways')).status).toBe(400);
    expect((await apiGet('/calls?format=csv', {}, null)).status).toBe(401);
  });
});

describe('a long log (L4)', () => {
  it('L4: 20,000 calls stream in many chunks, first byte long before the last, with flat memory in the sandbox', async () => {
    const count = 20_000;
    const seeded = await seedCalls({
      tableName: h.runtime.tableName,
      dynamodbUrl: h.info.dynamodbUrl,
      region: h.info.region,
      tenant: 'demo',
      count,
      newest: new Date('2025-06-30T12:00:00Z'),
      spacingMs: 60_000,
      prefix: 'c_seed',
    });
    console.log(`seeded ${count} calls in ${seeded.ms} ms`);

    const started = Date.now();
    const res = await fetch(`${h.info.httpUrl}/calls?${rangeOf(seeded.first, '2025-07-01T00:00:00Z')}&format=csv`, { headers: { authorization: `Bearer ${h.info.tokens.admin}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="calls-${moscow(seeded.first).slice(0, 10)}-2025-07-01.csv"`);
    const reader = res.body!.getReader();
    const chunks: Buffer[] = [];
    let firstByteMs = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (chunks.length === 0) firstByteMs = Date.now() - started;
      chunks.push(Buffer.from(value));
    }
    const totalMs = Date.now() - started;
    const text = Buffer.concat(chunks).toString('utf8');
    const [header, ...rows] = parseCsv(text);
    expect(header!.join(',')).toBe(HEADER);
    expect(rows).toHaveLength(count);
    // Newest first, every seeded call once.
    expect(rows[0]![0]).toBe('c_seed0000000');
    expect(rows.at(-1)![0]).toBe(`c_seed${String(count - 1).padStart(7, '0')}`);
    expect(new Set(rows.map((r) => r[0])).size).toBe(count);
    expect(rows[0]![1]).toBe('2025-06-30 15:00:00');
    // Caller ids that are no phone number arrive quoted where RFC 4180 needs it and defused where a
    // spreadsheet would run them (a leading quote); E.164 numbers arrive as they are.
    const fromOf = (i: number) => rows.find((r) => r[0] === `c_seed${String(i).padStart(7, '0')}`)![5];
    expect([0, 1000, 2000, 3000, 4000].map(fromOf)).toEqual([`'${TRICKY_CALLER_IDS[0]}`, TRICKY_CALLER_IDS[1], TRICKY_CALLER_IDS[2], `'${TRICKY_CALLER_IDS[3]}`, TRICKY_CALLER_IDS[4]]);
    expect(fromOf(1)).toBe('+79161000001');
    expect(text).toContain(`,"'=HYPERLINK(""http://evil.example"",""x"")",`);

    const fn = [...h.runtime.functions.values()].find((f) => f.label === 'export-csv')!;
    const stats = fn.stats.lastStream!;
    const mb = (n: number) => (n / 1024 / 1024).toFixed(1);
    console.log(
      `export of ${count} rows: ${mb(text.length)} MB, first byte after ${firstByteMs} ms, all after ${totalMs} ms ` +
        `(${Math.round(count / (totalMs / 1000))} rows/s), ${chunks.length} chunks read, ${stats.chunks} written; ` +
        `sandbox heap ${mb(stats.startHeapBytes)} MB at start, ${mb(stats.peakHeapBytes)} MB at most (old space ${mb(stats.startOldSpaceBytes)} → at most ${mb(stats.peakOldSpaceBytes)} MB), ` +
        `stream buffer at most ${stats.peakBufferedBytes} bytes`,
    );
    expect(stats.bytes).toBe(Buffer.byteLength(text));
    expect(chunks.length).toBeGreaterThan(20);
    expect(stats.chunks).toBeGreaterThan(50);
    expect(firstByteMs).toBeLessThan(totalMs / 2);
    // Flat memory: the stream never held more than its 64 KB high-water mark plus the chunk being
    // written, and the sandbox kept (old space) no more than a few pages of rows. Held at once, the
    // 20,000 rows alone take ~10 MB of heap (~22 MB as the DynamoDB items they are read from).
    expect(stats.peakBufferedBytes).toBeLessThanOrEqual(128 * 1024);
    // (Old space also takes some garbage promoted mid-page: 3–4 MB here, against 10+ MB held.)
    expect(stats.peakOldSpaceBytes - stats.startOldSpaceBytes).toBeLessThan(8 * 1024 * 1024);
  }, 180_000);
});
