import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { MIB } from '../../streams/shard-throttle.js'
import { encryptionAt } from '../../streams/encryption.js'
import { defineAction } from '../action.js'
import { HashKey, PartitionKey, RecordData, StreamRefInput } from './fields.js'
import { checkRecordSize, recordSize } from './rules.js'

/** AWS raised it from 5 MiB when records could grow to 10 MiB (UpdateMaxRecordSize), for every stream. */
const MAX_REQUEST_BYTES = 10 * MIB

/** How AWS prints a request entry in a validation message (the Java object's toString). */
const RECORD_ENTRY_JAVA_NAME = 'com.amazonaws.kinesis.v20131202.PutRecordsRequestEntry@c965e310'

export const putRecords = defineAction({
  name: 'PutRecords',
  input: StreamRefInput({
    records: Type.Array(Type.Object({
      partition_key: PartitionKey,
      explicit_hash_key: Type.Optional(HashKey),
      data: RecordData
    }, { javaName: RECORD_ENTRY_JAVA_NAME }), { minItems: 1, maxItems: 500 })
  }),
  async handle (ctx, input) {
    // The request's size is the same limit for every stream, so AWS checks it with the
    // request, before the stream is looked up; each record's, which is the stream's, after.
    const sizes = input.records.map((r) => recordSize(r.partition_key, r.data))
    const total = sizes.reduce((sum, bytes) => sum + bytes, 0)
    if (total > MAX_REQUEST_BYTES) {
      throw new ServiceError('INVALID_ARGUMENT', `Records size exceeds the 10 MiB limit: the request holds ${total} bytes of data and partition keys; send at most ${MAX_REQUEST_BYTES}.`)
    }
    const stream = ctx.streams.require(input, 'writable', 'PutRecords')
    const max = stream.maxRecordBytes
    input.records.forEach((r, i) => checkRecordSize(r.partition_key, r.data, i, max, sizes[i]))
    // The records' label, as in PutRecord.
    const now = ctx.config.clock()
    const encryption = encryptionAt(stream.doc.encryptionHistory, now)
    const results = await ctx.writer.put(stream, input.records.map((r, i) => ({
      partitionKey: r.partition_key,
      data: r.data,
      explicitHashKey: r.explicit_hash_key,
      bytes: sizes[i]!
    })), undefined, now)
    // AWS names the encryption type only for an encrypted stream.
    return {
      failed_record_count: results.filter((r) => !r.ok).length,
      records: results.map((r) => r.ok
        ? { sequence_number: r.sequenceNumber, shard_id: r.shardId }
        : { error_code: r.errorCode, error_message: r.errorMessage }),
      ...(encryption === undefined ? {} : { encryption_type: encryption })
    }
  }
})
