// The pure parts of declarative trigger rules (R1–R3, R5): the evaluator and its explanations, time
// conditions in the tenant's time zone, templates, outbound signatures, and the stable event keys.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { claimDecision, evaluateRule, signatureOf, localTime, renderTemplate, ruleBodySchema, type Condition, type Facts } from '#shared/domain/rules.ts';

process.env['TABLE_NAME'] ??= 'unit';
process.env['EVENT_BUS_NAME'] ??= 'unit';
process.env['WS_MANAGEMENT_URL'] ??= 'http://127.0.0.1:9';
const { callRuleEvents, postSigned } = await import('#shared/services/triggers.ts');

function facts(over: Partial<Facts> = {}): Facts {
  return {
    event: 'call_ended',
    at: '2026-03-02T07:30:00Z', // Monday 10:30 in Moscow
    timeZone: 'Europe/Moscow',
    call: {
      id: 'c1',
      direction: 'inbound',
      from: '+79161234567',
      to: '+74951234567',
      customerNumber: '+79161234567',
      line: '+74951234567',
      outcome: 'answered',
      talkSeconds: 95,
      waitSeconds: 7,
      answeredBy: 'emp-anna',
      offeredTo: ['emp-anna', 'emp-boris'],
      startedAt: '2026-03-02T07:28:00Z',
      recordingUrl: null,
    },
    customer: { id: 'cu1', fullName: 'Ivan Petrov', email: 'ivan@example.com', company: 'Acme', note: null, phones: ['+79161234567'], customFields: { tier: 'VIP' } },
    employee: { id: 'emp-anna', fullName: 'Anna Smirnova', extension: '101', email: null },
    ticket: null,
    ...over,
  };
}

const rule = (conditions: Condition, event: Facts['event'] = 'call_ended') => ({ event, conditions, enabled: true });
const holds = (c: Condition, f: Facts = facts()) => evaluateRule(rule(c, f.event), f).matched;

