// Drives the local runtime the way a PBX and an agent would: HTTP webhooks in, WebSocket frames out.
import { createHmac, randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import WebSocket from 'ws';
import { callIdFor } from '#shared/domain/call-id.ts';
import { agentMessageSchema } from '#shared/events/agent-messages.ts';
import { startTenant, type LocalInfo } from '../../local/start.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import type { LogSink } from '../../local/log-lines.ts';

export interface Harness {
  runtime: LocalRuntime;
  info: LocalInfo;
  ddb: DynamoDBDocumentClient;
  stop(): Promise<void>;
}

export async function startHarness(
  opts: {
    chaos?: { duplicate?: boolean; shuffle?: boolean };
    tenantConfigFile?: string;
    /** Serve the agent console too (`info.consoleUrl`). */
    console?: boolean;
    /** The local Cognito's clock (e.g. shifted back to mint an expired token). */
    cognitoClock?: () => Date;
    /** The functions' log level (default ERROR) and where their lines go (default the test's stdout/stderr). */
    logLevel?: string;
    functionOutput?: LogSink;
  } = {},
): Promise<Harness> {
  // Another tenant's settings are baked into its template: synthesized into a temp dir first (~30 s).
  const { tenantConfigFile, console: withConsole, ...rest } = opts;
  const tenant = tenantConfigFile ? { tenantConfigFile, outDir: mkdtempSync(join(tmpdir(), 'ringdesk-tenant-')) } : { skipSynth: true, tenant: 'demo' };
  const { runtime, info } = await startTenant({
    ...tenant,
    httpPort: 0,
    wsPort: 0,
    retryDelaysMs: [100, 200],
    logLevel: 'ERROR',
    metricsDisabled: true,
    ...(withConsole ? { console: { port: 0 } } : {}),
    ...rest,
  });
  const ddb = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: info.dynamodbUrl, region: info.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }));
  return { runtime, info, ddb, stop: () => runtime.stop() };
}

/**
 * One runtime for a test file: started before its tests, stopped after. The returned object forwards
 * to the running harness, so tests use it like a Harness (`h.info`, `h.runtime`).
 */
export function useHarness(opts: Parameters<typeof startHarness>[0] | (() => Promise<Parameters<typeof startHarness>[0]>) = {}): Harness {
  let current: Harness | undefined;
  beforeAll(async () => {
    // A function: options known only once something else is up (a fake provider API's port).
    current = await startHarness(typeof opts === 'function' ? await opts() : opts);
  }, 240_000); // another tenant's settings are synthesized first
  afterAll(async () => {
    await current?.stop();
  });
  return new Proxy({} as Harness, {
    get(_, key) {
      if (!current) throw new Error('the harness is not started yet (use it inside tests and hooks)');
      return current[key as keyof Harness];
    },
  });
}

/**
 * A tenant settings file for one test run: a fixture under test/fixtures/tenants/ with `patch` applied
 * (e.g. pointing a provider's API or an outbound webhook at a fake server started by the test).
 */
export function patchedTenantConfig<T>(fixture: string, patch: (settings: T) => void): string {
  const settings = JSON.parse(readFileSync(new URL(`../fixtures/tenants/${fixture}`, import.meta.url), 'utf8')) as T;
  patch(settings);
  const file = join(mkdtempSync(join(tmpdir(), 'ringdesk-tenant-config-')), fixture);
  writeFileSync(file, JSON.stringify(settings));
  return file;
}

/** A fresh Russian mobile number, so tests never share a missed-call group. */
export function randomNumber(): string {
  return `+7916${String(randomInt(0, 9_999_999)).padStart(7, '0')}`;
}

export function callIdValue(): string {
  return `test-${Date.now()}-${randomInt(0, 1e9)}`;
}

export async function postZammad(info: LocalInfo, body: Record<string, unknown>, as: 'json' | 'form' = 'json'): Promise<Response> {
  const url = info.webhooks['zammad']!;
  if (as === 'json') return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const form = new URLSearchParams();
  for (const [k, v] of Object.entries(body)) {
    if (Array.isArray(v)) for (const x of v) form.append(`${k}[]`, String(x));
    else form.append(k, String(v));
  }
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form.toString() });
}

