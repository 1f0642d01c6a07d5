// Retries with exponential backoff and full jitter (each pause drawn uniformly from zero to the
// growing bound), so writers that lost the same race do not come back in lockstep.

/** An attempt returns this to be run again (a lost optimistic race, unprocessed batch items). */
export const tryAgain: unique symbol = Symbol('tryAgain');

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  attempts: number;
  /** Bound of the first pause; it doubles with each further retry… */
  baseMs: number;
  /** …up to this. */
  capMs: number;
  /** A thrown error worth another attempt; any other propagates at once. */
  retryOn?: (err: unknown) => boolean;
  /**
   * The error when the attempts are spent: `last` is the last thrown error, undefined when the last
   * attempt returned `tryAgain`. By default a thrown error is rethrown as it was.
   */
  giveUp?: (last: unknown) => Error;
}

/** A conditional write that lost to a concurrent writer: read again and retry soon, a few times. */
export const writeRace = { attempts: 8, baseMs: 10, capMs: 200 } as const satisfies RetryPolicy;

/** The pause before retry `n` (1 = the second attempt): uniform in [0, min(capMs, baseMs·2^(n−1))). */
export function backoffDelay(n: number, policy: Pick<RetryPolicy, 'baseMs' | 'capMs'>, random: () => number = Math.random): number {
  return random() * Math.min(policy.capMs, policy.baseMs * 2 ** (n - 1));
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs `attempt` (given its 0-based number) until it returns a result, pausing between attempts. */
export async function retry<T>(policy: RetryPolicy, attempt: (n: number) => Promise<T | typeof tryAgain>): Promise<T> {
  let last: unknown;
  for (let n = 0; n < policy.attempts; n++) {
    if (n > 0) await pause(backoffDelay(n, policy));
    try {
      const result = await attempt(n);
      if (result !== tryAgain) return result;
      last = undefined;
    } catch (err) {
      if (!policy.retryOn?.(err)) throw err;
      last = err;
    }
  }
  if (policy.giveUp) throw policy.giveUp(last);
  throw last ?? new Error(`gave up after ${policy.attempts} attempts`);
}
