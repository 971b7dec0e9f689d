/**
 * Topics as the console shows them, pushed with the feed: each topic's exact subscription
 * counts (GetTopicAttributes' SubscriptionsConfirmed/Pending/Deleted) and messages
 * published; for the topic a page follows, every subscription with its confirmation and
 * delivery state, its dead-letter queue, and the topic's newest outbox entries.
 *
 * The delivery state is what no SNS call reports: how far the subscription's cursor is
 * behind the topic's last message, and its pump's meters (delivered, failed, the retry
 * under way, the last failure), counted since the server started.
 */
import { renderSubscriptionAttributes } from '../actions/topics/subscription-attributes.js'
import { renderTopicAttributes } from '../actions/topics/topic-attributes.js'
import type { QueueRegistry } from '../queues/queue-registry.js'
import type { OutboxEntry, Topic } from '../topics/topic.js'
import type { TopicRegistry } from '../topics/topic-registry.js'
import type { SubscriptionState } from '../topics/topic-model.js'

export interface TopicSummary {
  readonly name: string
  readonly arn: string
  readonly fifo: boolean
  readonly confirmed: number
  readonly pending: number
  readonly deleted: number
  readonly published: number
}

export interface DeliveryState {
  /** Messages published after the subscription's cursor (a filter may skip some of them). */
  readonly behind: number
  readonly replaying: boolean
  readonly delivered: number
  readonly failed: number
  readonly deadLettered: number
  readonly failedAttempts: number
  readonly lastDeliveryAt?: number | undefined
  readonly lastFailure?: { readonly at: number, readonly code: string, readonly message: string } | undefined
  readonly retrying?: { readonly attempt: number, readonly of: number, readonly nextAt: number } | undefined
}

export interface SubscriptionSummary {
  readonly arn: string
  readonly protocol: string
  readonly endpoint: string
  /** SNS's wording: PendingConfirmation until confirmed. */
  readonly status: 'PendingConfirmation' | 'confirmed'
  readonly filterPolicy?: string | undefined
  readonly filterPolicyScope?: string | undefined
  readonly rawMessageDelivery: boolean
  /** The RedrivePolicy's deadLetterTargetArn, and the queue's name if it exists. */
  readonly deadLetterArn?: string | undefined
  readonly deadLetterQueue?: string | undefined
  readonly attributes: Record<string, string>
  /** Undefined while pending: nothing is delivered before the confirmation. */
  readonly delivery?: DeliveryState | undefined
}

export interface TopicDetail extends TopicSummary {
  readonly attributes: Record<string, string>
  readonly subscriptions: SubscriptionSummary[]
  /** The newest outbox entries of this topic, newest first. */
  readonly outbox: OutboxEntry[]
  /** Entries the outbox holds for this topic in all. */
  readonly outboxTotal: number
}

/** The page shows the newest entries; the rest are a GET of /_shardline/sns/outbox away. */
export const OUTBOX_SHOWN = 20

export function topicSummary (topic: Topic): TopicSummary {
  const counts = topic.state.counts()
  return {
    name: topic.name,
    arn: topic.arn,
    fifo: topic.fifo,
    confirmed: counts.confirmed,
    pending: counts.pending,
    deleted: counts.deleted,
    published: topic.published
  }
}

function deadLetterArn (sub: SubscriptionState): string | undefined {
  const text = sub.attributes.RedrivePolicy
  if (text === undefined) return undefined
  try {
    const arn = (JSON.parse(text) as { deadLetterTargetArn?: unknown }).deadLetterTargetArn
    return typeof arn === 'string' ? arn : undefined
  } catch {
    return undefined
  }
}

function deliveryState (topic: Topic, sub: SubscriptionState): DeliveryState | undefined {
  if (sub.status !== 'confirmed') return undefined
  const meters = topic.pumps.metersOf(sub.id)
  const last = topic.published
  // A replay's cursor names a time, not a counter: how far it is behind is not known exactly.
  const replaying = sub.replay !== undefined
  const behind = replaying ? 0 : Math.max(0, last - sub.cursor[1])
  return {
    behind,
    replaying,
    delivered: meters?.delivered ?? 0,
    failed: meters?.failed ?? 0,
    deadLettered: meters?.deadLettered ?? 0,
    failedAttempts: meters?.failedAttempts ?? 0,
    lastDeliveryAt: meters?.lastDeliveryAt,
    lastFailure: meters?.lastFailure,
    retrying: meters?.retrying
  }
}

export function topicDetail (topic: Topic, topics: TopicRegistry, queues: QueueRegistry): TopicDetail {
  const subscriptions = [...topic.state.subscriptions.values()]
    .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1))
    .map((sub): SubscriptionSummary => {
      const dlq = deadLetterArn(sub)
      return {
        arn: topic.subscriptionArn(sub),
        protocol: sub.protocol,
        endpoint: sub.endpoint,
        status: sub.status === 'confirmed' ? 'confirmed' : 'PendingConfirmation',
        filterPolicy: sub.attributes.FilterPolicy,
        filterPolicyScope: sub.attributes.FilterPolicy === undefined ? undefined : (sub.attributes.FilterPolicyScope ?? 'MessageAttributes'),
        rawMessageDelivery: sub.attributes.RawMessageDelivery === 'true',
        deadLetterArn: dlq,
        deadLetterQueue: dlq === undefined ? undefined : queues.findByArn(dlq)?.name,
        attributes: renderSubscriptionAttributes(topic, sub),
        delivery: deliveryState(topic, sub)
      }
    })
  const outbox = topics.outbox.list({ topicArn: topic.arn })
  return {
    ...topicSummary(topic),
    attributes: renderTopicAttributes(topic, topics.config.clock()),
    subscriptions,
    outbox: outbox.slice(-OUTBOX_SHOWN).reverse(),
    outboxTotal: outbox.length
  }
}
