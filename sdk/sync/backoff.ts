/**
 * Exponential backoff with jitter for outbox retries.
 * @module
 */

/** Backoff tuning. */
export interface BackoffOptions {
  /** Delay after the first failure, ms (default 1,000). */
  baseMs?: number;
  /** Upper bound of the delay, ms (default 5 minutes): days offline never mean days of waiting once back. */
  maxMs?: number;
}

/**
 * Delay before attempt number `attempts + 1`: `base * 2^(attempts-1)`, capped at `max`, with "equal jitter"
 * (half fixed, half random) so many clients coming back online together do not stampede the server.
 * @param attempts failed attempts so far (>= 1)
 * @param random a `[0, 1)` source (tests pass a seeded one)
 */
export function backoffDelay(attempts: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const base = options.baseMs ?? 1000;
  const max = options.maxMs ?? 5 * 60 * 1000;
  const exp = Math.min(max, base * 2 ** Math.max(0, Math.min(30, attempts - 1)));
  return Math.round(exp / 2 + random() * (exp / 2));
}
