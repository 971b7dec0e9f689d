/**
 * The hand-rolled GetRecordsResponse encoder must decode exactly as proto-loader's generic
 * serializer does, for every shape a record can take, and fall back where it does not apply.
 */
import { describe, expect, it } from 'vitest'
import { loadProtos } from '../src/grpc/proto.js'
import { recordsSerializer } from '../src/grpc/records-encoder.js'

interface Method {
  responseSerialize: (value: object) => Buffer
  responseDeserialize: (bytes: Buffer) => object
}
const method = (loadProtos()['shardline.v1.StreamService'] as unknown as Record<string, Method>).GetRecords!
const fast = recordsSerializer(method.responseSerialize)

function decoded (bytes: Buffer): unknown {
  // Copied: the fast encoder's result is reused by the next call.
  return method.responseDeserialize(Buffer.from(bytes))
}

function record (i: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { sequence_number: `4${String(i).padStart(55, '0')}`, approximate_arrival_timestamp: 1_763_800_000_000 + i, data: Buffer.alloc(i % 300, i), partition_key: `pk-${i}`, ...over }
}

describe('GetRecords response encoder', () => {
  const cases: Array<[string, object]> = [
    ['plain records, an iterator and lag', { records: Array.from({ length: 50 }, (_, i) => record(i)), next_shard_iterator: 'it', millis_behind_latest: 5, child_shards: [] }],
    ['multi-byte partition keys and empty data', { records: [record(0, { partition_key: 'ключ-🔑', data: Buffer.alloc(0) }), record(1, { partition_key: 'é'.repeat(256) })], millis_behind_latest: 0, child_shards: [] }],
    ['arrival times of 0 and above 2^32, data above 127 and 16383 bytes', { records: [record(1, { approximate_arrival_timestamp: 0, data: Buffer.alloc(128, 7) }), record(2, { approximate_arrival_timestamp: 2 ** 52 + 1, data: Buffer.alloc(20_000, 9) })], child_shards: [] }],
    ['child shards of an ended shard', { records: [record(3)], millis_behind_latest: 0, child_shards: [{ shard_id: 'shardId-000000000001', parent_shards: ['shardId-000000000000'], hash_key_range: { starting_hash_key: '0', ending_hash_key: '17' } }] }],
    ['no records', { records: [], next_shard_iterator: 'it', millis_behind_latest: 0, child_shards: [] }],
    ['encrypted records among unencrypted ones', { records: [record(5, { encryption_type: 'KMS' }), record(6), record(7, { encryption_type: 'KMS', data: Buffer.alloc(0) })], next_shard_iterator: 'it', child_shards: [] }],
    ['a record the fast path does not take (encryption type NONE set)', { records: [record(4, { encryption_type: 'NONE' })], child_shards: [] }]
  ]
  for (const [name, message] of cases) {
    it(`decodes as the generic encoding does: ${name}`, () => {
      expect(decoded(fast(message))).toEqual(decoded(method.responseSerialize(message)))
    })
  }

  it('writes an encrypted record byte for byte as protobufjs does', () => {
    const message = { records: [record(8, { encryption_type: 'KMS' }), record(9)] }
    expect(Buffer.from(fast(message)).equals(method.responseSerialize(message))).toBe(true)
    expect((decoded(fast(message)) as { records: Array<{ encryption_type?: string }> }).records.map((r) => r.encryption_type)).toEqual(['KMS', undefined])
  })

  it('writes each record\'s fields into the message (not left over from a larger earlier one)', () => {
    fast({ records: Array.from({ length: 20 }, (_, i) => record(i, { data: Buffer.alloc(1000, 0xff) })) })
    const small = { records: [record(7, { data: Buffer.from('abc') })], child_shards: [] }
    expect(decoded(fast(small))).toEqual(decoded(method.responseSerialize(small)))
  })
})

describe('SubscribeToShardEvent encoder', () => {
  const event = (loadProtos()['shardline.v1.StreamService'] as unknown as Record<string, Method>).SubscribeToShard!
  const eventFast = recordsSerializer(event.responseSerialize)
  const eventDecoded = (bytes: Buffer): unknown => event.responseDeserialize(Buffer.from(bytes))
  const cases: Array<[string, object]> = [
    ['records, a continuation and lag', { records: Array.from({ length: 20 }, (_, i) => record(i)), continuation_sequence_number: 'c', millis_behind_latest: 3 }],
    ['a heartbeat with no records', { records: [], continuation_sequence_number: 'c', millis_behind_latest: 0 }],
    ['encrypted records', { records: [record(2, { encryption_type: 'KMS' }), record(3, { encryption_type: 'KMS' })], continuation_sequence_number: 'c', millis_behind_latest: 0 }],
    ['the last event of a closed shard', { records: [record(1)], millis_behind_latest: 0, child_shards: [{ shard_id: 'shardId-000000000002', parent_shards: ['shardId-000000000000', 'shardId-000000000001'], hash_key_range: { starting_hash_key: '0', ending_hash_key: '99' } }] }]
  ]
  for (const [name, message] of cases) {
    it(`decodes as the generic encoding does: ${name}`, () => {
      expect(eventDecoded(eventFast(message))).toEqual(eventDecoded(event.responseSerialize(message)))
    })
  }
})
