// The layers do not leak (docs/architecture.md): the domain is pure, and nothing below shared/http
// knows about HTTP. Read from the source files, so a new import that breaks a layer fails here.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every module a source imports or re-exports, statically or dynamically, as written. */
function importsOf(source: string): string[] {
  const specifiers: string[] = [];
  const patterns = [/\b(?:import|export)\s[^;'"]*?\bfrom\s*['"]([^'"]+)['"]/g, /\bimport\s*['"]([^'"]+)['"]/g, /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const m of source.matchAll(pattern)) specifiers.push(m[1]!);
  return specifiers;
}

/** The repository path of an import of the project's own code (`shared/http/errors.ts`), else the package name. */
function target(file: string, specifier: string): string {
  if (specifier.startsWith('#shared/')) return specifier.slice(1);
  if (specifier.startsWith('.')) return relative(root, resolve(root, dirname(file), specifier)).split('\\').join('/');
  return specifier;
}

function violations(dirs: string[], forbidden: (target: string) => boolean): string[] {
  return dirs.flatMap((dir) =>
    sourceFiles(dir).flatMap((file) =>
      importsOf(readFileSync(join(root, file), 'utf8'))
        .filter((s) => forbidden(target(file, s)))
        .map((s) => `${file} imports ${s}`),
    ),
  );
}

describe('layers', () => {
  it('finds static, type-only, re-exported, side-effect and dynamic imports', () => {
    const source = [
      "import { a } from '../http/errors.ts';",
      "import type {\n  B,\n} from '#shared/http/auth.ts';",
      "export { c } from './c.ts';",
      "import 'side-effect';",
      "const { d } = await import('@aws-sdk/lib-dynamodb');",
    ].join('\n');
    expect(importsOf(source)).toEqual(['../http/errors.ts', '#shared/http/auth.ts', './c.ts', 'side-effect', '@aws-sdk/lib-dynamodb']);
    expect(target('shared/services/x.ts', '../http/errors.ts')).toBe('shared/http/errors.ts');
    expect(target('shared/services/x.ts', '#shared/http/auth.ts')).toBe('shared/http/auth.ts');
  });

  it('nothing under shared/adapters, shared/services or shared/domain imports shared/http', () => {
    expect(violations(['shared/adapters', 'shared/services', 'shared/domain'], (t) => t.startsWith('shared/http/'))).toEqual([]);
  });

  it('shared/domain imports no AWS SDK and no adapter or service', () => {
    const outside = (t: string) => t.startsWith('@aws-sdk/') || t === 'aws-lambda' || t.startsWith('shared/adapters/') || t.startsWith('shared/services/');
    expect(violations(['shared/domain'], outside)).toEqual([]);
  });
});
