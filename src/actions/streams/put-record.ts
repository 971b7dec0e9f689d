import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { defineAction } from '../action.js'
import { checkRecordSize } from './rules.js'
import { HashKey, PartitionKey, RecordData, SequenceNumber, StreamRefFields } from './fields.js'

export const putRecord = defineAction({
  name: 'PutRecord',
  input: Type.Object({
    ...StreamRefFields,
    data: RecordData,
    partition_key: PartitionKey,
    explicit_hash_key: Type.Optional(HashKey),
    sequence_number_for_ordering: Type.Optional(SequenceNumber)
  }),
  async handle (ctx, input) {
    const bytes = checkRecordSize(input.partition_key, input.data, 'The record')
    const stream = ctx.streams.require(input, 'writable')
    const [result] = await ctx.writer.put(stream, [{
      partitionKey: input.partition_key,
      data: input.data,
      explicitHashKey: input.explicit_hash_key,
      bytes
    }], input.sequence_number_for_ordering)
    if (result === undefined || !result.ok) {
      throw new ServiceError('THROUGHPUT_EXCEEDED', result?.errorMessage ?? 'Rate exceeded.')
    }
    return { shard_id: result.shardId, sequence_number: result.sequenceNumber, encryption_type: 'NONE' }
  }
})
