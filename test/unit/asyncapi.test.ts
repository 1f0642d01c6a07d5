// The AsyncAPI document of the agent WebSocket: docs/asyncapi.json is up to date with the message schemas
// (shared/events/agent-messages.ts), and every message, operation and reference in it is well-formed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { agentMessages, agentRequests } from '#shared/events/agent-messages.ts';
import { ASYNCAPI_FILE, REPLIES, asyncApiDocument, renderAsyncApi } from '../../scripts/generate-asyncapi.ts';

const REGENERATE = 'the agent message schemas and docs/asyncapi.json differ: run `npm run asyncapi` and commit the result';

type Ref = { $ref: string };
type Doc = {
  asyncapi: string;
  channels: Record<string, { address: string; messages: Record<string, Ref>; bindings: { ws: { query: { required: string[] } } } }>;
  operations: Record<string, { action: string; channel: Ref; messages: Ref[]; reply?: { channel: Ref; messages: Ref[] } }>;
  components: { messages: Record<string, { name: string; summary?: string; payload: Record<string, unknown> }> };
};

const doc = asyncApiDocument() as Doc;

/** Follows a local JSON pointer (`#/a/b`) in the document. */
function resolve(ref: string): unknown {
  expect(ref.startsWith('#/'), ref).toBe(true);
  return ref
    .slice(2)
    .split('/')
    .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
}

/** The `type` constants a payload admits (one, or one per branch of a union). */
function typeConstants(payload: Record<string, unknown>): unknown[] {
  const branches = (payload['oneOf'] ?? payload['anyOf'] ?? [payload]) as { properties?: { type?: { const?: unknown } } }[];
  return [...new Set(branches.map((b) => b.properties?.type?.const))];
}

describe('docs/asyncapi.json', () => {
  it('is exactly what the message schemas generate', () => {
    expect(readFileSync(ASYNCAPI_FILE, 'utf8'), REGENERATE).toBe(renderAsyncApi());
  });

  it('is deterministic', () => {
    expect(renderAsyncApi()).toBe(renderAsyncApi());
  });
});

describe('the document', () => {
  it('is AsyncAPI 3.0 with the one agent channel /live, authenticated by a token query parameter', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    expect(Object.values(doc.channels).map((c) => c.address)).toEqual(['/live']);
    expect(doc.channels['live']!.bindings.ws.query.required).toEqual(['token']);
  });

  it('has a described message per agent message and per client request, names unique', () => {
    const names = [...Object.keys(agentMessages), ...Object.keys(agentRequests)];
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(doc.components.messages)).toEqual(names);
    for (const name of names) expect(doc.components.messages[name]!.summary, name).toMatch(/\w/);
  });

  it('each agent message payload is the JSON Schema of its type', () => {
    for (const name of Object.keys(agentMessages)) expect(typeConstants(doc.components.messages[name]!.payload), name).toEqual([name]);
  });

  it('pushes every message but the replies, receives the requests and replies pong or error', () => {
    const send = Object.values(doc.operations).filter((o) => o.action === 'send');
    const receive = Object.values(doc.operations).filter((o) => o.action === 'receive');
    expect(send).toHaveLength(1);
    expect(receive).toHaveLength(1);
    const names = (refs: Ref[]) => refs.map((r) => r.$ref.split('/').pop());
    expect(names(send[0]!.messages)).toEqual(Object.keys(agentMessages).filter((n) => !(REPLIES as readonly string[]).includes(n)));
    expect(names(receive[0]!.messages)).toEqual(Object.keys(agentRequests));
    expect(names(receive[0]!.reply!.messages)).toEqual([...REPLIES]);
  });

  it('every $ref points at something in the document, operations at channel messages', () => {
    const refs = [...renderAsyncApi().matchAll(/"\$ref": "([^"]+)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) expect(resolve(ref), ref).toBeDefined();
    for (const op of Object.values(doc.operations)) {
      for (const m of [...op.messages, ...(op.reply?.messages ?? [])]) expect(m.$ref.startsWith(`${op.channel.$ref}/messages/`), m.$ref).toBe(true);
    }
  });
});
