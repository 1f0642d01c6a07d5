// The public event contract: generated JSON Schemas match the catalog, real-shaped events satisfy both
// the zod schemas and the JSON Schemas, and the catalog itself is well-formed.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CanonicalEvent, ReduceContext } from '#shared/domain/call.ts';
import { callIdFor } from '#shared/domain/call-id.ts';
import { buildEmployeeMatcher } from '#shared/domain/employee-match.ts';
import { callTransitions, reduceCall } from '#shared/domain/reduce-call.ts';
import { callMessage, decideCallTicket, type Ticket } from '#shared/domain/ticket.ts';
import { callEvents, catalog, ticketEvents, type EventDefinition } from '#shared/events/catalog.ts';
import type { z } from 'zod';
import { SCHEMA_DIR, eventSchemas, renderSchema, schemaFileName, schemaVersionOf } from '../../scripts/generate-event-schemas.ts';

const REGENERATE = 'the event catalog and docs/events/schemas differ: run `npm run schemas` and commit the result';

describe('generated JSON Schemas', () => {
  it('the files on disk are exactly eventSchemas()', () => {
    const expected = eventSchemas();
    const onDisk = readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.json')).sort();
    expect(onDisk, REGENERATE).toEqual(Object.keys(expected).sort());
    for (const [file, schema] of Object.entries(expected)) {
      expect(readFileSync(join(SCHEMA_DIR, file), 'utf8'), `${file}: ${REGENERATE}`).toBe(renderSchema(schema));
    }
  });

  it('is deterministic', () => {
    expect(JSON.stringify(eventSchemas())).toBe(JSON.stringify(eventSchemas()));
  });

  it('describes the full envelope with source and detail-type as constants', () => {
    for (const def of catalog) {
      const s = eventSchemas()[schemaFileName(def)] as JsonSchema;
      expect(s.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(s.$id).toMatch(/^urn:ringdesk:events:/);
      expect(s.title).toBe(def.detailType);
      expect(s.properties?.['source']?.const).toBe(def.source);
      expect(s.properties?.['detail-type']?.const).toBe(def.detailType);
      expect(s.required).toEqual(expect.arrayContaining(['source', 'detail-type', 'detail', 'time', 'id']));
    }
  });
});

describe('catalog', () => {
  it('has a unique (source, detail-type) per entry and schemaVersion 1 everywhere', () => {
    const keys = catalog.map((d) => `${d.source}\n${d.detailType}`);
    expect(new Set(keys).size).toBe(keys.length);
    for (const def of catalog) expect(schemaVersionOf(def), `${def.detailType}`).toBe(1);
    expect(new Set(catalog.map(schemaFileName)).size).toBe(catalog.length);
  });
});

// ---- real-shaped events: an inbound call rung at two agents, answered by one, then its ticket ----

const TENANT = 'demo';
const ctx: ReduceContext = {
  tenantId: TENANT,
  country: 'RU',
  matchEmployee: buildEmployeeMatcher(
    [
      { id: 'anna', extension: '101', sipAccounts: ['sip:101@pbx.example.ru'], phones: [], email: 'anna@example.com', fullName: 'Anna Petrova' },
      { id: 'boris', extension: '102', sipAccounts: [], phones: ['+79161112233'], fullName: 'Boris Ivanov' },
    ],
    'RU',
  ),
};
const T0 = Date.parse('2025-03-01T10:00:00.000Z');
const at = (s: number) => new Date(T0 + s * 1000).toISOString();
const ev = (key: string, type: CanonicalEvent['type'], s: number, extra: Partial<CanonicalEvent> = {}): CanonicalEvent => ({
  key,
  provider: 'ringdesk',
  providerCallId: 'pbx-7f3a2c',
  providerEventType: type,
  type,
  occurredAt: at(s),
  occurredAtSource: 'provider',
  direction: 'inbound',
  from: '8 (916) 123-45-67',
  to: '+74951234567',
  queue: 'support',
  ...extra,
});
const callId = callIdFor('ringdesk', 'pbx-7f3a2c');
const history = [
  ev('e1', 'created', 0),
  ev('e2', 'offered', 1, { agents: [{ extension: '101' }, { name: 'Boris Ivanov' }] }),
  ev('e3', 'answered', 12, { agent: { extension: '101', sip: 'sip:101@pbx.example.ru' } }),
  ev('e4', 'ended', 95, { endReason: 'caller_hangup', rawReason: 'NORMAL_CLEARING' }),
  ev('e5', 'recording_available', 110, { recording: { id: 'rec-1', url: 'https://rec.example.ru/pbx-7f3a2c.mp3' } }),
];
const ringingCall = reduceCall(history.slice(0, 2), ctx, callId);
const endedCall = reduceCall(history, ctx, callId);

function ticketFor(): Ticket {
  const decision = decideCallTicket(endedCall, 'en');
  if (decision.kind !== 'answered') throw new Error(`expected an answered-call ticket, got ${decision.kind}`);
  return {
    id: '01JNDQ7Y0X5K2M3N4P5Q6R7S8T',
    tenantId: TENANT,
    channel: 'calls',
    subject: decision.subject,
    status: decision.status,
    missed: false,
    missedState: null,
    callbackAttempts: 0,
    firstCallbackAt: null,
    timeToCallbackSeconds: null,
    assigneeId: decision.assigneeId,
    customerId: null,
    customerNumber: endedCall.customerNumber,
    callIds: [endedCall.id],
    messages: [callMessage(endedCall, '01JNDQ7Y0Z9A8B7C6D5E4F3G2H')],
    createdAt: at(96),
    updatedAt: at(96),
  };
}

const samples: { def: EventDefinition<z.ZodType>; detail: unknown }[] = [
  {
    def: callEvents.ringing,
    detail: { schemaVersion: 1, tenantId: TENANT, revision: 2, call: ringingCall, newlyOffered: callTransitions(null, ringingCall).ringing },
  },
  { def: callEvents.ended, detail: { schemaVersion: 1, tenantId: TENANT, revision: 5, call: endedCall } },
  { def: ticketEvents.created, detail: { schemaVersion: 1, tenantId: TENANT, ticket: ticketFor(), callId: endedCall.id } },
];

/** What EventBridge delivers for a detail published the way the publisher does (parse, then JSON). */
function envelope(def: EventDefinition<z.ZodType>, detail: unknown) {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': def.detailType,
    source: def.source,
    account: '123456789012',
    time: at(96).replace('.000Z', 'Z'),
    region: 'eu-central-1',
    resources: [],
    detail: JSON.parse(JSON.stringify(def.schema.parse(detail))) as unknown,
  };
}

