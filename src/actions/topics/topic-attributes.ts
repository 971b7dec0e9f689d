/**
 * Topic attributes: which SetTopicAttributes and CreateTopic take, how each is checked,
 * and what GetTopicAttributes shows (the stored ones plus the read-only TopicArn, Owner,
 * exact subscription counts and EffectiveDeliveryPolicy). Values are kept as AWS's strings.
 */
import { ServiceError } from '../../errors.js'
import type { Scope } from '../../scope.js'
import { deliveryPolicyProblem, effectiveTopicPolicy } from '../../topics/delivery-policy.js'
import { archiveDays } from '../../topics/topic-model.js'
import type { Topic } from '../../topics/topic.js'

/** Kept under this name, returned by GetDataProtectionPolicy only (as AWS keeps it apart). */
export const DATA_PROTECTION_POLICY = '__DataProtectionPolicy'

const FEEDBACK = /^(HTTP|HTTPS|SQS|Lambda|Firehose|Application)(SuccessFeedbackRoleArn|SuccessFeedbackSampleRate|FailureFeedbackRoleArn)$/

function bad (name: string, reason: string, prefix: string): ServiceError {
  return new ServiceError('SNS_INVALID_PARAMETER', `${prefix}${name}: ${reason}`)
}

function jsonObject (name: string, value: string, prefix: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(value)
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>
  } catch {}
  throw bad(name, 'Invalid JSON', prefix)
}

/**
 * Checks one attribute for a topic (fifo: whether it is a FIFO topic; creating: CreateTopic,
 * which alone takes FifoTopic). `prefix` is the operation's wording ("Invalid parameter: ").
 */
export function checkTopicAttribute (name: string, value: string, fifo: boolean, creating: boolean, prefix = 'Invalid parameter: Attributes Reason: '): void {
  switch (name) {
    case 'DisplayName':
      if (value.length > 100) throw bad(name, 'DisplayName must be at most 100 characters', prefix)
      return
    case 'Policy':
      jsonObject(name, value, prefix)
      return
    case 'DeliveryPolicy': {
      // '' removes the policy, as AWS takes it.
      const problem = value === '' ? undefined : deliveryPolicyProblem(jsonObject(name, value, prefix), 'topic')
      if (problem !== undefined) throw bad(name, problem, prefix)
      return
    }
    case 'SignatureVersion':
      if (value !== '1' && value !== '2') throw bad(name, `Invalid value [${value}] for SignatureVersion, must be 1 or 2`, prefix)
      return
    case 'TracingConfig':
      if (value !== 'PassThrough' && value !== 'Active') throw bad(name, `Invalid value [${value}] for TracingConfig, must be PassThrough or Active`, prefix)
      return
    case 'KmsMasterKeyId':
      return
    case 'MaximumMessageSize': {
      const n = Number(value)
      if (!/^\d+$/.test(value) || n < 1024 || n > 1_048_576) throw bad(name, `Invalid value [${value}], must be an integer from 1024 to 1048576`, prefix)
      return
    }
    case 'ArchivePolicy': {
      const policy = jsonObject(name, value, prefix)
      // `{}` turns the archive off (AWS's "Deleting a message archive policy").
      if (Object.keys(policy).length === 0) return
      const days = policy.MessageRetentionPeriod
      const n = typeof days === 'string' ? Number(days) : days
      if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 365) throw bad(name, 'MessageRetentionPeriod must be an integer from 1 to 365 days', prefix)
      return
    }
    case 'FifoTopic':
      if (!creating) throw new ServiceError('SNS_INVALID_PARAMETER', `${prefix.replace(/Attributes Reason: $/, '')}AttributeName`)
      if (value !== 'true' && value !== 'false') throw bad(name, 'FifoTopic must be true or false', prefix)
      return
    case 'ContentBasedDeduplication':
      if (!fifo) throw bad(name, 'Content based deduplication can only be set for FIFO topics', prefix)
      if (value !== 'true' && value !== 'false') throw bad(name, 'ContentBasedDeduplication must be true or false', prefix)
      return
    case 'FifoThroughputScope':
      if (!fifo) throw bad(name, 'FifoThroughputScope can only be set for FIFO topics', prefix)
      if (value !== 'Topic' && value !== 'MessageGroup') throw bad(name, `Invalid value [${value}], must be Topic or MessageGroup`, prefix)
      return
    default:
      if (FEEDBACK.test(name)) return
      throw new ServiceError('SNS_INVALID_PARAMETER', `${prefix.replace(/Attributes Reason: $/, '')}AttributeName`)
  }
}