describe('evaluateRule', () => {
  it('R2: customer known / unknown', () => {
    expect(holds({ customer: 'known' })).toBe(true);
    expect(holds({ customer: 'unknown' })).toBe(false);
    expect(holds({ customer: 'unknown' }, facts({ customer: null }))).toBe(true);
  });

  it('R2: line (entry number), employee, direction', () => {
    expect(holds({ line: ['+74951234567'] })).toBe(true);
    expect(holds({ line: ['+74950000000'] })).toBe(false);
    expect(holds({ employee: ['emp-anna'] })).toBe(true);
    expect(holds({ employee: ['emp-boris'] })).toBe(false);
    expect(holds({ employee: ['emp-boris'] }, facts({ employee: null }))).toBe(true); // not answered: who it rang at
    expect(holds({ direction: ['inbound'] })).toBe(true);
    expect(holds({ direction: ['outbound'] })).toBe(false);
  });

  it('R2: call outcome and durations', () => {
    expect(holds({ outcome: ['answered'] })).toBe(true);
    expect(holds({ outcome: ['missed'] })).toBe(false);
    expect(holds({ talkSeconds: { gte: 30 } })).toBe(true);
    expect(holds({ talkSeconds: { gte: 30, lte: 60 } })).toBe(false);
    expect(holds({ waitSeconds: { lte: 10 } })).toBe(true);
    expect(holds({ waitSeconds: { gte: 10 } })).toBe(false);
  });

  it("R2: time of day and working hours in the tenant's time zone", () => {
    expect(localTime('2026-03-02T07:30:00Z', 'Europe/Moscow')).toMatchObject({ minutes: 10 * 60 + 30, weekday: 1 });
    expect(holds({ timeOfDay: { from: '09:00', to: '18:00' } })).toBe(true);
    // The same instant is 07:30 UTC: outside 09–18 there.
    expect(holds({ timeOfDay: { from: '09:00', to: '18:00' } }, facts({ timeZone: 'UTC' }))).toBe(false);
    // A window over midnight.
    expect(holds({ timeOfDay: { from: '22:00', to: '06:00' } }, facts({ at: '2026-03-02T00:30:00Z' }))).toBe(true); // 03:30 MSK
    expect(holds({ timeOfDay: { from: '22:00', to: '06:00' } })).toBe(false);
    const working: Condition = { workingHours: { days: [1, 2, 3, 4, 5], from: '09:00', to: '18:00' } };
    expect(holds(working)).toBe(true);
    expect(holds(working, facts({ at: '2026-03-07T07:30:00Z' }))).toBe(false); // Saturday
    expect(holds(working, facts({ at: '2026-03-02T15:00:00Z' }))).toBe(false); // 18:00 MSK: end is exclusive
    // Sunday 23:30 UTC is Monday 02:30 in Moscow.
    expect(localTime('2026-03-01T23:30:00Z', 'Europe/Moscow').weekday).toBe(1);
  });

  it('R2: customer fields, case-insensitive; an unknown customer has none', () => {
    expect(holds({ customerField: { field: 'company', op: 'equals', value: 'acme' } })).toBe(true);
    expect(holds({ customerField: { field: 'fullName', op: 'contains', value: 'petr' } })).toBe(true);
    expect(holds({ customerField: { field: 'custom:tier', op: 'equals', value: 'vip' } })).toBe(true);
    expect(holds({ customerField: { field: 'note', op: 'absent' } })).toBe(true);
    expect(holds({ customerField: { field: 'email', op: 'exists' } })).toBe(true);
    expect(holds({ customerField: { field: 'email', op: 'exists' } }, facts({ customer: null }))).toBe(false);
  });

  it('R2: ticket status and previous status', () => {
    const t = facts({ event: 'ticket_status_changed', call: null, ticket: { id: 't1', subject: 's', status: 'closed', previousStatus: 'open', assigneeId: 'emp-anna', customerNumber: null } });
    expect(holds({ ticketStatus: ['closed'] }, t)).toBe(true);
    expect(holds({ ticketStatus: ['open', 'pending'] }, t)).toBe(false);
    expect(holds({ previousTicketStatus: ['open'] }, t)).toBe(true);
    expect(holds({ ticketStatus: ['open'] })).toBe(false); // a call event has no ticket
  });

  it('R2: and / or / not, with every condition explained by path', () => {
    const c: Condition = { all: [{ customer: 'known' }, { any: [{ outcome: ['missed'] }, { talkSeconds: { gte: 60 } }] }, { not: { line: ['+74950000000'] } }] };
    const e = evaluateRule(rule(c), facts());
    expect(e.matched).toBe(true);
    expect(e.conditions.map((r) => [r.path, r.held])).toEqual([
      ['conditions', true],
      ['conditions.all[0]', true],
      ['conditions.all[1]', true],
      ['conditions.all[1].any[0]', false],
      ['conditions.all[1].any[1]', true],
      ['conditions.all[2]', true],
      ['conditions.all[2].not', false],
    ]);
    expect(e.conditions[3]!.detail).toBe('the outcome is answered; expected one of missed');
    expect(holds({ all: [] })).toBe(true);
    expect(holds({ any: [] })).toBe(false);
    expect(holds({ not: { customer: 'known' } })).toBe(false);
  });

  it('R1: a rule of another event, or a disabled rule, does not match (and still explains)', () => {
    const e = evaluateRule(rule({ customer: 'known' }, 'missed_call'), facts());
    expect(e).toMatchObject({ matched: false, eventMatched: false, conditions: [{ path: 'conditions', held: true }] });
    expect(evaluateRule({ ...rule({ all: [] }), enabled: false }, facts()).matched).toBe(false);
  });
});

describe('rule documents', () => {
  it('R3: a post-call SMS rule parses with defaults', () => {
    const r = ruleBodySchema.parse({ name: 'thanks', event: 'call_ended', conditions: { outcome: ['answered'] }, actions: [{ type: 'sms', text: 'Thanks, {customer.fullName}!' }] });
    expect(r).toMatchObject({ enabled: true, actions: [{ type: 'sms', to: '{call.customerNumber}' }] });
    expect(ruleBodySchema.parse({ name: 'x', event: 'new_call', actions: [{ type: 'create_task', dueInMinutes: 30 }] }).conditions).toEqual({ all: [] });
  });

  it('R2: rejects unknown conditions, bad times and unknown actions', () => {
    const base = { name: 'x', event: 'call_ended', actions: [{ type: 'notify', involved: true }] };
    expect(ruleBodySchema.safeParse({ ...base, conditions: { colour: 'red' } }).success).toBe(false);
    expect(ruleBodySchema.safeParse({ ...base, conditions: { timeOfDay: { from: '9:00', to: '18:00' } } }).success).toBe(false);
    expect(ruleBodySchema.safeParse({ ...base, actions: [{ type: 'fax' }] }).success).toBe(false);
    expect(ruleBodySchema.safeParse({ ...base, event: 'call_exploded' }).success).toBe(false);
  });
});

