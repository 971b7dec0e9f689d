import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { encryptionAt } from '../../streams/encryption.js'
import { defineAction } from '../action.js'
import { checkRecordSize } from './rules.js'
import { HashKey, PartitionKey, RecordData, SequenceNumber, StreamRefInput } from './fields.js'

export const putRecord = defineAction({
  name: 'PutRecord',
  input: StreamRefInput({
    sequence_number_for_ordering: Type.Optional(SequenceNumber),
    partition_key: PartitionKey,
    explicit_hash_key: Type.Optional(HashKey),
    data: RecordData
  }),
  async handle (ctx, input) {
    const stream = ctx.streams.require(input, 'writable', 'PutRecord')
    const bytes = checkRecordSize(input.partition_key, input.data, undefined, stream.maxRecordBytes)
    // The record arrives at `now` (or at its shard's last arrival, if later), and a change
    // of encryption takes effect after every arrival so far (encryption.ts): this is the
    // record's own label.
    const now = ctx.config.clock()
    const encryption = encryptionAt(stream.doc.encryptionHistory, now)
    const [result] = await ctx.writer.put(stream, [{
      partitionKey: input.partition_key,
      data: input.data,
      explicitHashKey: input.explicit_hash_key,
      bytes
    }], input.sequence_number_for_ordering, now)
    if (result === undefined || !result.ok) {
      throw new ServiceError('THROUGHPUT_EXCEEDED', result?.errorMessage ?? 'Rate exceeded.')
    }
    // AWS names the encryption type only for an encrypted stream.
    return { shard_id: result.shardId, sequence_number: result.sequenceNumber, ...(encryption === undefined ? {} : { encryption_type: encryption }) }
  }
})
