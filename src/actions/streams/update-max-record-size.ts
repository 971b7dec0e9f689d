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
    // Takes effect at once: records already stored stay readable whatever their size.
    stream.doc.maxRecordSizeKiB = input.max_record_size_in_ki_b
    await ctx.streams.save(stream)
    return {}
  }
})
