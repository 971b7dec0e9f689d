/**
 * ListOutbox (shardline's own, not an SNS action): what was delivered to email,
 * email-json, sms, application and firehose endpoints, oldest first.
 */
import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { invalid } from './fields.js'

export const listOutbox = defineAction({
  name: 'ListOutbox',
  input: Type.Object({ endpoint: Type.Optional(Type.String()), topic_arn: Type.Optional(Type.String()), protocol: Type.Optional(Type.String()) }),
  output: Type.Object({
    entries: Type.Array(Type.Object({
      timestamp: Type.Integer(),
      topic_arn: Type.String(),
      subscription_arn: Type.String(),
      protocol: Type.String(),
      endpoint: Type.String(),
      message_id: Type.String(),
      body: Type.String(),
      subject: Type.Optional(Type.String())
    }))
  }),
  invalid,
  async handle (ctx, input) {
    const entries = ctx.topics.outbox.list({ endpoint: input.endpoint, topicArn: input.topic_arn, protocol: input.protocol })
    return {
      entries: entries.map((e) => ({
        timestamp: e.at,
        topic_arn: e.topicArn,
        subscription_arn: e.subscriptionArn,
        protocol: e.protocol,
        endpoint: e.endpoint,
        message_id: e.messageId,
        body: e.body,
        ...(e.subject === undefined ? {} : { subject: e.subject })
      }))
    }
  }
})
