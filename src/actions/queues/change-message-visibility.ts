import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { Empty, invalid, QueueUrl, ReceiptHandle, VisibilityTimeout } from './fields.js'

export const changeMessageVisibility = defineAction({
  name: 'ChangeMessageVisibility',
  input: Type.Object({ queue_url: QueueUrl, receipt_handle: ReceiptHandle, visibility_timeout: VisibilityTimeout }),
  output: Empty,
  invalid,
  async handle (ctx, input) {
    const queue = ctx.queues.require(input.queue_url)
    const [error] = await queue.changeVisibility([{ handle: input.receipt_handle, timeout: input.visibility_timeout }])
    if (error !== undefined) throw error
    return {}
  }
})
