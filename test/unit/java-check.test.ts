// checkJava: DynamoDB Local needs Java ≥ 17, and the error says how to install it.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkJava, JavaMissingError } from '../../local/dynamodb-local.ts';

const realPath = process.env['PATH'];
const dirs: string[] = [];

function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'ringdesk-java-'));
  dirs.push(d);
  return d;
}

/** A directory holding a fake `java` that prints `versionLine` to stderr, as the real one does. */
function fakeJava(versionLine: string, exitCode = 0): string {
  const d = tempDir();
  const file = join(d, 'java');
  writeFileSync(file, `#!/bin/sh\necho '${versionLine}' >&2\nexit ${exitCode}\n`);
  chmodSync(file, 0o755);
  return d;
}

afterEach(() => {
  process.env['PATH'] = realPath;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function thrown(): unknown {
  try {
    checkJava();
  } catch (err) {
    return err;
  }
  return null;
}

describe('checkJava', () => {
  it('throws JavaMissingError naming openjdk-17-jre-headless when PATH has no java', () => {
    process.env['PATH'] = tempDir();
    const err = thrown();
    expect(err).toBeInstanceOf(JavaMissingError);
    expect((err as Error).message).toMatch(/`java` was not found/);
    expect((err as Error).message).toContain('openjdk-17-jre-headless');
    expect((err as Error).message).toContain('brew install openjdk@17');
  });

  it('does not throw with the real PATH when java works; throws the same error when it is absent', () => {
    process.env['PATH'] = realPath;
    const probe = spawnSync('java', ['-version'], { encoding: 'utf8' });
    const m = /version "(\d+)(?:\.(\d+))?/.exec(`${probe.stderr ?? ''}${probe.stdout ?? ''}`);
    const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : 0;
    if (!probe.error && probe.status === 0 && major >= 17) {
      expect(() => checkJava()).not.toThrow();
    } else {
      const err = thrown();
      expect(err).toBeInstanceOf(JavaMissingError);
      expect((err as Error).message).toContain('openjdk-17-jre-headless');
    }
  });

  it('refuses Java 8 (1.8 version scheme) and Java 11 with the version found', () => {
    process.env['PATH'] = fakeJava('java version "1.8.0_292"');
    const old = thrown();
    expect(old).toBeInstanceOf(JavaMissingError);
    expect((old as Error).message).toMatch(/Java 17 or newer; found 8\./);
    expect((old as Error).message).toContain('openjdk-17-jre-headless');

    process.env['PATH'] = fakeJava('openjdk version "11.0.2" 2019-01-15');
    expect((thrown() as Error).message).toMatch(/found 11\./);
  });

  it('accepts Java 17 and 21; a java that fails counts as missing', () => {
    process.env['PATH'] = fakeJava('openjdk version "17.0.15" 2025-04-15');
    expect(() => checkJava()).not.toThrow();
    process.env['PATH'] = fakeJava('openjdk version "21" 2023-09-19');
    expect(() => checkJava()).not.toThrow();
    process.env['PATH'] = fakeJava('Error: could not find libjava.so', 1);
    expect(thrown()).toBeInstanceOf(JavaMissingError);
  });
});
