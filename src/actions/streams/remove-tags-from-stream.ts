import { defineAction } from '../action.js'
import { checkTagKeys } from './tag-rules.js'
import { StreamRefInput, TagKeyList } from './fields.js'

export const removeTagsFromStream = defineAction({
  name: 'RemoveTagsFromStream',
  input: StreamRefInput({
    tag_keys: TagKeyList(10)
  }),
  async handle (ctx, input) {
    const stream = ctx.streams.require(input, 'mutable', 'RemoveTagsFromStream')
    checkTagKeys(input.tag_keys, `Failed to remove tags from stream ${stream.name} under account ${stream.scope.accountId}`)
    const tags = { ...stream.doc.tags }
    for (const key of input.tag_keys) delete tags[key]
    stream.doc.tags = tags
    await ctx.streams.save(stream)
    return {}
  }
})