export async function postRingdesk(info: LocalInfo, body: unknown, secret: string): Promise<Response> {
  const raw = JSON.stringify(body);
  const signature = `sha256=${createHmac('sha256', secret).update(raw).digest('hex')}`;
  return fetch(info.webhooks['ringdesk']!, { method: 'POST', headers: { 'content-type': 'application/json', 'x-ringdesk-signature': signature }, body: raw });
}

export async function api<T = unknown>(info: LocalInfo, path: string, token: string | null = info.tokens.admin): Promise<{ status: number; body: T }> {
  const res = await fetch(`${info.httpUrl}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: (await res.json()) as T };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface AgentSocket {
  ws: WebSocket;
  messages: Record<string, unknown>[];
  /** Frames that are not an agent message of shared/events/agent-messages.ts: `next` and `close` fail on any. */
  invalid: string[];
  next(type: string, match?: (m: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  close(): Promise<void>;
}

export function openAgent(info: LocalInfo, token: string): Promise<AgentSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${info.wsUrl}?token=${encodeURIComponent(token)}`);
    const messages: Record<string, unknown>[] = [];
    const invalid: string[] = [];
    const waiters: (() => void)[] = [];
    // Every frame any system test receives is checked against the schemas: the suite is the drift test of the senders.
    ws.on('message', (data) => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      const parsed = agentMessageSchema.safeParse(message);
      if (!parsed.success) invalid.push(`${String(data)}\n${parsed.error.message}`);
      messages.push(message);
      for (const wake of waiters.splice(0)) wake();
    });
    const schemaError = () => new Error(`agent message(s) not matching shared/events/agent-messages.ts:\n${invalid.join('\n')}`);
    ws.once('error', reject);
    ws.once('open', () =>
      resolve({
        ws,
        messages,
        invalid,
        next(type, match = () => true, timeoutMs = 10_000) {
          return new Promise((res, rej) => {
            const check = () => {
              if (invalid.length > 0) {
                clearTimeout(timer);
                rej(schemaError());
                return;
              }
              const found = messages.find((m) => m['type'] === type && match(m));
              if (found) {
                clearTimeout(timer);
                res(found);
              } else waiters.push(check);
            };
            const timer = setTimeout(() => rej(new Error(`no ${type} message within ${timeoutMs} ms`)), timeoutMs);
            check();
          });
        },
        close: () =>
          new Promise<void>((r) => {
            if (ws.readyState === WebSocket.CLOSED) return r();
            ws.once('close', () => r());
            ws.close();
          }).then(() => {
            if (invalid.length > 0) throw schemaError();
          }),
      }),
    );
  });
}

/** The demo tenant's ringdesk webhook secret (config/tenants/demo.json, and the helpdesk fixture). */
export const RINGDESK_SECRET = 'demo-ringdesk-secret-0123456789';

/**
 * One call through the ringdesk webhook, event by event; events carry sequence numbers so their
 * order is the PBX's. `id` is the call's id in ringdesk.
 */
export function ringdeskCall(info: LocalInfo, direction: 'inbound' | 'outbound', customer: string, line: string, secret = RINGDESK_SECRET) {
  const raw = callIdValue();
  let n = 0;
  const base = direction === 'inbound' ? { direction, from: customer, to: line } : { direction, from: line, to: customer };
  const post = async (event: string, extra: Record<string, unknown> = {}) => {
    const res = await postRingdesk(info, { events: [{ callId: raw, event, eventId: `${raw}-${n}`, sequence: n++, ...base, ...extra }] }, secret);
    if (res.status !== 200) throw new Error(`ringdesk webhook ${event}: ${res.status} ${await res.text()}`);
  };
  return {
    id: callIdFor('ringdesk', raw),
    ring: (ext = '101') => post('offered', { agents: [{ extension: ext }] }),
    dial: (ext = '101') => post('created', { agent: { extension: ext } }),
    answer: (ext?: string) => post('answered', ext ? { agent: { extension: ext } } : {}),
    end: (endReason = 'caller_hangup') => post('ended', { endReason }),
    record: (url: string) => post('recording_available', { recording: { url } }),
  };
}
