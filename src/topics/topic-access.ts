/**
 * Who may act on a topic: its own account always (shardline has no IAM); another account
 * only when the topic's access policy (the Policy attribute, which AddPermission and
 * RemovePermission edit) allows that account `SNS:<action>` on the topic's ARN and no
 * statement denies it (src/resource-policy.ts, the evaluator Kinesis uses too). AWS's
 * default policy allows only the owner (its statement has a Condition), so a topic is
 * closed to other accounts until its policy opens it. Tags and data protection policies
 * are the owner's alone; a subscription's own operations are also its subscriber's.
 */
import { ServiceError } from '../errors.js'
import { policyVerdict, refusal } from '../resource-policy.js'
import type { Scope } from '../scope.js'
import type { SubscriptionState } from './topic-model.js'
import type { Topic } from './topic.js'

/** What a topic policy can grant (AddPermission's action names). */
export type TopicAction = 'Publish' | 'Subscribe' | 'GetTopicAttributes' | 'SetTopicAttributes' | 'DeleteTopic' | 'AddPermission' | 'RemovePermission' | 'ListSubscriptionsByTopic'

/** What only the topic's account may do, whatever its policy says. */
export type OwnerAction = 'TagResource' | 'UntagResource' | 'ListTagsForResource' | 'PutDataProtectionPolicy' | 'GetDataProtectionPolicy'

const OWNER_ONLY: ReadonlySet<string> = new Set<OwnerAction>(['TagResource', 'UntagResource', 'ListTagsForResource', 'PutDataProtectionPolicy', 'GetDataProtectionPolicy'])

function denied (caller: Scope, action: string, arn: string, verdict: 'deny' | 'none'): ServiceError {
  return new ServiceError('SNS_AUTHORIZATION_ERROR', refusal(caller.accountId, `SNS:${action}`, arn, verdict))
}

/** Throws AuthorizationError (403), in AWS's words, unless `caller` may perform `action` on `topic`. */
export function authorizeTopic (caller: Scope, topic: Topic, action: TopicAction | OwnerAction): void {
  if (caller.accountId === topic.scope.accountId) return
  const verdict = OWNER_ONLY.has(action) ? 'none' : policyVerdict(topic.attributes.Policy, caller.accountId, `SNS:${action}`, topic.arn)
  if (verdict !== 'allow') throw denied(caller, action, topic.arn, verdict)
}

/** A subscription's operations (Unsubscribe, Get/SetSubscriptionAttributes): the topic's account or the subscriber's. */
export function authorizeSubscription (caller: Scope, topic: Topic, sub: SubscriptionState, action: string): void {
  if (caller.accountId === topic.scope.accountId || caller.accountId === sub.owner) return
  throw denied(caller, action, topic.subscriptionArn(sub), 'none')
}
