import { ServiceError } from '../../errors.js'
import { defineAction } from '../action.js'
import { StreamRefInput, TagMap } from './fields.js'
import { checkTags, MAX_TAGS } from './tag-rules.js'

/** Kinesis allows 50 tags per stream (tag-rules.ts) and 10 per call. */

export const addTagsToStream = defineAction({
  name: 'AddTagsToStream',
  input: StreamRefInput({
    tags: TagMap(10, 1)
  }),
  async handle (ctx, input) {
    const stream = ctx.streams.require(input, 'mutable', 'AddTagsToStream')
    const failed = `Failed to add tags to stream ${stream.name} under account ${stream.scope.accountId}`
    checkTags(input.tags, failed)
    const merged = { ...stream.doc.tags, ...input.tags }
    if (Object.keys(merged).length > MAX_TAGS) {
      // AWS's words, which name an older limit; the limit is MAX_TAGS.
      throw new ServiceError('TAG_LIMIT_EXCEEDED', `${failed} because a given stream cannot have more than 10 tags associated with it.`)
    }
    stream.doc.tags = merged
    await ctx.streams.save(stream)
    return {}
  }
})
