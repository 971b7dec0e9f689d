import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { StreamRefInput, TagKey } from './fields.js'

export const listTagsForStream = defineAction({
  name: 'ListTagsForStream',
  input: StreamRefInput({
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 50 })),
    exclusive_start_tag_key: Type.Optional(TagKey)
  }),
  async handle (ctx, input) {
    const stream = ctx.streams.require(input, 'any', 'ListTagsForStream')
    const start = input.exclusive_start_tag_key
    const tags = Object.entries(stream.doc.tags)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .filter(([key]) => start === undefined || key > start)
    const page = tags.slice(0, input.limit ?? 50)
    return {
      tags: page.map(([key, value]) => ({ key, value })),
      has_more_tags: page.length < tags.length
    }
  }
})
