import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { invalid, QueueUrl } from './fields.js'
import { TagsInput } from './tags.js'

export const listQueueTags = defineAction({
  name: 'ListQueueTags',
  input: Type.Object({ queue_url: QueueUrl }),
  output: Type.Object({ tags: Type.Optional(TagsInput()) }),
  invalid,
  async handle (ctx, input) {
    const tags = ctx.queues.require(input.queue_url).doc.tags
    return Object.keys(tags).length === 0 ? {} : { tags: { ...tags } }
  }
})
