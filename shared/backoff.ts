// The one retry delay: exponential, capped, with "equal jitter" (half fixed, half random) so
// peers that failed together do not all retry in the same instant. Used by the outbox's retries
// (app/core/router/outbox-router.ts), the relay link's reconnects (app/core/relay/link.ts,
// docs/protocol.md §5) and the LAN probe (app/core/router/direct-probe.ts), each with its policy.

export interface BackoffPolicy {
  /** delay after the first failure */
  baseMs: number
  /** no delay is ever longer than this */
  maxMs: number
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 60_000 }

/** The delay before attempt `failures + 1`; `random` returns [0, 1). */
export function backoffDelay(
  failures: number,
  policy: BackoffPolicy,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(failures, 0), 30)
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** exponent)
  return Math.round(ceiling / 2 + random() * (ceiling / 2))
}
