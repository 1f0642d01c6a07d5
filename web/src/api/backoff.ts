// Reconnect delays: exponential from 0.5 s, capped at 30 s, with jitter so that a restarted gateway
// is not hit by every console at the same instant.
export const FIRST_DELAY_MS = 500;
export const MAX_DELAY_MS = 30_000;

/** Delay before reconnect attempt `attempt` (0-based): between half and all of min(cap, first·2^attempt). */
export function reconnectDelay(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (ceiling / 2) * random());
}
