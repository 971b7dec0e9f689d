/**
 * The client's hand-rolled PutRecords codec: requests must be the very bytes protobufjs
 * writes, answers must decode to what proto-loader gives, and anything else must be left
 * to proto-loader whole.
 */
import { describe, expect, it } from 'vitest'
import { unaryMethod } from '../client/proto.js'
import { putRecordsDeserializer, putRecordsSerializer } from '../client/put-records-codec.js'
import { encodePutRecords } from '../client/requests.js'
import type { PutRecordsRequest } from '../client/types.js'
import { loadProtoRoot } from '../src/grpc/proto.js'
import { bytesField, message, tag, varint, varintField, WireType } from './helpers/protowire.js'

const method = unaryMethod('PutRecords')
const serialize = putRecordsSerializer(method.requestSerialize)
const deserialize = putRecordsDeserializer(method.responseDeserialize)
const responseType = loadProtoRoot().lookupType('shardline.v1.PutRecordsResponse')

function encodeResponse (message: object): Buffer {
  return Buffer.from(responseType.encode(responseType.fromObject(message)).finish())
}

/** The result, or the error thrown: some malformed answers are refused by both paths. */
function outcome (run: () => object): { value: object } | { error: string } {
  try {
    return { value: run() }
  } catch (err) {
    return { error: String(err) }
  }
}

describe('PutRecords request encoder (client)', () => {
  const cases: Array<[string, PutRecordsRequest]> = [
    ['500 records of 1 KiB', { streamName: 'orders', records: Array.from({ length: 500 }, (_, i) => ({ partitionKey: `pk-${i}`, data: Buffer.alloc(1024, i) })) }],
    ['explicit hash keys, a stream ARN, string data', { streamArn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s', records: [{ partitionKey: 'a', explicitHashKey: '340282366920938463463374607431768211455', data: 'text é' }] }],
    ['multi-byte keys, empty data and data past 16 KiB', { streamName: 'ström', records: [{ partitionKey: 'ключ-🔑', data: new Uint8Array(0) }, { partitionKey: '', data: Buffer.alloc(20_000, 3) }] }],
    ['a Uint8Array view into a larger buffer', { streamName: 's', records: [{ partitionKey: 'v', data: new Uint8Array(Buffer.alloc(64, 9).buffer, 8, 16) }] }],
    ['no records', { streamName: 's', records: [] }]
  ]
  for (const [name, request] of cases) {
    it(`writes the bytes protobufjs writes: ${name}`, () => {
      const value = encodePutRecords(request)
      expect(Buffer.from(serialize(value)).equals(Buffer.from(method.requestSerialize(value)))).toBe(true)
    })
  }

  it('leaves a value of another type to protobufjs, which converts it as before', () => {
    const value = { streamName: 's', records: [{ partitionKey: 42, data: Buffer.from('x') }] }
    expect(Buffer.from(serialize(value)).equals(Buffer.from(method.requestSerialize(value)))).toBe(true)
  })
})

describe('PutRecords response decoder (client)', () => {
  const ok = (i: number): object => ({ sequence_number: `4${String(i).padStart(55, '0')}`, shard_id: `shardId-${String(i % 4).padStart(12, '0')}` })
  const failed = { error_code: 'ProvisionedThroughputExceededException', error_message: 'Rate exceeded for shard shardId-000000000000 in stream é.' }
  const cases: Array<[string, object]> = [
    ['stored records', { failed_record_count: 0, records: Array.from({ length: 500 }, (_, i) => ok(i)), encryption_type: 'NONE' }],
    ['stored and failed records', { failed_record_count: 2, records: [ok(1), failed, ok(2), failed], encryption_type: 'KMS' }],
    ['an entry with empty strings on the wire', { records: [{ sequence_number: '', shard_id: '' }] }],
    ['nothing at all', {}]
  ]
  for (const [name, message] of cases) {
    it(`decodes as proto-loader does: ${name}`, () => {
      const bytes = encodeResponse(message)
      expect(deserialize(bytes)).toEqual(method.responseDeserialize(bytes))
    })
  }

  const handedOver: Array<[string, Buffer]> = [
    ['a negative failed count (a 10-byte varint)', encodeResponse({ failed_record_count: -1 })],
    ['a failed count of 2^31, past int32', varintField(1, 2 ** 31)],
    ['an unknown encryption type', varintField(3, 7)],
    ['an unknown field in an entry', bytesField(2, varintField(5, 1))],
    ['records sent as a varint', varintField(2, 1)],
    // An entry of 5 bytes of which only 2 arrive.
    ['an entry cut short', message(tag(2, WireType.LEN), varint(5), tag(1, WireType.LEN), varint(1))]
  ]
  for (const [name, bytes] of handedOver) {
    it(`hands ${name} to proto-loader, whole, with the same result`, () => {
      const seen: Buffer[] = []
      const recording = putRecordsDeserializer((b) => { seen.push(b); return method.responseDeserialize(b) })
      expect(outcome(() => recording(bytes))).toEqual(outcome(() => method.responseDeserialize(bytes)))
      expect(seen).toEqual([bytes])
    })
  }
})
