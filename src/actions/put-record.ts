import { Type } from '@sinclair/typebox'
import { ServiceError } from '../errors.js'
import { MIB } from '../streams/shard-throttle.js'
import { defineAction } from './action.js'
import { HashKey, PartitionKey, RecordData, SequenceNumber, StreamRefFields } from './fields.js'

/** A record (data plus partition key) may not exceed 1 MiB. */
export function checkRecordSize (partitionKey: string, data: Uint8Array, where: string): number {
  const bytes = data.byteLength + Buffer.byteLength(partitionKey, 'utf8')
  if (bytes > MIB) {
    throw new ServiceError('VALIDATION_FAILED', `1 validation error detected: ${where} is ${bytes} bytes (data plus partition key); a record may be at most ${MIB} bytes.`)
  }
  return bytes
}

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
    checkRecordSize(input.partition_key, input.data, 'The record')
    const stream = ctx.streams.require(input, 'writable')
    const [result] = await ctx.writer.put(stream, [{
      partitionKey: input.partition_key,
      data: input.data,
      explicitHashKey: input.explicit_hash_key
    }], input.sequence_number_for_ordering)
    if (result === undefined || !result.ok) {
      throw new ServiceError('THROUGHPUT_EXCEEDED', result?.errorMessage ?? 'Rate exceeded.')
    }
    return { shard_id: result.shardId, sequence_number: result.sequenceNumber, encryption_type: 'NONE' }
  }
})
