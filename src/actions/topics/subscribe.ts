import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { parseQueueArn } from '../../queues/queue-model.js'
import { MAX_SUBSCRIPTIONS_PER_TOPIC, PROTOCOLS } from '../../topics/topic-model.js'
import { defineAction } from '../action.js'
import { AttributeMap, invalid } from './fields.js'
import { checkSubscriptionAttributes, normalizedAttribute, replayWindow, SUBSCRIPTION_DEFAULTS } from './subscription-attributes.js'

/** What each protocol's endpoint must look like, and AWS's words when it does not. */
const ENDPOINTS: Record<string, { test: (e: string) => boolean, message: (e: string) => string }> = {
  http: { test: (e) => /^http:\/\/[^/\s]+/i.test(e), message: () => 'Invalid parameter: Endpoint must match the specified protocol' },
  https: { test: (e) => /^https:\/\/[^/\s]+/i.test(e), message: () => 'Invalid parameter: Endpoint must match the specified protocol' },
  email: { test: (e) => /^[^@\s]+@[^@\s]+$/.test(e), message: () => 'Invalid parameter: Email address' },
  'email-json': { test: (e) => /^[^@\s]+@[^@\s]+$/.test(e), message: () => 'Invalid parameter: Email address' },
  // AWS takes separators between digits (+12/34-567.890), not two in a row or at either end.
  sms: { test: (e) => /^\+?[0-9]+([-./\s()]?[0-9]+)*$/.test(e) && /^\+?[0-9]{5,15}$/.test(e.replace(/[-./\s()]/g, '')), message: (e) => `Invalid SMS endpoint: ${e}` },
  // A queue URL is refused: SNS takes only a queue's ARN.
  sqs: { test: (e) => parseQueueArn(e) !== undefined, message: () => 'Invalid parameter: SQS endpoint ARN' },
  lambda: { test: (e) => /^arn:aws:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]+(:[A-Za-z0-9$_-]+)?$/.test(e), message: () => 'Invalid parameter: Lambda endpoint ARN' },
  firehose: { test: (e) => /^arn:aws:firehose:[a-z0-9-]+:\d{12}:deliverystream\/[A-Za-z0-9_.-]+$/.test(e), message: () => 'Invalid parameter: Firehose endpoint ARN' },
  application: { test: (e) => /^arn:aws:sns:[a-z0-9-]+:\d{12}:endpoint\/.+$/.test(e), message: () => 'Invalid parameter: Application endpoint arn invalid' }
}

export const subscribe = defineAction({
  name: 'Subscribe',
  input: Type.Object({
    topic_arn: Type.String(),
    protocol: Type.String(),
    endpoint: Type.Optional(Type.String()),
    attributes: Type.Optional(AttributeMap()),
    return_subscription_arn: Type.Optional(Type.Boolean())
  }),
  output: Type.Object({ subscription_arn: Type.Optional(Type.String()) }),
  invalid,
  async handle (ctx, input) {
    const topic = ctx.topics.require(input.topic_arn, 'Subscribe')
    const protocol = input.protocol
    if (!(PROTOCOLS as readonly string[]).includes(protocol)) throw new ServiceError('SNS_INVALID_PARAMETER', `Invalid parameter: Amazon SNS does not support this protocol string: ${protocol}`)
    const endpoint = input.endpoint ?? ''
    if (endpoint === '') throw new ServiceError('SNS_INVALID_PARAMETER', 'Invalid parameter: Endpoint')
    if (!ENDPOINTS[protocol]!.test(endpoint)) throw new ServiceError('SNS_INVALID_PARAMETER', ENDPOINTS[protocol]!.message(endpoint))
    if (!topic.fifo && protocol === 'sqs' && endpoint.endsWith('.fifo')) throw new ServiceError('SNS_INVALID_PARAMETER', 'Invalid parameter: Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics')
    if (topic.fifo && protocol !== 'sqs') throw new ServiceError('SNS_INVALID_PARAMETER', `Invalid parameter: Invalid protocol type: ${protocol}. FIFO topics support only SQS subscriptions.`)
    const attributes = Object.fromEntries(Object.entries(input.attributes ?? {}).map(([name, value]) => [name, normalizedAttribute(name, value)]))
    checkSubscriptionAttributes(attributes, protocol, 'Invalid parameter: Attributes Reason: ', topic.fifo)
    const existing = topic.findSubscription(protocol, endpoint)
    let sub = existing
    if (existing !== undefined) {
      for (const [name, value] of Object.entries(attributes)) {
        if ((existing.attributes[name] ?? SUBSCRIPTION_DEFAULTS[name]) !== value) throw new ServiceError('SNS_INVALID_PARAMETER', 'Invalid parameter: Attributes Reason: Subscription already exists with different attributes')
      }
      // Subscribing again is how a pending endpoint asks for its confirmation once more.
      await topic.resendConfirmation(existing)
    } else {
      if (topic.state.subscriptions.size >= MAX_SUBSCRIPTIONS_PER_TOPIC) throw new ServiceError('SNS_SUBSCRIPTION_LIMIT', `Subscription limit exceeded: a topic takes ${MAX_SUBSCRIPTIONS_PER_TOPIC} subscriptions.`)
      if (attributes.FilterPolicy !== undefined && ctx.config.limits === 'aws') {
        const filtered = [...topic.state.subscriptions.values()].filter((s) => s.attributes.FilterPolicy !== undefined).length
        if (filtered >= 200) throw new ServiceError('SNS_FILTER_POLICY_LIMIT', 'Filter policy limit exceeded: a topic takes 200 subscriptions with filter policies.')
      }
      sub = await topic.subscribe(protocol, endpoint, attributes, ctx.scope.accountId)
      if (attributes.ReplayPolicy !== undefined && sub.status === 'confirmed') {
        const { from, until } = replayWindow(attributes.ReplayPolicy, '')
        await topic.replay(sub.id, from, until)
      }
    }
    if (sub!.status === 'pending' && input.return_subscription_arn !== true) return { subscription_arn: 'pending confirmation' }
    return { subscription_arn: topic.subscriptionArn(sub!) }
  }
})
