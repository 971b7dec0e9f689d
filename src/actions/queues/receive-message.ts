import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { invalid, NameList, QueueUrl, ReceiveRequestAttemptId, StringMap, VisibilityTimeout } from './fields.js'
import { MessageAttributeOutput, renderDelivery, selectionOf } from './received-messages.js'

export const receiveMessage = defineAction({
  name: 'ReceiveMessage',
  input: Type.Object({
    queue_url: QueueUrl,
    attribute_names: Type.Optional(NameList('AttributeName')),
    message_system_attribute_names: Type.Optional(NameList('MessageSystemAttributeName')),
    message_attribute_names: Type.Optional(NameList('MessageAttributeName')),
    max_number_of_messages: Type.Optional(Type.Integer({ minimum: 1, maximum: 10, reason: 'Must be between 1 and 10, if provided.' })),
    visibility_timeout: Type.Optional(VisibilityTimeout),
    wait_time_seconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 20, reason: 'Must be >= 0 and <= 20, if provided.' })),
    receive_request_attempt_id: Type.Optional(ReceiveRequestAttemptId)
  }),
  output: Type.Object({
    messages: Type.Optional(Type.Array(Type.Object({
      message_id: Type.String(),
      receipt_handle: Type.String(),
      md5_of_body: Type.String(),
      body: Type.String(),
      attributes: Type.Optional(StringMap('Attribute', 'Name', 'Value')),
      md5_of_message_attributes: Type.Optional(Type.String()),
      message_attributes: Type.Optional(Type.Record(Type.String(), MessageAttributeOutput, { queryName: 'MessageAttribute', queryKey: 'Name', queryValue: 'Value' }))
    }), { queryName: 'Message' }))
  }),
  invalid,
  async handle (ctx, input) {
    const queue = ctx.queues.require(input.queue_url)
    const settings = queue.doc.settings
    const selection = selectionOf(input.attribute_names, input.message_system_attribute_names, input.message_attribute_names)
    const deliveries = await queue.receive({
      max: input.max_number_of_messages ?? 1,
      visibilityTimeout: input.visibility_timeout ?? settings.visibilityTimeout,
      waitSeconds: input.wait_time_seconds ?? settings.receiveMessageWaitTimeSeconds,
      attemptId: input.receive_request_attempt_id
    })
    // AWS leaves `Messages` out when there are none.
    return deliveries.length === 0 ? {} : { messages: deliveries.map((d) => renderDelivery(queue, d, selection)) }
  }
})
