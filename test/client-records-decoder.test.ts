/**
 * The client's hand-rolled GetRecordsResponse decoder must give exactly what proto-loader
 * gives, for every shape a page can take, and hand over to it where it does not apply.
 */
import { describe, expect, it } from 'vitest'
import { streamingMethod, unaryMethod } from '../client/proto.js'
import { recordsDeserializer } from '../client/records-decoder.js'
import { loadProtoRoot } from '../src/grpc/proto.js'
import { bytesField, message, stringField, varintField } from './helpers/protowire.js'

const generic = unaryMethod('GetRecords').responseDeserialize
const fast = recordsDeserializer(generic)
const type = loadProtoRoot().lookupType('shardline.v1.GetRecordsResponse')

function encode (message: object): Buffer {
  return Buffer.from(type.encode(type.fromObject(message)).finish())
}

/** A decoder's result, or the error it threw: some malformed messages are refused by both. */
function outcome (decode: () => object): { value: object } | { error: string } {
  try {
    return { value: decode() }
  } catch (err) {
    return { error: String(err) }
  }
}

function record (i: number, over: Record<string, unknown> = {}): Record<string, unknown> {
  return { sequence_number: `4${String(i).padStart(55, '0')}`, approximate_arrival_timestamp: 1_763_800_000_000 + i, data: Buffer.alloc(i % 300, i), partition_key: `pk-${i}`, ...over }
}

describe('GetRecords response decoder (client)', () => {
  const cases: Array<[string, object]> = [
    ['plain records, an iterator and lag', { records: Array.from({ length: 50 }, (_, i) => record(i)), next_shard_iterator: 'it', millis_behind_latest: 5 }],
    ['multi-byte partition keys, empty data, arrival time 0', { records: [record(0, { partition_key: 'ключ-🔑', data: Buffer.alloc(0), approximate_arrival_timestamp: 0 }), record(1, { partition_key: 'é'.repeat(256) })] }],
    ['data of 20,000 bytes and an arrival time above 2^32', { records: [record(2, { data: Buffer.alloc(20_000, 9), approximate_arrival_timestamp: 2 ** 40 + 3 })] }],
    ['an encryption type, set', { records: [record(3, { encryption_type: 'KMS' }), record(4, { encryption_type: 'NONE' })] }],
    ['child shards at the end of a shard, no iterator', { records: [record(5)], millis_behind_latest: 0, child_shards: [{ shard_id: 'shardId-000000000001', parent_shards: ['shardId-000000000000'], hash_key_range: { starting_hash_key: '0', ending_hash_key: '17' } }] }],
    ['no records', { next_shard_iterator: 'it', millis_behind_latest: 12 }],
    ['an empty partition key on the wire', { records: [record(6, { partition_key: '' })] }],
    ['nothing at all', {}]
  ]
  for (const [name, message] of cases) {
    it(`decodes as proto-loader does: ${name}`, () => {
      const bytes = encode(message)
      expect(fast(bytes)).toEqual(generic(bytes))
    })
  }

  it('reads data as a view of the message, as proto-loader does (no copy)', () => {
    const bytes = encode({ records: [record(7, { data: Buffer.alloc(64, 7) })] })
    const data = (fast(bytes) as { records: Array<{ data: Buffer }> }).records[0]!.data
    expect(data.buffer).toBe(bytes.buffer)
  })

  it('takes the last of a field repeated inside a record, as protobuf requires', () => {
    const bytes = bytesField(1, message(stringField(4, 'a'), stringField(4, 'b')))
    expect(fast(bytes)).toEqual(generic(bytes))
    expect((fast(bytes) as { records: Array<{ partitionKey: string }> }).records[0]!.partitionKey).toBe('b')
  })

  const handedOver: Array<[string, Buffer]> = [
    ['records sent as a varint', varintField(1, 1)],
    ['the iterator sent as a varint', varintField(2, 5)],
    ['an unknown field inside a record', bytesField(1, varintField(6, 1))],
    ['an arrival time past 2^53', encode({ records: [record(1, { approximate_arrival_timestamp: 2 ** 60 })] })],
    ['an unknown encryption type', bytesField(1, varintField(5, 7))]
  ]
  for (const [name, bytes] of handedOver) {
    it(`hands ${name} to the generic decoder, whole, with the same result`, () => {
      const seen: Buffer[] = []
      const recording = recordsDeserializer((b) => { seen.push(b); return generic(b) })
      expect(outcome(() => recording(bytes))).toEqual(outcome(() => generic(bytes)))
      expect(seen).toEqual([bytes])
    })
  }
})

describe('SubscribeToShardEvent decoder (client)', () => {
  const eventGeneric = streamingMethod('SubscribeToShard').responseDeserialize
  const eventFast = recordsDeserializer(eventGeneric)
  const eventType = loadProtoRoot().lookupType('shardline.v1.SubscribeToShardEvent')
  const encodeEvent = (value: object): Buffer => Buffer.from(eventType.encode(eventType.fromObject(value)).finish())
  const cases: Array<[string, object]> = [
    ['records, a continuation and lag', { records: Array.from({ length: 20 }, (_, i) => record(i)), continuation_sequence_number: record(19).sequence_number, millis_behind_latest: 3 }],
    ['a heartbeat with no records', { continuation_sequence_number: record(0).sequence_number, millis_behind_latest: 0 }],
    ['the last event of a closed shard: child shards, no continuation', { records: [record(1)], child_shards: [{ shard_id: 'shardId-000000000002', parent_shards: ['shardId-000000000000', 'shardId-000000000001'], hash_key_range: { starting_hash_key: '0', ending_hash_key: '99' } }] }]
  ]
  for (const [name, value] of cases) {
    it(`decodes as proto-loader does, field names included: ${name}`, () => {
      const bytes = encodeEvent(value)
      expect(eventFast(bytes)).toEqual(eventGeneric(bytes))
    })
  }

  it('names field 2 continuationSequenceNumber, as the event message does', () => {
    const decoded = eventFast(encodeEvent({ records: [record(2)], continuation_sequence_number: 'c-2' })) as Record<string, unknown>
    expect(decoded.continuationSequenceNumber).toBe('c-2')
    expect(decoded).not.toHaveProperty('nextShardIterator')
  })
})
