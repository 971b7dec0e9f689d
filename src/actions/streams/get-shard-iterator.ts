import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { SequenceNumber, ShardId, ShardIteratorType, StreamRefInput } from './fields.js'
import { Timestamp } from '../schema.js'
import { readableShard } from './shard-lookup.js'

export const getShardIterator = defineAction({
  name: 'GetShardIterator',
  input: StreamRefInput({
    shard_id: ShardId,
    shard_iterator_type: ShardIteratorType,
    starting_sequence_number: Type.Optional(SequenceNumber),
    timestamp: Type.Optional(Timestamp)
  }),
  async handle (ctx, input) {
    const { stream, shard } = readableShard(ctx, input, input.shard_id, 'GetShardIterator')
    return {
      shard_iterator: await ctx.reader.iterator(stream, shard, {
        type: input.shard_iterator_type,
        sequenceNumber: input.starting_sequence_number,
        timestamp: input.timestamp
      }, ctx.pageRenderer)
    }
  }
})
