/**
 * The retry schedule AWS keeps for the endpoints it manages (Lambda here; SQS deliveries
 * are local and never fail that way): 100,015 attempts over about 23 days, which no
 * DeliveryPolicy changes. Three at once, two 1 s apart, ten backing off exponentially from
 * 1 s to 20 s, then 100,000 at 20 s ("Amazon SNS message delivery retries").
 */
import type { RetrySchedule } from './retry-schedule.js'

const IMMEDIATE = 3
const PRE_BACKOFF = 2
const BACKOFF = 10
const POST_BACKOFF = 100_000
const MIN_DELAY_S = 1
const MAX_DELAY_S = 20

function delay (retry: number): number {
  if (retry < IMMEDIATE) return 0
  if (retry < IMMEDIATE + PRE_BACKOFF) return MIN_DELAY_S
  const step = retry - IMMEDIATE - PRE_BACKOFF
  if (step < BACKOFF) return MIN_DELAY_S * (MAX_DELAY_S / MIN_DELAY_S) ** (step / (BACKOFF - 1))
  return MAX_DELAY_S
}

export const MANAGED_RETRIES: RetrySchedule = {
  retries: IMMEDIATE + PRE_BACKOFF + BACKOFF + POST_BACKOFF,
  delaySeconds: delay
}
