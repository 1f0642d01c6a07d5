// `runtime.settled()`: the one way system tests wait for the pipeline before comparing reads. A call's
// webhooks return before its consumers run (ticket, customer link, stats), so a read right after them
// races the pipeline; after `settled()` every consumer of those events has finished.
import { describe, expect, it } from 'vitest';
import { callIdFor } from '#shared/domain/call-id.ts';
import type { CallLogRow } from '#shared/domain/call-log.ts';
import { api, callIdValue, postZammad, useHarness } from './harness.ts';

const h = useHarness();
const LINE = '+74951234567';
const KNOWN = '8 916 123-45-67'; // Ivan Petrov of the demo seed

describe('settled pipeline', () => {
  it('I3: after settled() a missed call from a known customer is already ended, linked and ticketed, with nothing in flight', async () => {
    const callId = callIdValue();
    await postZammad(h.info, { event: 'newCall', direction: 'in', from: KNOWN, to: LINE, callId, user: ['Boris Ivanov'] });
    await postZammad(h.info, { event: 'hangup', direction: 'in', from: KNOWN, to: LINE, callId, cause: 'noAnswer' });
    await h.runtime.settled();

    expect(h.runtime.bus.busy()).toBe(false);
    expect([...h.runtime.functions.values()].filter((f) => f.busy())).toEqual([]);
    const id = callIdFor('zammad', callId);
    const { status, body } = await api<CallLogRow>(h.info, `/calls/${id}`);
    expect(status).toBe(200);
    expect(body.endedAt).not.toBeNull();
    expect(body.outcome).toBe('missed');
    expect(body.customerId).toBe('cus-ivan-petrov');
    const tickets = await api<{ items: unknown[] }>(h.info, `/tickets?customerId=cus-ivan-petrov&limit=100`);
    expect(tickets.status).toBe(200);
    expect(JSON.stringify(tickets.body.items)).toContain(id);
  });
});
