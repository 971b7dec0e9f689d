/**
 * Queues: the catalog document and the typed settings behind SQS's queue attributes.
 * Actions turn AWS's attribute strings into these settings and back
 * (src/actions/queues/queue-attributes.ts); the domain only sees typed values.
 */
import type { Scope } from '../scope.js'

export interface RedrivePolicy {
  readonly deadLetterTargetArn: string
  readonly maxReceiveCount: number
}

export type RedrivePermission = 'allowAll' | 'denyAll' | 'byQueue'

export interface RedriveAllowPolicy {
  readonly redrivePermission: RedrivePermission
  readonly sourceQueueArns?: readonly string[] | undefined
}

export interface QueueSettings {
  delaySeconds: number
  maximumMessageSize: number
  messageRetentionPeriod: number
  receiveMessageWaitTimeSeconds: number
  visibilityTimeout: number
  /** The IAM policy as the caller wrote it (AddPermission edits it too). */
  policy?: string | undefined
  redrivePolicy?: RedrivePolicy | undefined
  redriveAllowPolicy?: RedriveAllowPolicy | undefined
  readonly fifoQueue: boolean
  contentBasedDeduplication: boolean
  deduplicationScope: 'messageGroup' | 'queue'
  fifoThroughputLimit: 'perQueue' | 'perMessageGroupId'
  kmsMasterKeyId?: string | undefined
  kmsDataKeyReusePeriodSeconds?: number | undefined
  sqsManagedSseEnabled: boolean
}

/** AWS's defaults (MaximumMessageSize: 1 MiB since 2025). */
export const DEFAULT_SETTINGS: Omit<QueueSettings, 'fifoQueue'> = {
  delaySeconds: 0,
  maximumMessageSize: 1_048_576,
  messageRetentionPeriod: 345_600,
  receiveMessageWaitTimeSeconds: 0,
  visibilityTimeout: 30,
  contentBasedDeduplication: false,
  deduplicationScope: 'queue',
  fifoThroughputLimit: 'perQueue',
  sqsManagedSseEnabled: true
}

/** The catalog document of a queue: `queue/<account>/<region>/<name>`. */
export interface QueueDoc {
  readonly name: string
  readonly accountId: string
  readonly region: string
  /** Epoch ms. */
  readonly createdAt: number
  lastModifiedAt: number
  settings: QueueSettings
  /** Insertion order is kept. */
  tags: Record<string, string>
  /**
   * Messages that arrived before this time (ms) have expired for good: a longer
   * MessageRetentionPeriod does not bring them back.
   */
  expiredBefore?: number | undefined
  /** The internal streams: messages, and the state log. */
  readonly messageStreamId: number
  readonly logStreamId: number
}

/** A FIFO queue's name ends in `.fifo`. */
export function isFifoName (name: string): boolean {
  return name.endsWith('.fifo')
}

export function queueArn (scope: Scope, name: string): string {
  return `arn:aws:sqs:${scope.region}:${scope.accountId}:${name}`
}

const QUEUE_ARN = /^arn:aws:sqs:([^:]+):(\d{12}):([A-Za-z0-9_.-]{1,80})$/

/** The region, account and name an SQS queue ARN names, or undefined when it is not one. */
export function parseQueueArn (arn: string): { region: string, accountId: string, name: string } | undefined {
  const match = QUEUE_ARN.exec(arn)
  return match === null ? undefined : { region: match[1]!, accountId: match[2]!, name: match[3]! }
}

/** How long a receive's ReceiveRequestAttemptId and a FIFO deduplication id are remembered. */
export const FIFO_MEMORY_MS = 5 * 60_000

/** The most a message's visibility can be extended to, counted from the receive (12 h). */
export const MAX_VISIBILITY_MS = 43_200_000
