// Functions' log lines: every line a sandbox writes comes out whole, labeled with the function's
// short name and, during an invocation, its request id; sandboxes running side by side never
// interleave mid-line.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalFunction, MAX_RESPONSE_BYTES } from '../../local/lambda-pool.ts';
import { labelLine, pipeLines } from '../../local/log-lines.ts';

const dir = mkdtempSync(join(tmpdir(), 'ringdesk-logs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

describe('labelLine / pipeLines', () => {
  it('labels lines with the function and, when the worker tagged it, the request id', () => {
    expect(labelLine('get-call', '3f2a1b2c-0000-4000-8000-000000000001 {"level":"INFO"}')).toBe('[get-call 3f2a1b2c-0000-4000-8000-000000000001] {"level":"INFO"}');
    expect(labelLine('get-call', 'cold start')).toBe('[get-call] cold start');
  });

  it('writes whole lines only, however the chunks of two streams arrive', async () => {
    const a = new PassThrough();
    const b = new PassThrough();
    const out: string[] = [];
    pipeLines(a, 'a', (l) => out.push(l));
    pipeLines(b, 'b', (l) => out.push(l));
    for (const [s, chunk] of [[a, 'one, '], [b, 'uno, '], [a, 'two\nthree'], [b, 'dos\n'], [a, '\n'], [b, 'tres']] as const) {
      s.write(chunk);
      await new Promise((r) => setImmediate(r));
    }
    a.end();
    b.end();
    await new Promise((r) => setImmediate(r));
    expect(out).toEqual(['[a] one, two\n', '[b] uno, dos\n', '[a] three\n', '[b] tres\n']);
  });
});

describe('LocalFunction logs', () => {
  it('tags each invocation’s lines with its request id and never interleaves two sandboxes mid-line', async () => {
    const bundle = join(dir, 'index.mjs');
    writeFileSync(
      bundle,
      [
        "console.log('init');",
        'export const handler = async (e) => {',
        // biome-ignore-start lint/suspicious/noTemplateCurlyInString: the handler's source, its template literals written out
        '  process.stdout.write(`${e.n}:part1 `);',
        '  await new Promise((r) => setTimeout(r, 30));',
        '  process.stdout.write(`${e.n}:part2\\n${e.n}:second\\n`);',
        "  console.log(JSON.stringify({ level: 'INFO', n: e.n }));",
        '  console.error(`${e.n}:to stderr`);',
        // biome-ignore-end lint/suspicious/noTemplateCurlyInString: end of the source above
        "  if (e.fail) throw new Error('boom');",
        '  return { n: e.n };',
        '};',
      ].join('\n'),
    );
    const stdout: string[] = [];
    const stderr: string[] = [];
    const fn = new LocalFunction(
      { logicalId: 'LogsFnABC123', shortName: 'logs-fn', functionName: 'T-logs', bundlePath: bundle, exportName: 'handler', timeoutSeconds: 5, memoryMb: 128, environment: {} },
      { PATH: process.env['PATH'] ?? '' },
      { region: 'us-east-1', accountId: '000000000000', maxConcurrency: 2, output: { stdout: (l) => stdout.push(l), stderr: (l) => stderr.push(l) } },
    );
    try {
      const results = await Promise.allSettled([fn.invoke({ n: 'A' }), fn.invoke({ n: 'B', fail: true })]);
      expect(results[0]).toEqual({ status: 'fulfilled', value: { n: 'A' } });
      expect(results[1]).toMatchObject({ status: 'rejected', reason: { message: 'boom' } });
      // Handler time, as Lambda bills it: both invocations (the failed one too) waited 30 ms; init is not in it.
      expect(fn.stats.durationMs).toBeGreaterThanOrEqual(55);
      expect(fn.stats.durationMs).toBeLessThan(5000);
      // A worker's output reaches the main thread asynchronously (after the result message, maybe).
      const deadline = Date.now() + 5000;
      while (stdout.filter((l) => /:second\n$/.test(l)).length < 2 || stdout.filter((l) => l.includes('"level":"INFO"')).length < 2 || stderr.length < 3) {
        if (Date.now() > deadline) throw new Error(`log lines missing: ${JSON.stringify({ stdout, stderr })}`);
        await new Promise((r) => setTimeout(r, 10));
      }

      for (const line of [...stdout, ...stderr]) expect(line).toMatch(new RegExp(`^\\[logs-fn( ${UUID})?\\] [^\\n]*\\n$`));
      expect(stdout.filter((l) => l === '[logs-fn] init\n')).toHaveLength(2); // one per sandbox, outside any invocation
      const idOf = (text: string, lines: string[]) => {
        const line = lines.find((l) => l.endsWith(` ${text}\n`));
        expect(line, `a line "${text}"`).toBeDefined();
        return new RegExp(`^\\[logs-fn (${UUID})\\]`).exec(line!)?.[1];
      };
      for (const n of ['A', 'B']) {
        const id = idOf(`${n}:part1 ${n}:part2`, stdout); // written in two pieces, 30 ms apart: still one line
        expect(id).toBeDefined();
        expect(idOf(`${n}:second`, stdout)).toBe(id);
        expect(idOf(JSON.stringify({ level: 'INFO', n }), stdout)).toBe(id);
        expect(idOf(`${n}:to stderr`, stderr)).toBe(id);
      }
      expect(idOf('A:second', stdout)).not.toBe(idOf('B:second', stdout));
      const invokeError = stderr.find((l) => l.includes('ERROR Invoke Error'));
      expect(invokeError).toMatch(new RegExp(`^\\[logs-fn ${idOf('B:second', stdout)}\\] ERROR Invoke Error \\{"errorType":"Error","errorMessage":"boom"`));
    } finally {
      await fn.close();
    }
  });
});

describe('LocalFunction response size', () => {
  it('fails a buffered result over 6 MB like Lambda (Function.ResponseSizeTooLarge), and returns one just under it', async () => {
    const bundle = join(dir, 'size.mjs');
    writeFileSync(bundle, "export const handler = async (e) => ({ statusCode: 200, body: 'x'.repeat(e.bytes) });\n");
    const fn = new LocalFunction(
      { logicalId: 'SizeFnABC123', shortName: 'size-fn', functionName: 'T-size', bundlePath: bundle, exportName: 'handler', timeoutSeconds: 5, memoryMb: 128, environment: {} },
      { PATH: process.env['PATH'] ?? '' },
      { region: 'us-east-1', accountId: '000000000000', maxConcurrency: 1, output: { stdout: () => undefined, stderr: () => undefined } },
    );
    try {
      const envelope = Buffer.byteLength(JSON.stringify({ statusCode: 200, body: '' }));
      await expect(fn.invoke({ bytes: MAX_RESPONSE_BYTES - envelope })).resolves.toMatchObject({ statusCode: 200 });
      await expect(fn.invoke({ bytes: MAX_RESPONSE_BYTES - envelope + 1 })).rejects.toMatchObject({ errorType: 'Function.ResponseSizeTooLarge' });
    } finally {
      await fn.close();
    }
  });
});
