/**
 * Topics: names, ARNs, the catalog document and the shapes of the projection's state.
 * Topic and subscription attributes are kept as AWS's strings (validated when set, in
 * src/actions/topics/); the domain reads the few it acts on (FifoTopic,
 * ContentBasedDeduplication, RawMessageDelivery, FilterPolicy, ...) through helpers here.
 */
import type { Scope } from '../scope.js'

/** The catalog document of a topic: `topic/<account>/<region>/<name>`. Everything else is in its state log. */
export interface TopicDoc {
  readonly name: string
  readonly accountId: string
  readonly region: string
  readonly createdAt: number
  readonly messageStreamId: number
  readonly logStreamId: number
}

export type SubscriptionStatus = 'pending' | 'confirmed'

/** A subscription as the projection holds it. */
export interface SubscriptionState {
  /** The UUID of its ARN. */
  readonly id: string
  readonly protocol: string
  readonly endpoint: string
  readonly owner: string
  status: SubscriptionStatus
  /** The confirmation token (pending subscriptions of http, https, email, email-json). */
  readonly token?: string | undefined
  attributes: Record<string, string>
  /** Position [ts, counter] of the last topic message this subscription is done with. */
  cursor: [number, number]
  readonly createdAt: number
  /** A replay in progress: skip what was published after `until` (ms) until the cursor is back at `resume`. */
  replay?: { readonly until?: number | undefined, readonly resume: [number, number] } | undefined
}

/** A message as published (one record of the topic's stream). */
export interface PublishedMessage {
  readonly id: string
  readonly message: string
  readonly subject?: string | undefined
  /** MessageStructure json: the message is a JSON object of per-protocol messages. */
  readonly json?: boolean | undefined
  /** Sorted by name. */
  readonly attributes?: Array<[string, TopicAttributeValue]> | undefined
  readonly group?: string | undefined
  readonly dedup?: string | undefined
  /** The publish request's X-Amzn-Trace-Id: SQS deliveries carry it as AWSTraceHeader. */
  readonly trace?: string | undefined
}

export interface TopicAttributeValue {
  readonly DataType: string
  readonly StringValue?: string | undefined
  /** base64 of the bytes. */
  readonly BinaryValue?: string | undefined
}

/** `[A-Za-z0-9_-]{1,256}`, or up to 251 of them and `.fifo`. */
const TOPIC_NAME = /^(?:[A-Za-z0-9_-]{1,256}|[A-Za-z0-9_-]{1,251}\.fifo)$/

export function isValidTopicName (name: string): boolean {
  return TOPIC_NAME.test(name)
}

export function isFifoTopicName (name: string): boolean {
  return name.endsWith('.fifo')
}

export function topicArn (scope: Scope, name: string): string {
  return `arn:aws:sns:${scope.region}:${scope.accountId}:${name}`
}

const TOPIC_ARN = /^arn:aws:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]{1,256})$/
const SUBSCRIPTION_ARN = /^arn:aws:sns:([a-z0-9-]+):(\d{12}):([A-Za-z0-9_.-]{1,256}):([0-9a-f-]{36})$/

export function parseTopicArn (arn: string): { region: string, accountId: string, name: string } | undefined {
  const m = TOPIC_ARN.exec(arn)
  return m === null ? undefined : { region: m[1]!, accountId: m[2]!, name: m[3]! }
}

export function parseSubscriptionArn (arn: string): { region: string, accountId: string, name: string, id: string } | undefined {
  const m = SUBSCRIPTION_ARN.exec(arn)
  return m === null ? undefined : { region: m[1]!, accountId: m[2]!, name: m[3]!, id: m[4]! }
}

/** The protocols Subscribe takes. */
export const PROTOCOLS = ['http', 'https', 'email', 'email-json', 'sms', 'sqs', 'application', 'lambda', 'firehose'] as const
export type Protocol = typeof PROTOCOLS[number]

/** Protocols whose subscriptions wait for a confirmation (the others are confirmed at once). */
export function needsConfirmation (protocol: string): boolean {
  return protocol === 'http' || protocol === 'https' || protocol === 'email' || protocol === 'email-json'
}

/** AWS's default delivery policy for HTTP/S endpoints (EffectiveDeliveryPolicy). */
export const DEFAULT_HTTP_DELIVERY_POLICY = {
  http: {
    defaultHealthyRetryPolicy: {
      minDelayTarget: 20,
      maxDelayTarget: 20,
      numRetries: 3,
      numMaxDelayRetries: 0,
      numNoDelayRetries: 0,
      numMinDelayRetries: 0,
      backoffFunction: 'linear'
    },
    disableSubscriptionOverrides: false,
    defaultRequestPolicy: { headerContentType: 'text/plain; charset=UTF-8' }
  }
}

/** The days an ArchivePolicy keeps messages, or undefined when it keeps no archive (`{}`, '', none). */
export function archiveDays (archivePolicy: string | undefined): number | undefined {
  if (archivePolicy === undefined || archivePolicy === '') return undefined
  try {
    const days = Number((JSON.parse(archivePolicy) as { MessageRetentionPeriod?: unknown }).MessageRetentionPeriod)
    return Number.isInteger(days) && days > 0 ? days : undefined
  } catch {
    return undefined
  }
}

/** How long a FIFO topic remembers a deduplication id. */
export const DEDUP_WINDOW_MS = 5 * 60_000

/** AWS: 100,000 topics per account (standard), 12.5 million subscriptions per topic. */
export const MAX_TOPICS = 100_000
export const MAX_SUBSCRIPTIONS_PER_TOPIC = 12_500_000