describe('renderTemplate', () => {
  it('R3: substitutes paths; missing values are empty', () => {
    const f = facts();
    expect(renderTemplate('Thanks, {customer.fullName}! You called {call.to}; {employee.fullName} answered.', f)).toBe('Thanks, Ivan Petrov! You called +74951234567; Anna Smirnova answered.');
    expect(renderTemplate('{customer.customFields.tier} {ticket.subject}|{nope.x}', f)).toBe('VIP |');
    expect(renderTemplate('{customer.phones}', f)).toBe('+79161234567');
  });

  it('R3: {{ and }} are literal braces; non-paths stay as written', () => {
    expect(renderTemplate('{{call.from}} {call.from} { x } {"a":1}', facts())).toBe('{call.from} +79161234567 { x } {"a":1}');
  });

  it('R3: json escaping applies to substituted values only', () => {
    const f = facts({ customer: { ...facts().customer!, fullName: 'Ivan "the" \\ Petrov\n' } });
    const body = renderTemplate('{"name":"{customer.fullName}","n":"{call.from}"}', f, 'json');
    expect(JSON.parse(body)).toEqual({ name: 'Ivan "the" \\ Petrov\n', n: '+79161234567' });
  });
});

describe('outbound signatures and event keys', () => {
  it('R2: HMAC-SHA256 over "{timestamp}.{body}"', () => {
    const expected = createHmac('sha256', 'k'.repeat(16)).update('1700000000.{"a":1}').digest('hex');
    expect(signatureOf('k'.repeat(16), '1700000000', '{"a":1}')).toBe(`sha256=${expected}`);
  });

  it('R5: one key per call and rule event, whatever the revision; a missed call is also call_ended', () => {
    const call = { id: 'c9', outcome: 'missed', direction: 'inbound' } as never;
    const a = callRuleEvents('Call Ended', { schemaVersion: 1, tenantId: 'demo', revision: 3, call });
    const b = callRuleEvents('Call Ended', { schemaVersion: 1, tenantId: 'demo', revision: 7, call });
    expect(a.map((e) => [e.event, e.eventKey])).toEqual([
      ['call_ended', 'call.c9.call_ended'],
      ['missed_call', 'call.c9.missed_call'],
    ]);
    expect(b.map((e) => e.eventKey)).toEqual(a.map((e) => e.eventKey));
  });
});

describe('claimDecision (action markers)', () => {
  const now = 1_000_000;
  it('R5: the first delivery creates the marker; a done marker is never run again', () => {
    expect(claimDecision(null, 'ev1', 'at-most-once', now)).toBe('create');
    expect(claimDecision(null, 'ev1', 'retry-pending', now)).toBe('create');
    expect(claimDecision({ state: 'done', owner: 'ev1' }, 'ev1', 'retry-pending', now)).toBe('done');
  });

  it('R5: at-most-once actions never run twice, even after a crash', () => {
    expect(claimDecision({ state: 'pending', owner: 'ev1', leaseUntil: 0 }, 'ev1', 'at-most-once', now)).toBe('done');
  });

  it('R5: a pending outbound call is retried by its owner or after the lease, never concurrently by a duplicate', () => {
    expect(claimDecision({ state: 'pending', owner: 'ev1', leaseUntil: now + 10 }, 'ev1', 'retry-pending', now)).toBe('take');
    expect(claimDecision({ state: 'pending', owner: 'ev1', leaseUntil: now + 10 }, 'ev2', 'retry-pending', now)).toBe('busy');
    expect(claimDecision({ state: 'pending', owner: 'ev1', leaseUntil: now - 1 }, 'ev2', 'retry-pending', now)).toBe('take');
  });
});

describe('postSigned (outbound webhooks)', () => {
  const config = { outbound: { secret: 's'.repeat(16) } } as never;

  it('R2: sends the delivery id, timestamp and HMAC signature; a non-2xx answer throws (Lambda retries, then the DLQ)', async () => {
    const calls: { url: string; init: RequestInit }[] = [];
    let status = 204;
    const http = async (url: string, init: RequestInit) => {
      calls.push({ url, init });
      return new Response(null, { status });
    };
    const ctx = { tenant: 'demo', config, http };
    expect(await postSigned(ctx, 'https://hooks.example/x', '{"a":1}', 'r1.call.c1.call_ended.0', 1_700_000_000_000)).toBe(204);
    const headers = calls[0]!.init.headers as Record<string, string>;
    expect(headers).toMatchObject({
      'x-ringdesk-delivery': 'r1.call.c1.call_ended.0',
      'x-ringdesk-timestamp': '1700000000',
      'x-ringdesk-signature': signatureOf('s'.repeat(16), '1700000000', '{"a":1}'),
    });
    status = 503;
    await expect(postSigned(ctx, 'https://hooks.example/x', '{}', 'd', 1_700_000_000_000)).rejects.toThrow(/answered 503/);
  });
});
