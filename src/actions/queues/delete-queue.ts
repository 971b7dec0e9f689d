import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { Empty, invalid, QueueUrl } from './fields.js'

export const deleteQueue = defineAction({
  name: 'DeleteQueue',
  input: Type.Object({ queue_url: QueueUrl }),
  output: Empty,
  invalid,
  async handle (ctx, input) {
    await ctx.queues.delete(ctx.queues.require(input.queue_url))
    return {}
  }
})
