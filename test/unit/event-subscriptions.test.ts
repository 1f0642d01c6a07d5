// One list per consumer (shared/events/subscriptions.ts): the rule pattern built from it matches exactly
// its events, and each consumer function hands its own list to eventHandler. The CDK side (the
// synthesized rule of every consumer is patternFor of its list) is checked in test/cdk/stack.test.ts.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { callEvents, catalog, ticketEvents } from '#shared/events/catalog.ts';
import { consumers, patternFor } from '#shared/events/subscriptions.ts';
import { repoRoot } from '../../lib/app-function.ts';

const functionsDir = path.join(repoRoot, 'functions');
const functionFiles = readdirSync(functionsDir).filter((f) => f.endsWith('.ts'));

describe('patternFor', () => {
  it('lists the sources once, in order, and every detail-type', () => {
    expect(patternFor([callEvents.ringing, callEvents.ended, ticketEvents.created])).toEqual({
      source: ['ringdesk.calls', 'ringdesk.tickets'],
      detailType: ['Call Ringing', 'Call Ended', 'Ticket Created'],
    });
  });

  it('refuses an empty list (a rule without detail-types would match every event)', () => {
    expect(() => patternFor([])).toThrow(/at least one/);
  });

  it.each(Object.entries(consumers))('%s: its pattern matches exactly its catalog entries, no more', (_, defs) => {
    const { source, detailType } = patternFor(defs);
    const matched = catalog.filter((d) => source.includes(d.source) && detailType.includes(d.detailType));
    expect(matched).toEqual(catalog.filter((d) => (defs as readonly unknown[]).includes(d)));
  });
});

describe('consumer functions', () => {
  it('every consumer in the list is a function under functions/', () => {
    for (const name of Object.keys(consumers)) expect(functionFiles, name).toContain(`${name}.ts`);
  });

  it('every function that consumes events passes its own list to eventHandler', () => {
    const users = functionFiles.filter((f) => readFileSync(path.join(functionsDir, f), 'utf8').includes('eventHandler('));
    expect(users.map((f) => f.replace(/\.ts$/, '')).sort()).toEqual(Object.keys(consumers).sort());
    for (const file of users) {
      const name = file.replace(/\.ts$/, '');
      const calls = [...readFileSync(path.join(functionsDir, file), 'utf8').matchAll(/eventHandler\(([^,]+),/g)].map((m) => m[1]);
      expect(calls, file).toEqual([`consumers['${name}']`]);
    }
  });
});
