/**
 * The topics of one account and region: what an action sees as `ctx.topics`. Topics and
 * subscriptions are named by ARN; a topic ARN of another region is an invalid parameter
 * here, as AWS answers it.
 */
import { ServiceError } from '../errors.js'
import type { Scope } from '../scope.js'
import type { WriteBatch } from '../storage/store.js'
import type { AccountResources } from './account-resources.js'
import type { Outbox } from './outbox.js'
import { parseSubscriptionArn, parseTopicArn, topicArn, type SubscriptionState } from './topic-model.js'
import { authorizeSubscription, authorizeTopic, type OwnerAction, type TopicAction } from './topic-access.js'
import type { OutboxEntry, Topic } from './topic.js'
import type { TopicRegistry } from './topic-registry.js'

/**
 * AWS's InvalidParameter for an ARN `parameter` cannot name: with the count of its
 * elements when it has fewer than the six an ARN has.
 */
export function badArn (parameter: string, arn: string): ServiceError {
  const elements = arn.split(':').length
  return new ServiceError('SNS_INVALID_PARAMETER', elements < 6 ? `Invalid parameter: ${parameter} Reason: An ARN must have at least 6 elements, not ${elements}` : `Invalid parameter: ${parameter}`)
}

export function topicNotFound (): ServiceError {
  return new ServiceError('SNS_NOT_FOUND', 'Topic does not exist')
}

export class ScopedTopics {
  constructor (private readonly registry: TopicRegistry, readonly scope: Scope) {}

  get (name: string): Topic | undefined {
    return this.registry.find(this.scope, name)
  }

  /**
   * The topic an ARN names, or InvalidParameter (not an ARN) / NotFound; a topic of
   * another account only if its policy allows this account `action` (topic-access.ts).
   * `action` null: the request carries its own authority (ConfirmSubscription's token).
   */
  require (arn: string, action: TopicAction | OwnerAction | null, parameter = 'TopicArn'): Topic {
    const parsed = parseTopicArn(arn)
    if (parsed === undefined) throw badArn(parameter, arn)
    if (parsed.region !== this.scope.region) throw new ServiceError('SNS_INVALID_PARAMETER', `Invalid parameter: ${parameter}`)
    const topic = this.registry.findByArn(arn)
    if (topic === undefined || !topic.isOpen) throw topicNotFound()
    if (action !== null) authorizeTopic(this.scope, topic, action)
    return topic
  }

  /** The subscription an ARN names, with its topic; InvalidParameter, NotFound or AuthorizationError. */
  subscription (arn: string, action: string): { topic: Topic, sub: SubscriptionState } {
    const parsed = parseSubscriptionArn(arn)
    if (parsed === undefined) {
      // A topic's ARN (six elements, no subscription id) where a subscription's belongs.
      if (parseTopicArn(arn) !== undefined) throw new ServiceError('SNS_INVALID_PARAMETER', 'Invalid parameter: SubscriptionId')
      throw badArn('SubscriptionArn', arn)
    }
    const topic = parsed.region === this.scope.region ? this.registry.findByArn(`arn:aws:sns:${parsed.region}:${parsed.accountId}:${parsed.name}`) : undefined
    const sub = topic?.state.subscriptions.get(parsed.id)
    if (topic === undefined || sub === undefined) throw new ServiceError('SNS_NOT_FOUND', 'Subscription does not exist')
    authorizeSubscription(this.scope, topic, sub, action)
    return { topic, sub }
  }

  create (name: string, attributes: Record<string, string>, tags: Record<string, string>): Promise<{ topic: Topic, created: boolean }> {
    return this.registry.create(this.scope, name, attributes, tags)
  }

  list (): Topic[] {
    return this.registry.list(this.scope)
  }

  arnOf (name: string): string {
    return topicArn(this.scope, name)
  }

  delete (topic: Topic): Promise<void> {
    return this.registry.delete(topic)
  }

  stageRetention (topic: Topic, batch: WriteBatch): void {
    this.registry.stageRetention(topic, batch)
  }

  get outbox (): Outbox {
    return this.registry.outbox
  }

  /** Records a delivery of this account and region in the outbox; resolves once durable. */
  deliverToOutbox (entry: OutboxEntry): Promise<void> {
    return this.registry.outbox.add(this.scope, entry)
  }

  /** The account's platform applications, endpoints and SMS settings. */
  get resources (): AccountResources {
    return this.registry.accountResources.of(this.scope)
  }

  /** Changes the account's resources durably. */
  changeResources<T> (change: (resources: AccountResources) => T): Promise<T> {
    return this.registry.accountResources.change(this.scope, change)
  }

  get signer (): TopicRegistry['signer'] {
    return this.registry.signer
  }
}
