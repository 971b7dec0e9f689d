/**
 * HTTP/S delivery policies: their shape and bounds, and the policy in force for a
 * subscription. Each part comes from the subscription's DeliveryPolicy (`healthyRetryPolicy`,
 * `throttlePolicy`, `requestPolicy`), or else the topic's (`http.defaultHealthyRetryPolicy`,
 * `http.defaultThrottlePolicy`, `http.defaultRequestPolicy`; the topic's always, when it
 * sets `http.disableSubscriptionOverrides`), or else AWS's default: 3 retries 20 seconds
 * apart, no throttle, `Content-Type: text/plain; charset=UTF-8`.
 */
import { DEFAULT_HTTP_DELIVERY_POLICY } from './topic-model.js'

export interface RetryPolicy {
  readonly minDelayTarget: number
  readonly maxDelayTarget: number
  readonly numRetries: number
  readonly numMaxDelayRetries: number
  readonly numNoDelayRetries: number
  readonly numMinDelayRetries: number
  readonly backoffFunction: 'linear' | 'arithmetic' | 'geometric' | 'exponential'
}

type Json = Record<string, unknown>

const DEFAULT = DEFAULT_HTTP_DELIVERY_POLICY.http.defaultHealthyRetryPolicy as RetryPolicy
const DEFAULT_CONTENT_TYPE = DEFAULT_HTTP_DELIVERY_POLICY.http.defaultRequestPolicy.headerContentType
const BACKOFF_FUNCTIONS: readonly string[] = ['linear', 'arithmetic', 'geometric', 'exponential']
/** AWS's hard limit on the time a retry policy may take, all its retries' delays summed. */
const MAX_POLICY_SECONDS = 3600

/** A retry policy's integer fields and their bounds ("Amazon SNS message delivery retries"). */
const RETRY_BOUNDS: Readonly<Record<string, readonly [number, number]>> = {
  minDelayTarget: [1, 3600],
  maxDelayTarget: [1, 3600],
  numRetries: [0, 100],
  numMaxDelayRetries: [0, Infinity],
  numNoDelayRetries: [0, Infinity],
  numMinDelayRetries: [0, Infinity]
}

/** What each part of a policy is, by level. `sickly...` and `guaranteed` are AWS's own, which it shows and takes back. */
type Part = 'retry' | 'throttle' | 'request' | 'boolean'
const SUBSCRIPTION_SHAPE: Readonly<Record<string, Part>> = { healthyRetryPolicy: 'retry', sicklyRetryPolicy: 'retry', throttlePolicy: 'throttle', requestPolicy: 'request', guaranteed: 'boolean' }
const TOPIC_HTTP_SHAPE: Readonly<Record<string, Part>> = { defaultHealthyRetryPolicy: 'retry', defaultSicklyRetryPolicy: 'retry', disableSubscriptionOverrides: 'boolean', defaultThrottlePolicy: 'throttle', defaultRequestPolicy: 'request' }

/** A media type, parameters allowed (`text/plain; charset=UTF-8`): RFC 9110's tokens. */
const MEDIA_TYPE = /^[\w!#$%&'*+.^`|~-]+\/[\w!#$%&'*+.^`|~-]+(\s*;\s*[\w!#$%&'*+.^`|~-]+=([\w!#$%&'*+.^`|~-]+|"[^"]*"))*$/

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v)

function unknownField (path: string, key: string, shape: readonly string[]): string {
  return `${path}${key} is not a delivery policy field; the fields are ${shape.join(', ')}`
}

function fieldsProblem (value: Json, path: string, shape: readonly string[]): string | undefined {
  const key = Object.keys(value).find((k) => !shape.includes(k))
  return key === undefined ? undefined : unknownField(`${path}.`, key, shape)
}

