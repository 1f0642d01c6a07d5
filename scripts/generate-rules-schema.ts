// Generates the JSON Schema of a trigger rule (`ruleBodySchema`, shared/domain/rules.ts) into
// docs/rules.schema.json: the body of POST /rules and PUT /rules/{id}. Run
// `npx tsx scripts/generate-rules-schema.ts` after changing the rule schema; test/unit/rules-schema.test.ts
// fails until you do.
import { writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { ruleBodySchema } from '#shared/domain/rules.ts';

export const RULES_SCHEMA_FILE = fileURLToPath(new URL('../docs/rules.schema.json', import.meta.url));

export function rulesJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(ruleBodySchema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  return {
    $schema,
    $id: 'urn:ringdesk:rules:rule',
    title: 'ringdesk trigger rule',
    description:
      'Body of POST /rules and PUT /rules/{id}: event + conditions + actions (docs/triggers-rules.md). ' +
      'Generated from shared/domain/rules.ts by `npx tsx scripts/generate-rules-schema.ts`; do not edit.',
    ...rest,
  };
}

export function renderRulesSchema(): string {
  return `${JSON.stringify(rulesJsonSchema(), null, 2)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  writeFileSync(RULES_SCHEMA_FILE, renderRulesSchema());
  console.log(`wrote ${RULES_SCHEMA_FILE}`);
}
