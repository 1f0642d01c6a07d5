// The published JSON Schema of trigger rules is generated from the zod schema (R2).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULES_SCHEMA_FILE, renderRulesSchema, rulesJsonSchema } from '../../scripts/generate-rules-schema.ts';

describe('trigger rule JSON Schema', () => {
  it('R2: docs/rules.schema.json is up to date', () => {
    expect(readFileSync(RULES_SCHEMA_FILE, 'utf8'), 'docs/rules.schema.json is out of date: run `npx tsx scripts/generate-rules-schema.ts`').toBe(renderRulesSchema());
  });

  it('R1: lists the six rule events and a recursive Condition', () => {
    const s = rulesJsonSchema() as { $id: string; properties: { event: { enum: string[] } }; $defs: Record<string, unknown> };
    expect(s.$id).toBe('urn:ringdesk:rules:rule');
    expect(s.properties.event.enum).toEqual(['new_call', 'missed_call', 'call_answered', 'call_ended', 'ticket_created', 'ticket_status_changed']);
    expect(Object.keys(s.$defs)).toContain('Condition');
  });
});
