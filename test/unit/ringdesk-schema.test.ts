// The published JSON Schema of the ringdesk canonical webhook is generated from the zod schema.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RINGDESK_SCHEMA_FILE, renderRingdeskSchema, ringdeskJsonSchema } from '../../scripts/generate-ringdesk-schema.ts';

const REGENERATE = 'docs/providers/ringdesk.schema.json is out of date: run `npx tsx scripts/generate-ringdesk-schema.ts`';

interface Node { type?: string; properties?: Record<string, Node>; required?: string[]; enum?: string[]; anyOf?: Node[]; items?: Node; additionalProperties?: unknown }

describe('ringdesk webhook JSON Schema', () => {
  it('docs/providers/ringdesk.schema.json is up to date', () => {
    expect(readFileSync(RINGDESK_SCHEMA_FILE, 'utf8'), REGENERATE).toBe(renderRingdeskSchema());
  });

  it('is deterministic draft 2020-12 with a stable id', () => {
    expect(renderRingdeskSchema()).toBe(renderRingdeskSchema());
    expect(ringdeskJsonSchema()).toMatchObject({ $schema: 'https://json-schema.org/draft/2020-12/schema', $id: 'urn:ringdesk:providers:ringdesk-webhook' });
  });

  it('describes one event or a batch of events, open to unknown fields (input side)', () => {
    const [event, batch] = (ringdeskJsonSchema() as Node).anyOf ?? [];
    expect(event?.required).toEqual(['callId', 'event']);
    expect(event?.properties?.['event']?.enum).toEqual(['created', 'offered', 'answered', 'ended', 'recording_available']);
    expect(batch?.required).toEqual(['events']);
    expect(batch?.properties?.['events']?.items).toEqual(event);
    expect(renderRingdeskSchema()).not.toContain('"additionalProperties": false');
  });
});
