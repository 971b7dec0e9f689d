/**
 * The hand-rolled PutRecords request decoder must yield exactly what proto-loader's
 * generic decoder does, and give way to it for everything it does not cover; the response
 * encoder must decode as the generic encoding does. Through the server, a request the
 * fast decoder gives way on must still be stored or refused as before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadProtoRoot, loadProtos } from '../src/grpc/proto.js'
import { FAST_PATHS } from '../src/grpc/grpc-server.js'
import { decodePutRecordsRequest, putRecordsSerializer } from '../src/grpc/put-records-codec.js'
import { bytesField, expectSerializationFailed, message, stringField, tag, varint, varintField, WireType } from './helpers/protowire.js'
import { rawCall, startServer, uniqueName, type TestServer } from './helpers/server.js'

interface Method {
  requestSerialize: (value: object) => Buffer
  requestDeserialize: (bytes: Buffer) => object
  responseSerialize: (value: object) => Buffer
  responseDeserialize: (bytes: Buffer) => object
}
const method = (loadProtos()['shardline.v1.StreamService'] as unknown as Record<string, Method>).PutRecords!
const requestType = loadProtoRoot().lookupType('shardline.v1.PutRecordsRequest')
const fastSerialize = putRecordsSerializer(method.responseSerialize)

/** Byte fields compared by their type and bytes, so a Buffer where proto-loader gives a Uint8Array shows. */
function normalized (value: unknown): unknown {
  return JSON.parse(JSON.stringify(value, (_key, v: unknown) => {
    if (v instanceof Uint8Array) return `${v.constructor.name}:${Buffer.from(v).toString('hex')}`
    // JSON.stringify turns a Buffer into { type: 'Buffer', data } before the replacer sees it.
    if (typeof v === 'object' && v !== null && (v as { type?: unknown }).type === 'Buffer') return `Buffer:${Buffer.from((v as { data: number[] }).data).toString('hex')}`
    return v
  }))
}

function generic (bytes: Buffer): object {
  return method.requestDeserialize(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength) as Buffer)
}

function encode (request: object): Buffer {
  return Buffer.from(requestType.encode(requestType.fromObject(request)).finish())
}

describe('PutRecords request decoder', () => {
  const cases: Array<[string, object]> = [
    ['records with keys and data', { stream_name: 's', records: Array.from({ length: 50 }, (_, i) => ({ partition_key: `pk-${i}`, data: Buffer.alloc(i * 40, i) })) }],
    ['explicit hash keys and a stream ARN', { stream_arn: 'arn:aws:kinesis:us-east-1:000000000000:stream/s', records: [{ partition_key: 'a', explicit_hash_key: '340282366920938463463374607431768211455', data: Buffer.from('x') }] }],
    ['empty data and data of 16 KiB', { stream_name: 's', records: [{ partition_key: 'a', data: Buffer.alloc(0) }, { partition_key: 'b', data: Buffer.alloc(16_384, 1) }] }],
    ['a record without data or key (left to validation)', { stream_name: 's', records: [{}] }],
    ['no records at all', { stream_name: 's' }],
    ['a 256-character key', { stream_name: 's', records: [{ partition_key: 'k'.repeat(256), data: Buffer.from('y') }] }]
  ]
  for (const [name, request] of cases) {
    it(`decodes as proto-loader does: ${name}`, () => {
      const bytes = encode(request)
      const fast = decodePutRecordsRequest(bytes)
      expect(fast).toBeDefined()
      expect(normalized(fast)).toEqual(normalized(generic(bytes)))
    })
  }

  it('decodes empty strings on the wire as present, as proto-loader does', () => {
    // stream_name = "", put on the wire by hand so the test does not depend on the encoder.
    const bytes = message(stringField(2, ''), encode({ records: [{ partition_key: 'a', data: Buffer.from('z') }] }))
    expect(normalized(decodePutRecordsRequest(bytes))).toEqual(normalized(generic(bytes)))
    expect(decodePutRecordsRequest(bytes)).toMatchObject({ stream_name: '' })
  })

  it('takes the last of a repeated singular field, as protobuf requires', () => {
    const bytes = Buffer.concat([encode({ stream_name: 'first' }), encode({ stream_name: 'second', records: [{ partition_key: 'a', data: Buffer.from('1') }] })])
    expect(decodePutRecordsRequest(bytes)).toMatchObject({ stream_name: 'second' })
    expect(normalized(decodePutRecordsRequest(bytes))).toEqual(normalized(generic(bytes)))
  })

  const declined: Array<[string, Buffer]> = [
    ['a multi-byte partition key', encode({ stream_name: 's', records: [{ partition_key: 'ключ', data: Buffer.from('x') }] })],
    ['a multi-byte stream name', encode({ stream_name: 'é', records: [] })],
    ['an unknown field', message(encode({ stream_name: 's' }), stringField(4, 'A'))],
    ['a varint where a string belongs', varintField(2, 5)],
    ['a length running past the end', encode({ stream_name: 's' }).subarray(0, 2)],
    ['an unfinished varint', Buffer.from([0x12, 0x80])],
    ['a multi-byte explicit hash key', encode({ stream_name: 's', records: [{ partition_key: 'a', explicit_hash_key: '１', data: Buffer.from('x') }] })],
    ['a multi-byte stream ARN', encode({ stream_arn: 'arn:é', records: [] })],
    ['field number 0', bytesField(0, Buffer.alloc(0))],
    // A record of 3 bytes whose partition key claims 5.
    ['a record cut short inside its own length', message(tag(1, WireType.LEN), varint(3), tag(3, WireType.LEN), varint(5), Buffer.from('A'))],
    ['a tag of 2^32 or more (a 5-byte varint)', message(varint(2 ** 32 + 0x12), varint(0))],
    ['a varint of more than 5 bytes', Buffer.from([0x92, 0x80, 0x80, 0x80, 0x80, 0x00, 0x00])]
  ]
  for (const [name, bytes] of declined) {
    it(`gives way to the generic decoder for ${name}`, () => {
      expect(decodePutRecordsRequest(bytes)).toBeUndefined()
    })
  }
})

