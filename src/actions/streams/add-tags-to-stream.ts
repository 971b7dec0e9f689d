import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { defineAction } from '../action.js'
import { rejectReservedTagKeys } from './rules.js'
import { StreamRefFields, TagMap } from './fields.js'

/** Kinesis allows 50 tags per stream and 10 per call. */
export const MAX_TAGS = 50

export const addTagsToStream = defineAction({
  name: 'AddTagsToStream',
  input: Type.Object({
    ...StreamRefFields,
    tags: TagMap(10)
  }),
  async handle (ctx, input) {
    const stream = ctx.streams.require(input, 'mutable')
    const keys = Object.keys(input.tags)
    if (keys.length === 0) {
      throw new ServiceError('VALIDATION_FAILED', "1 validation error detected: Value '{}' at 'tags' failed to satisfy constraint: Member must have length greater than or equal to 1")
    }
    rejectReservedTagKeys(keys)
    const merged = { ...stream.doc.tags, ...input.tags }
    if (Object.keys(merged).length > MAX_TAGS) {
      throw new ServiceError('LIMIT_EXCEEDED', `Failed to add tags to stream ${stream.name}: a stream can have at most ${MAX_TAGS} tags, and this would make ${Object.keys(merged).length}.`)
    }
    stream.doc.tags = merged
    await ctx.streams.save(stream)
    return {}
  }
})
