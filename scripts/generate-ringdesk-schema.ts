// Generates the JSON Schema of our canonical webhook body (`ringdeskWebhookSchema`, shared/providers/ringdesk.ts)
// into docs/providers/ringdesk.schema.json, for PBX glue written in other languages. Run
// `npx tsx scripts/generate-ringdesk-schema.ts` after changing the schema; test/unit/ringdesk-schema.test.ts
// fails until you do.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ringdeskWebhookSchema } from '#shared/providers/ringdesk.ts';

export const RINGDESK_SCHEMA_FILE = fileURLToPath(new URL('../docs/providers/ringdesk.schema.json', import.meta.url));

/** `io: 'input'`: what a sender may post (defaults optional, unknown fields allowed, docs/call-model.md §10.7 item 11). */
export function ringdeskJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(ringdeskWebhookSchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  return {
    $schema,
    $id: 'urn:ringdesk:providers:ringdesk-webhook',
    title: 'ringdesk canonical webhook',
    description:
      'Body of POST /webhooks/{tenant}/ringdesk: one event or {"events": [...]} (docs/providers.md). ' +
      'Generated from shared/providers/ringdesk.ts by `npx tsx scripts/generate-ringdesk-schema.ts`; do not edit.',
    ...rest,
  };
}

/** The exact bytes of the file. */
export function renderRingdeskSchema(): string {
  return `${JSON.stringify(ringdeskJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  mkdirSync(dirname(RINGDESK_SCHEMA_FILE), { recursive: true });
  writeFileSync(RINGDESK_SCHEMA_FILE, renderRingdeskSchema());
  console.log(`wrote ${RINGDESK_SCHEMA_FILE}`);
}
