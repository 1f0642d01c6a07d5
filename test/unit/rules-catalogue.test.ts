// docs/rules.md, the in-repo list of product rule ids, against the tests that name them in their titles.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../..');
const testDir = join(root, 'test');
const STATUSES = ['yes', 'partly', 'not yet'] as const;

interface Row {
  id: string;
  status: string;
  implementedIn: string[];
  tests: string[];
}

/** Backticked names in a table cell that are paths (they contain a slash). */
const pathsIn = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]!).filter((p) => p.includes('/'));

function catalogue(): Row[] {
  const rows: Row[] = [];
  for (const line of readFileSync(join(root, 'docs/rules.md'), 'utf8').split('\n')) {
    const cells = line.split('|').map((c) => c.trim());
    // | id | rule | status | implemented in | tests |
    if (cells.length !== 7 || !/^[A-Z]\d+$/.test(cells[1]!)) continue;
    const [, id, , status, implementedIn, tests] = cells as [string, string, string, string, string, string];
    rows.push({ id, status, implementedIn: pathsIn(implementedIn), tests: [...tests.matchAll(/`([^`]+)`/g)].map((m) => m[1]!) });
  }
  return rows;
}

function testSources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'fixtures' ? [] : testSources(path);
    return /\.tsx?$/.test(e.name) ? [path] : [];
  });
}

/** The index just past the bracketed group that opens at `start`, skipping string literals. */
function skipGroup(src: string, start: number): number {
  let depth = 0;
  for (let i = start; i < src.length; i++) {
    const c = src[i]!;
    if (c === "'" || c === '"' || c === '`') i = skipString(src, i) - 1;
    else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') if (--depth === 0) return i + 1;
  }
  return src.length;
}

function skipString(src: string, start: number): number {
  const quote = src[start];
  for (let i = start + 1; i < src.length; i++) {
    if (src[i] === '\\') i++;
    else if (src[i] === quote) return i + 1;
  }
  return src.length;
}

/** The titles of `it`, `test` and `describe` blocks (also `.each(…)(…)`, `.skip`, …) in a test source. */
function titlesIn(src: string): string[] {
  const titles: string[] = [];
  for (const m of src.matchAll(/(?<![.\w$])(?:it|test|describe)((?:\.\w+)*)\s*/g)) {
    let i = m.index + m[0].length;
    if (m[1]!.endsWith('.each') && src[i] === '(') i = skipGroup(src, i);
    if (src[i] !== '(') continue;
    i++;
    while (/\s/.test(src[i] ?? '')) i++;
    const quote = src[i];
    if (quote !== "'" && quote !== '"' && quote !== '`') continue;
    titles.push(src.slice(i + 1, skipString(src, i) - 1));
  }
  return titles;
}

/** Rule ids a title names: `M2`, and `M4` for a sub-case `M4a`. */
const idsIn = (title: string) => [...title.matchAll(/\b([INTMRELOCS]\d+)[a-z]?\b/g)].map((m) => m[1]!);

/** Test file (relative to test/) → rule ids its titles name. */
function namedByTests(): Map<string, Set<string>> {
  const named = new Map<string, Set<string>>();
  for (const file of testSources(testDir)) {
    if (file === import.meta.filename) continue; // its scanner samples name no rule
    const ids = new Set(titlesIn(readFileSync(file, 'utf8')).flatMap(idsIn));
    if (ids.size > 0) named.set(relative(testDir, file).split('\\').join('/'), ids);
  }
  return named;
}

describe('the test title scanner', () => {
  it('reads plain, template, each and nested titles, and nothing else', () => {
    const src = [
      "describe('M4 status', () => {",
      "  it('M4a: closes', () => {});",
      '  it(`C4: at phone width fits`, () => {});',
      "  it.each([['a', f('(')], ['b']])('%s: I2 refuses', () => {});",
      "  test.concurrent(\"T1: it's pending\", () => {});",
      "  fit('S9: not a title');",
      '});',
    ].join('\n');
    expect(titlesIn(src)).toEqual(['M4 status', 'M4a: closes', 'C4: at phone width fits', '%s: I2 refuses', "T1: it's pending"]);
    expect(titlesIn(src).flatMap(idsIn)).toEqual(['M4', 'M4', 'C4', 'I2', 'T1']);
    expect(idsIn('E.164 numbers and M10 and XM1 and M4f')).toEqual(['M10', 'M4']);
  });
});

describe('docs/rules.md', () => {
  const rows = catalogue();
  const named = namedByTests();
  const namedIds = new Set([...named.values()].flatMap((s) => [...s]));

  it('lists every rule area with unique ids and a known status', () => {
    const ids = rows.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => id[0]))).toEqual(new Set('INTMRELOCS'));
    for (const r of rows) expect(STATUSES, r.id).toContain(r.status);
  });

  it('every rule built (yes or partly) is named by a test, and a rule a test names is not "not yet"', () => {
    for (const r of rows) expect(namedIds.has(r.id), `${r.id} (${r.status})`).toBe(r.status !== 'not yet');
  });

  it('every id a test names is listed', () => {
    const listed = new Set(rows.map((r) => r.id));
    const unlisted = [...named].flatMap(([file, ids]) => [...ids].filter((id) => !listed.has(id)).map((id) => `${id} in ${file}`));
    expect(unlisted).toEqual([]);
  });

  it('every test file listed next to a rule names it in a title', () => {
    const wrong = rows.flatMap((r) => r.tests.filter((f) => !named.get(f)?.has(r.id)).map((f) => `${r.id}: ${f}`));
    expect(wrong).toEqual([]);
  });

  it('every path a rule is implemented in exists', () => {
    const missing = rows.flatMap((r) => r.implementedIn.filter((p) => !existsSync(join(root, p))).map((p) => `${r.id}: ${p}`));
    expect(missing).toEqual([]);
  });
});
