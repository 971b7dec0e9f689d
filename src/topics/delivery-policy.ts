/**
 * HTTP/S delivery policies: the retry schedule of a failed delivery. A subscription's
 * DeliveryPolicy `healthyRetryPolicy` wins over the topic's
 * `http.defaultHealthyRetryPolicy` (unless the topic sets disableSubscriptionOverrides),
 * which wins over AWS's default: 3 retries, 20 seconds apart. The throttle, by the same
 * precedence: a subscription's `throttlePolicy.maxReceivesPerSecond` over the topic's
 * `http.defaultThrottlePolicy.maxReceivesPerSecond`; without either, no limit.
 */
import { DEFAULT_HTTP_DELIVERY_POLICY } from './topic-model.js'

export interface RetryPolicy {
  readonly minDelayTarget: number
  readonly maxDelayTarget: number
  readonly numRetries: number
  readonly numNoDelayRetries: number
  readonly numMinDelayRetries: number
  readonly numMaxDelayRetries: number
  readonly backoffFunction: 'linear' | 'arithmetic' | 'geometric' | 'exponential'
}

const DEFAULT = DEFAULT_HTTP_DELIVERY_POLICY.http.defaultHealthyRetryPolicy as RetryPolicy

function parse (text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined
  try {
    const v: unknown = JSON.parse(text)
    return typeof v === 'object' && v !== null ? v as Record<string, unknown> : undefined
  } catch {
    return undefined
  }
}

export function effectiveRetryPolicy (topicPolicy: string | undefined, subscriptionPolicy: string | undefined): RetryPolicy {
  const topic = parse(topicPolicy)?.http as Record<string, unknown> | undefined
  const fromTopic = topic?.defaultHealthyRetryPolicy as Partial<RetryPolicy> | undefined
  const fromSub = topic?.disableSubscriptionOverrides === true ? undefined : parse(subscriptionPolicy)?.healthyRetryPolicy as Partial<RetryPolicy> | undefined
  return { ...DEFAULT, ...fromTopic, ...fromSub }
}

/** The wait (seconds) before each retry, in order. */
export function retryDelays (p: RetryPolicy): number[] {
  const delays: number[] = []
  const noDelay = Math.max(0, p.numNoDelayRetries)
  const minDelay = Math.max(0, p.numMinDelayRetries)
  const maxDelay = Math.max(0, p.numMaxDelayRetries)
  const backoff = Math.max(0, p.numRetries - noDelay - minDelay - maxDelay)
  for (let i = 0; i < noDelay; i++) delays.push(0)
  for (let i = 0; i < minDelay; i++) delays.push(p.minDelayTarget)
  for (let i = 0; i < backoff; i++) {
    const t = backoff === 1 ? 1 : i / (backoff - 1)
    const span = p.maxDelayTarget - p.minDelayTarget
    const factor = p.backoffFunction === 'linear' || p.backoffFunction === 'arithmetic' ? t : p.backoffFunction === 'geometric' ? t * t : t ** 3
    delays.push(p.minDelayTarget + span * factor)
  }
  for (let i = 0; i < maxDelay; i++) delays.push(p.maxDelayTarget)
  return delays.slice(0, p.numRetries)
}

interface ThrottlePolicy { readonly maxReceivesPerSecond?: unknown }

/** The POSTs per second an HTTP/S subscription may receive, or undefined for no limit. */
export function effectiveThrottle (topicPolicy: string | undefined, subscriptionPolicy: string | undefined): number | undefined {
  const topic = parse(topicPolicy)?.http as Record<string, unknown> | undefined
  const fromSub = topic?.disableSubscriptionOverrides === true ? undefined : (parse(subscriptionPolicy)?.throttlePolicy as ThrottlePolicy | undefined)?.maxReceivesPerSecond
  const rate = fromSub ?? (topic?.defaultThrottlePolicy as ThrottlePolicy | undefined)?.maxReceivesPerSecond
  return typeof rate === 'number' && Number.isInteger(rate) && rate >= 1 ? rate : undefined
}

/**
 * What is wrong with a DeliveryPolicy's throttle (the topic's `http.defaultThrottlePolicy`
 * or a subscription's `throttlePolicy`), in AWS's terms, or undefined.
 */
export function throttleProblem (policy: Record<string, unknown>, level: 'topic' | 'subscription'): string | undefined {
  const holder = level === 'topic' ? policy.http as Record<string, unknown> | undefined : policy
  const name = level === 'topic' ? 'defaultThrottlePolicy' : 'throttlePolicy'
  const throttle = holder?.[name]
  if (throttle === undefined) return undefined
  const rate = (throttle as ThrottlePolicy | null)?.maxReceivesPerSecond
  if (typeof throttle !== 'object' || throttle === null || (rate !== undefined && (typeof rate !== 'number' || !Number.isInteger(rate) || rate < 1))) {
    return `${name}.maxReceivesPerSecond must be an integer greater than or equal to 1`
  }
  return undefined
}
