/**
 * ListSubscriptions and ListSubscriptionsByTopic: 100 per page, in ARN order; a pending
 * subscription's SubscriptionArn reads "PendingConfirmation", as in AWS.
 */
import { Type } from '@sinclair/typebox'
import type { SubscriptionState } from '../../topics/topic-model.js'
import type { Topic } from '../../topics/topic.js'
import { defineAction, type ActionContext } from '../action.js'
import { pageOf } from './common.js'
import { invalid, NextToken } from './fields.js'

const Subscription = Type.Object({
  subscription_arn: Type.String(),
  owner: Type.String(),
  protocol: Type.String(),
  endpoint: Type.String(),
  topic_arn: Type.String()
})

const Output = Type.Object({
  subscriptions: Type.Optional(Type.Array(Subscription)),
  next_token: Type.Optional(Type.String())
})

function listed (ctx: ActionContext, kind: string, topics: readonly Topic[], nextToken: string | undefined) {
  const all: Array<{ topic: Topic, sub: SubscriptionState, arn: string }> = []
  for (const topic of topics) for (const sub of topic.state.subscriptions.values()) all.push({ topic, sub, arn: topic.subscriptionArn(sub) })
  all.sort((a, b) => (a.arn < b.arn ? -1 : a.arn > b.arn ? 1 : 0))
  const { page, next } = pageOf(ctx, kind, all, (s) => s.arn, nextToken)
  return {
    subscriptions: page.map(({ topic, sub, arn }) => ({
      subscription_arn: sub.status === 'pending' ? 'PendingConfirmation' : arn,
      owner: sub.owner,
      protocol: sub.protocol,
      endpoint: sub.endpoint,
      topic_arn: topic.arn
    })),
    ...(next === undefined ? {} : { next_token: next })
  }
}

export const listSubscriptions = defineAction({
  name: 'ListSubscriptions',
  input: Type.Object({ next_token: Type.Optional(NextToken) }),
  output: Output,
  invalid,
  async handle (ctx, input) {
    return listed(ctx, 'ListSubscriptions', ctx.topics.list().filter((t) => t.isOpen), input.next_token)
  }
})

export const listSubscriptionsByTopic = defineAction({
  name: 'ListSubscriptionsByTopic',
  input: Type.Object({ topic_arn: Type.String(), next_token: Type.Optional(NextToken) }),
  output: Output,
  invalid,
  async handle (ctx, input) {
    return listed(ctx, 'ListSubscriptionsByTopic', [ctx.topics.require(input.topic_arn, 'ListSubscriptionsByTopic')], input.next_token)
  }
})
