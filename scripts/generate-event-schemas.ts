// Generates the public JSON Schemas of the event contract from the catalog (shared/events/catalog.ts):
// one file per detail-type and schema version, `docs/events/schemas/{source}.{detail-type}.v{n}.json`.
// Run `npm run schemas` after any catalog change; test/unit/event-schemas.test.ts fails until you do.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import { catalog, type EventDefinition } from '#shared/events/catalog.ts';

export const SCHEMA_DIR = fileURLToPath(new URL('../docs/events/schemas/', import.meta.url));

const DRAFT = 'https://json-schema.org/draft/2020-12/schema';

/** `Call Ringing` → `call-ringing`. */
export function kebab(detailType: string): string {
  return detailType
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '');
}

/** The `schemaVersion` literal of a catalog entry's detail schema. */
export function schemaVersionOf(def: EventDefinition<z.ZodType>): number {
  const field = def.schema instanceof z.ZodObject ? def.schema.shape['schemaVersion'] : undefined;
  if (!(field instanceof z.ZodLiteral) || field.values.size !== 1 || typeof field.value !== 'number') {
    throw new Error(`${def.source} / ${def.detailType}: detail needs a single numeric schemaVersion literal`);
  }
  return field.value;
}

export function schemaFileName(def: EventDefinition<z.ZodType>): string {
  return `${def.source}.${kebab(def.detailType)}.v${schemaVersionOf(def)}.json`;
}

/** Schema of `detail`. `io: 'input'` keeps objects open (no `additionalProperties: false`): consumers must
 *  ignore fields they do not know, which is what lets additive changes keep the version (docs/events.md). */
function detailSchema(def: EventDefinition<z.ZodType>): Record<string, unknown> {
  const { $schema: _draft, ...rest } = z.toJSONSchema(def.schema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  return rest;
}

function envelopeSchema(def: EventDefinition<z.ZodType>, file: string): Record<string, unknown> {
  const version = schemaVersionOf(def);
  return {
    $schema: DRAFT,
    $id: `urn:ringdesk:events:${file.replace(/\.json$/, '')}`,
    title: def.detailType,
    description:
      `EventBridge event "${def.detailType}" from "${def.source}", detail schemaVersion ${version}. ` +
      'Generated from shared/events/catalog.ts by `npm run schemas`; do not edit.',
    type: 'object',
    properties: {
      version: { type: 'string' },
      id: { type: 'string' },
      'detail-type': { type: 'string', const: def.detailType },
      source: { type: 'string', const: def.source },
      account: { type: 'string' },
      time: { type: 'string', format: 'date-time' },
      region: { type: 'string' },
      resources: { type: 'array', items: { type: 'string' } },
      detail: detailSchema(def),
    },
    required: ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'resources', 'detail'],
  };
}

// Stable key order: well-known keywords first in a fixed order, then the rest alphabetically. The names
// under `properties` / `$defs` keep their declaration order (the catalog's, itself deterministic).
const KEYWORD_ORDER = [
  '$schema', '$id', '$ref', 'title', 'description', 'type', 'const', 'enum', 'format',
  'minimum', 'maximum', 'properties', 'required', 'additionalProperties', 'items', 'anyOf', 'oneOf', 'allOf', '$defs',
];

function rank(key: string): number {
  const i = KEYWORD_ORDER.indexOf(key);
  return i === -1 ? KEYWORD_ORDER.length : i;
}

function canonical(value: unknown, isNameMap = false): unknown {
  if (Array.isArray(value)) return value.map((v) => canonical(v));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (!isNameMap) entries.sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
  return Object.fromEntries(entries.map(([k, v]) => [k, canonical(v, !isNameMap && (k === 'properties' || k === '$defs'))]));
}

/** File name → JSON Schema of the full EventBridge envelope, for every catalog entry. */
export function eventSchemas(): Record<string, object> {
  const out: Record<string, object> = {};
  for (const def of catalog) {
    const file = schemaFileName(def);
    if (out[file]) throw new Error(`two catalog entries map to ${file}`);
    out[file] = canonical(envelopeSchema(def, file)) as object;
  }
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** The exact bytes written for a schema. */
export function renderSchema(schema: object): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

function main(): void {
  mkdirSync(SCHEMA_DIR, { recursive: true });
  const schemas = eventSchemas();
  // Remove schemas of entries that left the catalog, so the folder is exactly the contract.
  for (const f of readdirSync(SCHEMA_DIR)) if (f.endsWith('.json') && !(f in schemas)) rmSync(join(SCHEMA_DIR, f));
  for (const [file, schema] of Object.entries(schemas)) writeFileSync(join(SCHEMA_DIR, file), renderSchema(schema));
  console.log(`wrote ${Object.keys(schemas).length} schemas to ${SCHEMA_DIR}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main();
