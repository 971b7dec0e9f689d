import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { SequenceNumber, ShardId, StreamRefFields } from './fields.js'
import { StringEnum, Timestamp } from '../schema.js'

export const getShardIterator = defineAction({
  name: 'GetShardIterator',
  input: Type.Object({
    ...StreamRefFields,
    shard_id: ShardId,
    shard_iterator_type: StringEnum(['AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER', 'TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP']),
    starting_sequence_number: Type.Optional(SequenceNumber),
    timestamp: Type.Optional(Timestamp)
  }),
  async handle (ctx, input) {
    const stream = ctx.streams.require(input, 'readable')
    const shard = ctx.reader.shardOf(stream, input.shard_id)
    return {
      shard_iterator: ctx.reader.iterator(stream, shard, {
        type: input.shard_iterator_type,
        sequenceNumber: input.starting_sequence_number,
        timestamp: input.timestamp
      }, ctx.pageRenderer)
    }
  }
})
