/** When a failed delivery is tried again: `retries` more attempts, the one before retry `n` (from 0) waiting `delaySeconds(n)`. */
export interface RetrySchedule {
  readonly retries: number
  delaySeconds: (retry: number) => number
}

/** A schedule of listed waits (a DeliveryPolicy's, from retryDelays). */
export function listedSchedule (delays: readonly number[]): RetrySchedule {
  return { retries: delays.length, delaySeconds: (n) => delays[n]! }
}
