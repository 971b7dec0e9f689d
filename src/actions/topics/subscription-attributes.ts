/**
 * Subscription attributes: which Subscribe and SetSubscriptionAttributes take, how each is
 * checked (filter policies are compiled here, so an invalid one is refused with AWS's
 * text and changes nothing), and what GetSubscriptionAttributes shows.
 */
import { ServiceError } from '../../errors.js'
import { parseQueueArn } from '../../queues/queue-model.js'
import { deliveryPolicyProblem, effectivePolicy } from '../../topics/delivery-policy.js'
import { compileFilterPolicy, type FilterScope } from '../../topics/filter-policy.js'
import type { SubscriptionState } from '../../topics/topic-model.js'
import type { Topic } from '../../topics/topic.js'

export const SETTABLE = ['DeliveryPolicy', 'FilterPolicy', 'FilterPolicyScope', 'RawMessageDelivery', 'RedrivePolicy', 'SubscriptionRoleArn', 'ReplayPolicy'] as const

/** What a subscription attribute is when it was never set, for Subscribe's "same attributes" check. */
export const SUBSCRIPTION_DEFAULTS: Readonly<Record<string, string>> = { RawMessageDelivery: 'false', FilterPolicyScope: 'MessageAttributes' }

/** An attribute's value as kept: AWS takes RawMessageDelivery in any case and keeps it lower-case. */
export function normalizedAttribute (name: string, value: string): string {
  return name === 'RawMessageDelivery' && /^(true|false)$/i.test(value) ? value.toLowerCase() : value
}

function bad (prefix: string, name: string, reason: string): ServiceError {
  return new ServiceError('SNS_INVALID_PARAMETER', `${prefix}${name}: ${reason}`)
}

/**
 * Checks attributes as they would be after the change (`next`, the whole set), for a
 * subscription of `protocol`. `prefix`: "Invalid parameter: Attributes Reason: " for
 * Subscribe, "Invalid parameter: " for SetSubscriptionAttributes.
 */
export function checkSubscriptionAttributes (next: Record<string, string>, protocol: string, prefix: string, fifoTopic = false): void {
  for (const [name, value] of Object.entries(next)) {
    switch (name) {
      case 'RawMessageDelivery':
        if (value !== 'true' && value !== 'false') throw bad(prefix, name, `Invalid value [${value}]. Must be true or false.`)
        if (value === 'true' && !['sqs', 'http', 'https', 'firehose'].includes(protocol)) throw bad(prefix, name, `Invalid value [${value}]. Must be false.`)
        break
      case 'FilterPolicyScope':
        if (value !== 'MessageAttributes' && value !== 'MessageBody') throw bad(prefix, name, `Invalid value [${value}]. Please use either MessageBody or MessageAttributes`)
        break
      case 'FilterPolicy':
        if (value !== '') compileFilterPolicy(value, (next.FilterPolicyScope ?? 'MessageAttributes') as FilterScope, prefix)
        break
      case 'ReplayPolicy':
        replayWindow(value, prefix)
        break
      case 'DeliveryPolicy': {
        // '' removes the policy.
        if (value === '') break
        let policy: unknown
        try {
          policy = JSON.parse(value)
        } catch {
          throw bad(prefix, name, 'Invalid JSON')
        }
        const problem = deliveryPolicyProblem(policy, 'subscription')
        if (problem !== undefined) throw bad(prefix, name, problem)
        break
      }
      case 'RedrivePolicy': {
        let target: unknown
        try {
          target = (JSON.parse(value) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn
        } catch (err) {
          throw bad(prefix, name, `failed to parse JSON. ${err instanceof Error ? err.message : ''}`.trimEnd())
        }
        if (typeof target !== 'string' || parseQueueArn(target) === undefined) throw bad(prefix, name, 'deadLetterTargetArn is an invalid arn')
        if (fifoTopic && !target.endsWith('.fifo')) throw bad(prefix, name, 'must use a FIFO queue as DLQ for a FIFO Subscription to a FIFO Topic.')
        break
      }
      case 'SubscriptionRoleArn':
        break
      default:
        throw new ServiceError('SNS_INVALID_PARAMETER', `${prefix.replace(/Attributes Reason: $/, '')}AttributeName`)
    }
  }
}

function pointOf (value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string' && value !== '') {
    const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value)
    return Number.isNaN(ms) ? undefined : ms
  }
  return undefined
}

/**
 * A ReplayPolicy's window in ms: `{"PointType": "Timestamp", "StartingPoint": ISO 8601 or
 * epoch ms, "EndingPoint": optional}`.
 */
export function replayWindow (value: string, prefix: string): { from: number, until?: number } {
  let policy: Record<string, unknown>
  try {
    policy = JSON.parse(value) as Record<string, unknown>
  } catch {
    throw bad(prefix, 'ReplayPolicy', 'Invalid JSON')
  }
  if (policy.PointType !== 'Timestamp') throw bad(prefix, 'ReplayPolicy', 'PointType must be Timestamp')
  const from = pointOf(policy.StartingPoint)
  if (from === undefined) throw bad(prefix, 'ReplayPolicy', 'StartingPoint must be a timestamp')
  if (policy.EndingPoint === undefined) return { from }
  const until = pointOf(policy.EndingPoint)
  if (until === undefined || until < from) throw bad(prefix, 'ReplayPolicy', 'EndingPoint must be a timestamp after StartingPoint')
  return { from, until }
}

export function renderSubscriptionAttributes (topic: Topic, sub: SubscriptionState): Record<string, string> {
  const out: Record<string, string> = {
    Owner: sub.owner,
    RawMessageDelivery: 'false',
    TopicArn: topic.arn,
    Endpoint: sub.endpoint,
    Protocol: sub.protocol,
    PendingConfirmation: String(sub.status === 'pending'),
    ConfirmationWasAuthenticated: String(sub.status === 'confirmed'),
    SubscriptionArn: topic.subscriptionArn(sub),
    SubscriptionPrincipal: `arn:aws:iam::${sub.owner}:root`
  }
  if (sub.protocol === 'http' || sub.protocol === 'https') {
    // AWS shows the subscription's own shape (healthyRetryPolicy, throttlePolicy,
    // requestPolicy...), each part as in force; SQS and other protocols show none.
    out.EffectiveDeliveryPolicy = JSON.stringify(effectivePolicy(topic.attributes.DeliveryPolicy, sub.attributes.DeliveryPolicy))
  }
  for (const [name, value] of Object.entries(sub.attributes)) out[name] = value
  // AWS shows a scope only beside a filter policy (the scope set alone is kept, not shown).
  if (out.FilterPolicy === undefined || out.FilterPolicy === '') {
    delete out.FilterPolicy
    delete out.FilterPolicyScope
  } else if (out.FilterPolicyScope === undefined) {
    out.FilterPolicyScope = SUBSCRIPTION_DEFAULTS.FilterPolicyScope!
  }
  if (sub.attributes.ReplayPolicy !== undefined) out.ReplayStatus = sub.replay !== undefined ? 'In progress' : 'Completed'
  return out
}
