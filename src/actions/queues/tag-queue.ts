import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { Empty, invalid, QueueUrl } from './fields.js'
import { checkTags, TagsInput } from './tags.js'

export const tagQueue = defineAction({
  name: 'TagQueue',
  input: Type.Object({
    queue_url: QueueUrl,
    tags: TagsInput({ minProperties: 1, errors: { minProperties: { code: 'MISSING_PARAMETER', message: 'The request must contain the parameter Tags.' } } })
  }),
  output: Empty,
  invalid,
  async handle (ctx, input) {
    const queue = ctx.queues.require(input.queue_url)
    checkTags(input.tags, queue.doc.tags)
    queue.doc.tags = { ...queue.doc.tags, ...input.tags }
    await ctx.queues.save(queue)
    return {}
  }
})
