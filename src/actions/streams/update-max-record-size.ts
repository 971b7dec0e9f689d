import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { MaxRecordSizeKiB, StreamArn } from './fields.js'

export const updateMaxRecordSize = defineAction({
  name: 'UpdateMaxRecordSize',
  input: Type.Object({
    // The model leaves it optional beside StreamId, which AWS does not implement: the ARN
    // is the only way to name the stream, so a missing one fails as a missing member.
    stream_arn: StreamArn,
    max_record_size_in_ki_b: MaxRecordSizeKiB
  }),
  async handle (ctx, input) {
    const stream = ctx.streams.require(input, 'mutable', 'UpdateMaxRecordSize')
    // Takes effect at once: records already stored stay readable whatever their size, and
    // readers keep room for the largest (the peak outlives a lowering).
    const before = stream.doc.maxRecordSizeKiB
    if (before !== undefined && before > input.max_record_size_in_ki_b) stream.doc.peakRecordSizeKiB = Math.max(before, stream.doc.peakRecordSizeKiB ?? 0)
    stream.doc.maxRecordSizeKiB = input.max_record_size_in_ki_b
    await ctx.streams.save(stream)
    return {}
  }
})
