// The one retry helper: exponential backoff with full jitter, attempts bounded, only chosen errors retried.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, retry, tryAgain } from '#shared/adapters/retry.ts';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('backoffDelay', () => {
  it('draws each pause uniformly below a bound that doubles from baseMs up to capMs', () => {
    const policy = { baseMs: 20, capMs: 100 };
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, policy, () => 0.999999))).toEqual([20, 40, 80, 100, 100].map((b) => b * 0.999999));
    expect(backoffDelay(3, policy, () => 0)).toBe(0);
    expect(backoffDelay(2, policy, () => 0.5)).toBe(20);
  });
});

describe('retry', () => {
  it('returns the first result without pausing', async () => {
    const timeout = vi.spyOn(globalThis, 'setTimeout');
    await expect(retry({ attempts: 3, baseMs: 1000, capMs: 1000 }, async (n) => `attempt ${n}`)).resolves.toBe('attempt 0');
    expect(timeout).not.toHaveBeenCalled();
  });

  it('runs again after a jittered pause while the attempt answers tryAgain', async () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const started: number[] = [];
    const done = retry({ attempts: 5, baseMs: 100, capMs: 1000 }, async (n) => {
      started.push(Date.now());
      return n < 3 ? tryAgain : 'saved';
    });
    await vi.runAllTimersAsync();
    await expect(done).resolves.toBe('saved');
    // Pauses of 0.5 × 100, 200, 400 ms.
    expect(started.slice(1).map((t, i) => t - started[i]!)).toEqual([50, 100, 200]);
  });

  it('retries only the errors retryOn accepts and rethrows the last one when attempts run out', async () => {
    const lost = Object.assign(new Error('lost'), { name: 'TransactionCanceledException' });
    let calls = 0;
    const policy = { attempts: 3, baseMs: 1, capMs: 1, retryOn: (e: unknown) => (e as Error).name === 'TransactionCanceledException' };
    await expect(
      retry(policy, async () => {
        calls++;
        throw lost;
      }),
    ).rejects.toBe(lost);
    expect(calls).toBe(3);

    calls = 0;
    const other = new Error('access denied');
    await expect(
      retry(policy, async () => {
        calls++;
        throw other;
      }),
    ).rejects.toBe(other);
    expect(calls).toBe(1);
  });

  it('gives up with the caller’s error when every attempt answered tryAgain', async () => {
    let calls = 0;
    await expect(
      retry({ attempts: 4, baseMs: 1, capMs: 1, giveUp: (last) => new Error(`still busy (${String(last)})`) }, async () => {
        calls++;
        return tryAgain;
      }),
    ).rejects.toThrow('still busy (undefined)');
    expect(calls).toBe(4);
    await expect(retry({ attempts: 2, baseMs: 1, capMs: 1 }, async () => tryAgain)).rejects.toThrow('gave up after 2 attempts');
  });
});
