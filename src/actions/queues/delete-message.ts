import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { Empty, invalid, QueueUrl, ReceiptHandle } from './fields.js'

export const deleteMessage = defineAction({
  name: 'DeleteMessage',
  input: Type.Object({ queue_url: QueueUrl, receipt_handle: ReceiptHandle }),
  output: Empty,
  invalid,
  async handle (ctx, input) {
    const queue = ctx.queues.require(input.queue_url)
    const [error] = await queue.delete([input.receipt_handle])
    if (error !== undefined) throw error
    return {}
  }
})
