import { randomUUID } from 'node:crypto'
import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { parseTopicArn } from '../../topics/topic-model.js'
import { badArn } from '../../topics/scoped-topics.js'
import { defineAction } from '../action.js'
import { invalid, MessageAttributeMap } from './fields.js'
import { publishSpecOf } from './publish-rules.js'
import { deliverDirect } from './platform-store.js'

export const MessageFields = {
  message: Type.String(),
  subject: Type.Optional(Type.String()),
  message_structure: Type.Optional(Type.String()),
  message_attributes: Type.Optional(MessageAttributeMap()),
  message_deduplication_id: Type.Optional(Type.String()),
  message_group_id: Type.Optional(Type.String())
}

export const publish = defineAction({
  name: 'Publish',
  input: Type.Object({
    topic_arn: Type.Optional(Type.String()),
    target_arn: Type.Optional(Type.String()),
    phone_number: Type.Optional(Type.String()),
    ...MessageFields
  }),
  output: Type.Object({ message_id: Type.String(), sequence_number: Type.Optional(Type.String()) }),
  invalid,
  async handle (ctx, input) {
    const target = input.topic_arn ?? input.target_arn
    if ((target === undefined || target === '') && (input.phone_number === undefined || input.phone_number === '')) {
      throw new ServiceError('SNS_INVALID_PARAMETER', 'Invalid parameter: TopicArn or TargetArn Reason: no value for required parameter')
    }
    // A TopicArn must name a topic; a TargetArn may name a platform endpoint.
    if (input.topic_arn !== undefined && parseTopicArn(input.topic_arn) === undefined) throw badArn('TopicArn', input.topic_arn)
    // A platform endpoint or a phone number is delivered straight to the outbox.
    if (target === undefined || parseTopicArn(target) === undefined || /:endpoint\//.test(target)) {
      if (input.message === '') throw new ServiceError('SNS_INVALID_PARAMETER', 'Invalid parameter: Empty message')
      const messageId = randomUUID()
      await deliverDirect(ctx, target, input.phone_number, messageId, input.message, input.subject)
      return { message_id: messageId }
    }
    const topic = ctx.topics.require(target, 'Publish', input.topic_arn === undefined ? 'TargetArn' : 'TopicArn')
    const [result] = await topic.publish([publishSpecOf(topic, input, ctx.traceHeader)])
    return { message_id: result!.messageId, ...(result!.sequenceNumber === undefined ? {} : { sequence_number: result!.sequenceNumber }) }
  }
})