/** AWS's default access policy of a new topic: the owner may do everything. */
export function defaultPolicy (arn: string, scope: Scope): string {
  return JSON.stringify({
    Version: '2008-10-17',
    Id: '__default_policy_ID',
    Statement: [{
      Sid: '__default_statement_ID',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['SNS:GetTopicAttributes', 'SNS:SetTopicAttributes', 'SNS:AddPermission', 'SNS:RemovePermission', 'SNS:DeleteTopic', 'SNS:Subscribe', 'SNS:ListSubscriptionsByTopic', 'SNS:Publish'],
      Resource: arn,
      Condition: { StringEquals: { 'AWS:SourceOwner': scope.accountId } }
    }]
  })
}

/** Kept beside ArchivePolicy: when the archive began (ms), so BeginningArchiveTime can be shown. */
const ARCHIVE_START = 'BeginningArchiveTime'

/**
 * What setting ArchivePolicy to `value` changes: the policy is kept, or removed by `{}` or
 * '', and the archive's start is noted when an archive begins (kept while one stays on).
 */
export function archivePolicyChanges (current: Readonly<Record<string, string>>, value: string, now: number): Array<[string, string | undefined]> {
  if (archiveDays(value) === undefined) return [['ArchivePolicy', undefined], [ARCHIVE_START, undefined]]
  return [['ArchivePolicy', value], [ARCHIVE_START, current[ARCHIVE_START] ?? String(now)]]
}

/**
 * BeginningArchiveTime: the earliest point a replay can start from. The archive's start,
 * until the retention period has passed since; then that period back from now.
 */
function beginningArchiveTime (stored: Readonly<Record<string, string>>, createdAt: number, now: number): string | undefined {
  const days = archiveDays(stored.ArchivePolicy)
  if (days === undefined) return undefined
  // An archive set before its start was kept counts from the topic's creation.
  const started = stored[ARCHIVE_START] === undefined ? createdAt : Number(stored[ARCHIVE_START])
  return new Date(Math.max(started, now - days * 86_400_000)).toISOString()
}

export function renderTopicAttributes (topic: Topic, now: number): Record<string, string> {
  const stored = topic.attributes
  const counts = topic.state.counts()
  const out: Record<string, string> = {
    Policy: stored.Policy ?? defaultPolicy(topic.arn, topic.scope),
    Owner: topic.scope.accountId,
    SubscriptionsPending: String(counts.pending),
    TopicArn: topic.arn,
    EffectiveDeliveryPolicy: effectiveTopicPolicy(stored.DeliveryPolicy),
    SubscriptionsConfirmed: String(counts.confirmed),
    DisplayName: stored.DisplayName ?? '',
    SubscriptionsDeleted: String(counts.deleted)
  }
  if (topic.fifo) {
    out.FifoTopic = 'true'
    out.ContentBasedDeduplication = stored.ContentBasedDeduplication ?? 'false'
  }
  for (const [name, value] of Object.entries(stored)) {
    if (name === DATA_PROTECTION_POLICY || name === 'FifoTopic' || name === ARCHIVE_START || name in out) continue
    out[name] = value
  }
  const beginning = beginningArchiveTime(stored, topic.doc.createdAt, now)
  if (beginning !== undefined) out.BeginningArchiveTime = beginning
  return out
}

/** The first attribute a repeated CreateTopic gives differently from the topic, if any. */
export function firstDifference (topic: Topic, attributes: Record<string, string>): string | undefined {
  for (const [name, value] of Object.entries(attributes)) {
    if (name === 'FifoTopic') continue
    if (name === 'ArchivePolicy' && archiveDays(value) === undefined && archiveDays(topic.attributes.ArchivePolicy) === undefined) continue
    if ((topic.attributes[name] ?? (name === 'DisplayName' ? '' : undefined)) !== value) return name
  }
  return undefined
}

/** The largest message the topic takes (MaximumMessageSize; AWS's 256 KiB by default). */
export function maxMessageBytes (topic: Topic): number {
  const set = topic.attributes.MaximumMessageSize
  return set === undefined ? 262_144 : Number(set)
}
