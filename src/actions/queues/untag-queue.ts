import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { Empty, invalid, NameList, QueueUrl } from './fields.js'

export const untagQueue = defineAction({
  name: 'UntagQueue',
  input: Type.Object({ queue_url: QueueUrl, tag_keys: NameList('TagKey') }),
  output: Empty,
  invalid,
  async handle (ctx, input) {
    const queue = ctx.queues.require(input.queue_url)
    // Keys the queue does not have are ignored (AWS).
    const tags = { ...queue.doc.tags }
    for (const key of input.tag_keys) delete tags[key]
    queue.doc.tags = tags
    await ctx.queues.save(queue)
    return {}
  }
})