function retryProblem (value: Json, path: string): string | undefined {
  const unknown = fieldsProblem(value, path, [...Object.keys(RETRY_BOUNDS), 'backoffFunction'])
  if (unknown !== undefined) return unknown
  for (const [field, [min, max]] of Object.entries(RETRY_BOUNDS)) {
    const n = value[field]
    if (n === undefined) continue
    if (typeof n !== 'number' || !Number.isInteger(n)) return `${path}.${field} must be an integer`
    if (n < min) return `${path}.${field} must be greater than or equal to ${min}`
    if (n > max) return `${path}.${field} must be less than or equal to ${max}`
  }
  const fn = value.backoffFunction
  if (fn !== undefined && (typeof fn !== 'string' || !BACKOFF_FUNCTIONS.includes(fn.toLowerCase()))) {
    return `${path}.backoffFunction must be one of ${BACKOFF_FUNCTIONS.join(', ')}`
  }
  // The fields left out take AWS's defaults, in the checks as in the deliveries.
  const p = retryPolicyOf(value)
  if (p.minDelayTarget > p.maxDelayTarget) return `${path}: minDelayTarget (${p.minDelayTarget}) must not be greater than maxDelayTarget (${p.maxDelayTarget})`
  const phases = p.numNoDelayRetries + p.numMinDelayRetries + p.numMaxDelayRetries
  if (phases > p.numRetries) return `${path}: numNoDelayRetries + numMinDelayRetries + numMaxDelayRetries (${phases}) must not be greater than numRetries (${p.numRetries})`
  // AWS's own text (InvalidParameter on SetTopicAttributes).
  if (retryDelays(p).reduce((a, b) => a + b, 0) > MAX_POLICY_SECONDS) return `${path}: Total policy retry time cannot be greater than ${MAX_POLICY_SECONDS} seconds`
  return undefined
}

const PART_PROBLEM: Readonly<Record<Part, (value: unknown, path: string) => string | undefined>> = {
  retry: (value, path) => isObject(value) ? retryProblem(value, path) : `${path} must be an object`,
  throttle: (value, path) => {
    const rate = isObject(value) ? value.maxReceivesPerSecond : undefined
    if (!isObject(value) || (rate !== undefined && (typeof rate !== 'number' || !Number.isInteger(rate) || rate < 1))) {
      return `${path}.maxReceivesPerSecond must be an integer greater than or equal to 1`
    }
    return fieldsProblem(value, path, ['maxReceivesPerSecond'])
  },
  request: (value, path) => {
    if (!isObject(value)) return `${path} must be an object`
    const type = value.headerContentType
    // AWS documents text/plain, application/json and application/xml, and takes other
    // media types too (LocalStack's recording of AWS delivers text/csv as set).
    if (type !== undefined && (typeof type !== 'string' || !MEDIA_TYPE.test(type))) {
      return `${path}.headerContentType must be a media type, such as text/plain, application/json or application/xml, optionally with parameters (text/plain; charset=UTF-8)`
    }
    return fieldsProblem(value, path, ['headerContentType'])
  },
  boolean: (value, path) => typeof value === 'boolean' ? undefined : `${path} must be true or false`
}

function partsProblem (policy: Json, shape: Readonly<Record<string, Part>>, prefix: string): string | undefined {
  for (const [key, value] of Object.entries(policy)) {
    const part = shape[key]
    if (part === undefined) return unknownField(prefix, key, Object.keys(shape))
    // A part set to null is no part, as AWS shows one it has none of.
    const problem = value === null ? undefined : PART_PROBLEM[part](value, `${prefix}${key}`)
    if (problem !== undefined) return problem
  }
  return undefined
}

/**
 * What is wrong with a DeliveryPolicy (parsed from its JSON) of a topic
 * (`{"http": {...}}`) or a subscription, in AWS's terms, or undefined.
 */
export function deliveryPolicyProblem (policy: unknown, level: 'topic' | 'subscription'): string | undefined {
  if (!isObject(policy)) return 'must be a JSON object'
  if (level === 'subscription') return partsProblem(policy, SUBSCRIPTION_SHAPE, '')
  // Only HTTP/S delivery policies can be changed (AWS's other protocols keep their own).
  const key = Object.keys(policy).find((k) => k !== 'http')
  if (key !== undefined) return unknownField('', key, ['http'])
  if (policy.http === null || policy.http === undefined) return undefined
  return isObject(policy.http) ? partsProblem(policy.http, TOPIC_HTTP_SHAPE, 'http.') : 'http must be an object'
}

