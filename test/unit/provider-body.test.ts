// parseBody: the one place request bodies become data, before any adapter reads a field.
import { describe, expect, it } from 'vitest';
import { parseBody, WebhookError, type WebhookRequest } from '#shared/providers/provider.ts';

function req(body: string, contentType: string): WebhookRequest {
  return { method: 'POST', headers: { 'content-type': contentType }, query: {}, subpath: '', rawBody: Buffer.from(body), receivedAt: '2026-11-21T10:00:00.000Z', publicUrl: 'https://x/webhooks/demo/p' };
}

describe('parseBody', () => {
  it('I2: form keys named like Object internals stay plain fields and never touch prototypes', () => {
    const parsed = parseBody(req('__proto__[]=x&constructor=y&toString=z&a=1', 'application/x-www-form-urlencoded')) as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBeNull();
    expect(Object.getOwnPropertyDescriptor(parsed, '__proto__')?.value).toEqual(['x']);
    expect(parsed['constructor']).toBe('y');
    expect(parsed['a']).toBe('1');
    expect(({} as Record<string, unknown>)['x']).toBeUndefined();
    expect(Object.prototype.toString.call({})).toBe('[object Object]');
  });

  it('I2: repeated and bracketed keys become arrays', () => {
    expect({ ...(parseBody(req('user[]=A&user[]=B&x=1&x=2', 'application/x-www-form-urlencoded')) as object) }).toEqual({ user: ['A', 'B'], x: ['1', '2'] });
  });

  it('I2: malformed JSON, empty bodies and unknown media types are 4xx', () => {
    const status = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e instanceof WebhookError ? e.statusCode : 500;
      }
      return 200;
    };
    expect(status(() => parseBody(req('{"a":', 'application/json')))).toBe(400);
    expect(status(() => parseBody(req('   ', 'application/json')))).toBe(400);
    expect(status(() => parseBody(req('<x/>', 'application/xml')))).toBe(415);
    expect(status(() => parseBody(req('a='.padEnd(300_000, 'x'), 'application/x-www-form-urlencoded')))).toBe(413);
  });
});