describe('fast path wiring', () => {
  it('names request types that exist, so no fast path is silently off', () => {
    const root = loadProtoRoot()
    expect(Object.keys(FAST_PATHS).length).toBeGreaterThan(0)
    for (const name of Object.keys(FAST_PATHS)) expect(root.lookupType(name.slice(1)).fullName).toBe(name)
  })
})

describe('PutRecords response encoder', () => {
  const ok = (i: number): object => ({ sequence_number: `4${String(i).padStart(55, '0')}`, shard_id: `shardId-${String(i % 4).padStart(12, '0')}` })
  const failed = { error_code: 'ProvisionedThroughputExceededException', error_message: 'Rate exceeded for shard shardId-000000000000 in stream é: a shard takes 1 MiB/s.' }
  const cases: Array<[string, object]> = [
    ['stored records', { failed_record_count: 0, records: Array.from({ length: 500 }, (_, i) => ok(i)), encryption_type: 'NONE' }],
    ['stored and failed records, with a multi-byte message', { failed_record_count: 2, records: [ok(1), failed, ok(2), failed], encryption_type: 'NONE' }],
    ['records stored encrypted', { failed_record_count: 0, records: [ok(3), ok(4)], encryption_type: 'KMS' }],
    ['an entry the fast path does not take (a number where a string belongs)', { failed_record_count: 0, records: [{ sequence_number: 5 }], encryption_type: 'NONE' }]
  ]
  for (const [name, response] of cases) {
    it(`decodes as the generic encoding does: ${name}`, () => {
      // Copied: the fast encoder's result is reused by the next call.
      const fast = Buffer.from(fastSerialize(response))
      expect(method.responseDeserialize(fast)).toEqual(method.responseDeserialize(method.responseSerialize(response)))
    })
  }
})

describe('PutRecords through the server, on both decoding paths', () => {
  let ts: TestServer

  beforeAll(async () => {
    ts = await startServer({ limits: 'off' })
  })

  afterAll(async () => {
    await ts.close()
  })

  it('stores ASCII and multi-byte partition keys alike, and reads them back', async () => {
    const streamName = uniqueName('codec')
    await ts.client.createStream({ streamName, shardCount: 1 })
    const keys = ['plain', 'ключ-🔑', 'x'.repeat(256)]
    for (const key of keys) {
      const result = await ts.client.putRecords({ streamName, records: [{ partitionKey: key, data: Buffer.from(key) }] })
      expect(result.failedRecordCount).toBe(0)
    }
    const { shardIterator } = await ts.client.getShardIterator({ streamName, shardId: 'shardId-000000000000', shardIteratorType: 'TRIM_HORIZON' })
    const { records } = await ts.client.getRecords({ shardIterator })
    expect(records.map((r) => [r.partitionKey, r.data.toString()])).toEqual(keys.map((k) => [k, k]))
  })

  it('refuses a request whose string field arrives as a varint with SERIALIZATION_FAILED, storing nothing', async () => {
    const streamName = uniqueName('codec')
    await ts.client.createStream({ streamName, shardCount: 1 })
    // A record whose explicit_hash_key (a string) arrives as a varint.
    const body = message(stringField(2, streamName), bytesField(1, message(stringField(3, 'k'), varintField(2, 7))))
    expectSerializationFailed(await rawCall(ts.endpoint, 'PutRecords', body))
    const { shardIterator } = await ts.client.getShardIterator({ streamName, shardId: 'shardId-000000000000', shardIteratorType: 'TRIM_HORIZON' })
    expect((await ts.client.getRecords({ shardIterator })).records).toEqual([])
  })
})
