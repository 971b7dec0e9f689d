import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { StreamRefFields, TagKey } from './fields.js'

export const removeTagsFromStream = defineAction({
  name: 'RemoveTagsFromStream',
  input: Type.Object({
    ...StreamRefFields,
    tag_keys: Type.Array(TagKey, { minItems: 1, maxItems: 10 })
  }),
  async handle (ctx, input) {
    const stream = ctx.streams.require(input, 'mutable')
    const tags = { ...stream.doc.tags }
    for (const key of input.tag_keys) delete tags[key]
    stream.doc.tags = tags
    await ctx.streams.save(stream)
    return {}
  }
})