describe('real-shaped events', () => {
  it('the samples are what they claim to be', () => {
    expect(ringingCall.status).toBe('ringing');
    expect(ringingCall.offeredTo).toEqual(['anna', 'boris']);
    expect(endedCall).toMatchObject({ status: 'ended', outcome: 'answered', answeredBy: 'anna', customerNumber: '+79161234567' });
  });

  it.each(samples.map((s) => [s.def.detailType, s] as const))('%s parses with the zod schema and validates against the JSON Schema', (_, { def, detail }) => {
    expect(() => def.schema.parse(detail)).not.toThrow();
    const schema = eventSchemas()[schemaFileName(def)] as JsonSchema;
    expect(validate(schema, envelope(def, detail))).toEqual([]);
  });

  it('the JSON Schema check is not vacuous', () => {
    const { def, detail } = samples[1]!;
    const schema = eventSchemas()[schemaFileName(def)] as JsonSchema;
    const good = envelope(def, detail);
    const { revision: _revision, ...noRevision } = good.detail as Record<string, unknown>;
    expect(validate(schema, { ...good, detail: noRevision })).toContain('/detail: missing required "revision"');
    expect(validate(schema, { ...good, source: 'ringdesk.tickets' })).toHaveLength(1);
    const badOutcome = { ...good, detail: { ...(good.detail as object), call: { ...endedCall, outcome: 'hung_up' } } };
    expect(validate(schema, badOutcome)).toEqual(['/detail/call/outcome: matches no anyOf branch']);
    const badLegs = { ...good, detail: { ...(good.detail as object), call: { ...endedCall, legs: [{ ...endedCall.legs[0], talkSeconds: '83' }] } } };
    expect(validate(schema, badLegs)).toEqual(['/detail/call/legs/0/talkSeconds: expected number, got string']);
  });

  it('the checker understands every keyword the generated schemas use', () => {
    const used = new Set<string>();
    const walk = (s: JsonSchema) => {
      for (const k of Object.keys(s)) used.add(k);
      for (const p of Object.values(s.properties ?? {})) walk(p);
      if (s.items) walk(s.items);
      for (const b of s.anyOf ?? []) walk(b);
    };
    for (const s of Object.values(eventSchemas())) walk(s as JsonSchema);
    expect([...used].filter((k) => !KNOWN_KEYWORDS.has(k))).toEqual([]);
  });
});

// ---- a tiny JSON Schema checker: only the keywords zod emits for the catalog ----

interface JsonSchema {
  $schema?: string;
  $id?: string;
  title?: string;
  description?: string;
  type?: string | string[];
  const?: unknown;
  enum?: unknown[];
  format?: string;
  minimum?: number;
  maximum?: number;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean;
  items?: JsonSchema;
  anyOf?: JsonSchema[];
}

const KNOWN_KEYWORDS = new Set([
  '$schema', '$id', 'title', 'description', 'type', 'const', 'enum', 'format',
  'minimum', 'maximum', 'properties', 'required', 'additionalProperties', 'items', 'anyOf',
]);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function validate(s: JsonSchema, v: unknown, path = ''): string[] {
  const at = path || '/';
  const t = typeOf(v);
  if (s.type !== undefined) {
    const types = Array.isArray(s.type) ? s.type : [s.type];
    if (!types.some((x) => x === t || (x === 'number' && t === 'integer'))) return [`${at}: expected ${types.join('|')}, got ${t}`];
  }
  const errors: string[] = [];
  if ('const' in s && v !== s.const) errors.push(`${at}: expected ${JSON.stringify(s.const)}`);
  if (s.enum && !s.enum.includes(v)) errors.push(`${at}: ${JSON.stringify(v)} not in enum`);
  if (typeof v === 'number') {
    if (s.minimum !== undefined && v < s.minimum) errors.push(`${at}: below minimum`);
    if (s.maximum !== undefined && v > s.maximum) errors.push(`${at}: above maximum`);
  }
  if (s.format === 'date-time' && typeof v === 'string' && Number.isNaN(Date.parse(v))) errors.push(`${at}: not a date-time`);
  if (s.anyOf && !s.anyOf.some((b) => validate(b, v, path).length === 0)) errors.push(`${at}: matches no anyOf branch`);
  if (t === 'object') {
    const o = v as Record<string, unknown>;
    for (const k of s.required ?? []) if (!(k in o)) errors.push(`${at}: missing required "${k}"`);
    for (const [k, val] of Object.entries(o)) {
      const sub = s.properties?.[k];
      if (sub) errors.push(...validate(sub, val, `${path}/${k}`));
      else if (s.additionalProperties === false) errors.push(`${at}: unexpected property "${k}"`);
    }
  }
  if (t === 'array' && s.items) {
    const items = s.items;
    (v as unknown[]).forEach((x, i) => {
      errors.push(...validate(items, x, `${path}/${i}`));
    });
  }
  return errors;
}