function parse (text: string | undefined): Json | undefined {
  if (text === undefined || text === '') return undefined
  try {
    const v: unknown = JSON.parse(text)
    return isObject(v) ? v : undefined
  } catch {
    return undefined
  }
}

const objectAt = (holder: Json | undefined, key: string): Json | undefined => isObject(holder?.[key]) ? holder[key] as Json : undefined

/** A retry policy's fields over AWS's defaults (in AWS's order), its backoff function lower-cased. */
function retryPolicyOf (given: Json | undefined): RetryPolicy {
  const out: Record<string, unknown> = { ...DEFAULT }
  for (const key of Object.keys(DEFAULT)) if (given?.[key] !== undefined) out[key] = given[key]
  out.backoffFunction = String(out.backoffFunction).toLowerCase()
  return out as unknown as RetryPolicy
}

/** The policy in force for an HTTP/S subscription, shaped as AWS's EffectiveDeliveryPolicy of a subscription. */
export interface EffectivePolicy {
  readonly healthyRetryPolicy: RetryPolicy
  readonly sicklyRetryPolicy: Json | null
  readonly throttlePolicy: { readonly maxReceivesPerSecond?: number } | null
  readonly requestPolicy: { readonly headerContentType: string }
  readonly guaranteed: boolean
}

export function effectivePolicy (topicPolicy: string | undefined, subscriptionPolicy: string | undefined): EffectivePolicy {
  const http = objectAt(parse(topicPolicy), 'http')
  const sub = http?.disableSubscriptionOverrides === true ? undefined : parse(subscriptionPolicy)
  // Each part whole: a subscription's retry policy replaces the topic's, its fields left
  // out taking AWS's defaults, as AWS shows it.
  const part = (own: string, topicDefault: string): Json | undefined => objectAt(sub, own) ?? objectAt(http, topicDefault)
  return {
    healthyRetryPolicy: retryPolicyOf(part('healthyRetryPolicy', 'defaultHealthyRetryPolicy')),
    sicklyRetryPolicy: part('sicklyRetryPolicy', 'defaultSicklyRetryPolicy') ?? null,
    throttlePolicy: part('throttlePolicy', 'defaultThrottlePolicy') ?? null,
    requestPolicy: { headerContentType: contentTypeOf(objectAt(sub, 'requestPolicy'), objectAt(http, 'defaultRequestPolicy')) },
    guaranteed: sub?.guaranteed === true
  }
}

/** The first request policy's `headerContentType` that is set, or AWS's default. */
function contentTypeOf (...requestPolicies: Array<Json | undefined>): string {
  for (const r of requestPolicies) if (typeof r?.headerContentType === 'string') return r.headerContentType
  return DEFAULT_CONTENT_TYPE
}

/** A topic's EffectiveDeliveryPolicy: its `http` policy over AWS's default, the retry policy filled in. */
export function effectiveTopicPolicy (topicPolicy: string | undefined): string {
  const http = objectAt(parse(topicPolicy), 'http')
  const sickly = objectAt(http, 'defaultSicklyRetryPolicy')
  const throttle = objectAt(http, 'defaultThrottlePolicy')
  return JSON.stringify({
    http: {
      defaultHealthyRetryPolicy: retryPolicyOf(objectAt(http, 'defaultHealthyRetryPolicy')),
      ...(sickly === undefined ? {} : { defaultSicklyRetryPolicy: sickly }),
      disableSubscriptionOverrides: http?.disableSubscriptionOverrides === true,
      ...(throttle === undefined ? {} : { defaultThrottlePolicy: throttle }),
      defaultRequestPolicy: { headerContentType: contentTypeOf(objectAt(http, 'defaultRequestPolicy')) }
    }
  })
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

/** The POSTs per second an HTTP/S subscription may receive under `policy`, or undefined for no limit. */
export function throttleRate (policy: EffectivePolicy): number | undefined {
  const rate = policy.throttlePolicy?.maxReceivesPerSecond
  return typeof rate === 'number' && Number.isInteger(rate) && rate >= 1 ? rate : undefined
}
