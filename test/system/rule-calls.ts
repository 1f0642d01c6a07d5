// Helpers shared by the trigger-rule system tests: JSON calls to the API, calls posted through the
// signed ringdesk canonical webhook, and Call Ended redelivered on the bus (duplicates, republishes).
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { expect } from 'vitest';
import { callIdFor } from '#shared/domain/call-id.ts';
import type { Call } from '#shared/domain/call.ts';
import { api, callIdValue, postRingdesk, waitFor, type Harness } from './harness.ts';

/** A distinct line per test, so each test's rules only see its own calls. */
export const newLine = () => `+7495${String(Math.floor(Math.random() * 1e7)).padStart(7, '0')}`;

/** `harness` is a getter: the harness of a file starts in its beforeAll. */
export function ruleCalls(harness: () => Harness, secret: string) {
  async function send<T = unknown>(method: string, path: string, body: unknown, token = harness().info.tokens.admin): Promise<{ status: number; body: T }> {
    const res = await fetch(`${harness().info.httpUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T };
  }

  /** An inbound call from `customer` to `line`, its events posted one by one in order. */
  function pbxCall(customer: string, line: string) {
    const raw = callIdValue();
    let n = 0;
    const post = async (event: string, extra: Record<string, unknown> = {}) => {
      const res = await postRingdesk(harness().info, { events: [{ callId: raw, event, eventId: `${raw}-${n}`, sequence: n++, direction: 'inbound', from: customer, to: line, ...extra }] }, secret);
      expect(res.status).toBe(200);
    };
    return {
      id: callIdFor('ringdesk', raw),
      ring: (ext = '101') => post('offered', { agents: [{ extension: ext }] }),
      answer: (ext = '101') => post('answered', { agent: { extension: ext } }),
      end: (endReason = 'caller_hangup') => post('ended', { endReason }),
    };
  }

  async function endedCall(id: string): Promise<Call> {
    return waitFor('the call to end', async () => {
      const r = await api<Call>(harness().info, `/calls/${id}`);
      return r.status === 200 && r.body.status === 'ended' ? r.body : null;
    });
  }

  /** Delivers Call Ended again, as a duplicate delivery or a republish would. */
  async function redeliverCallEnded(call: Call, times: number): Promise<void> {
    const { info } = harness();
    const eb = new EventBridgeClient({ endpoint: info.eventsUrl, region: info.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    const detail = JSON.stringify({ schemaVersion: 1, tenantId: info.tenant, revision: 1000, call });
    for (let i = 0; i < times; i++) {
      const out = await eb.send(new PutEventsCommand({ Entries: [{ EventBusName: info.eventBusName, Source: 'ringdesk.calls', DetailType: 'Call Ended', Detail: detail }] }));
      expect(out.FailedEntryCount ?? 0).toBe(0);
    }
  }

  return { send, pbxCall, endedCall, redeliverCallEnded };
}
