/**
 * DescribeStream and DescribeStreamSummary: decoding, validation, the description fields,
 * and shard pagination with limit and exclusiveStartShardId.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Shard, StreamClient } from '../client/index.js'
import { expectedHashRanges, expectValidation, shardId } from './helpers/control-plane.js'
import { expectRawError, expectSerializationFailed, GARBAGE, message, stringField, tag, varint, WireType } from './helpers/protowire.js'
import { expectCode, ManualClock, rawCall, startServer, uniqueName, type TestServer } from './helpers/server.js'

const clock = new ManualClock()
let srv: TestServer
let client: StreamClient
/** A 25-shard stream shared by the read-only pagination tests. */
let stream25: string

beforeAll(async () => {
  srv = await startServer({ clock: clock.now })
  client = srv.client
  stream25 = uniqueName('dsc-25')
  await client.createStream({ streamName: stream25, shardCount: 25 })
})

afterAll(async () => {
  await srv?.close()
})

function ids (shards: Shard[]): string[] {
  return shards.map((s) => s.shardId)
}

function range (from: number, to: number): string[] {
  return Array.from({ length: to - from }, (_, i) => shardId(from + i))
}

describe('DescribeStream serialization', () => {
  it('rejects bytes that are not protobuf with SERIALIZATION_FAILED', async () => {
    expectSerializationFailed(await rawCall(srv.endpoint, 'DescribeStream', GARBAGE))
    expectSerializationFailed(await rawCall(srv.endpoint, 'DescribeStreamSummary', GARBAGE))
  })

  it('rejects limit sent as a length-delimited field', async () => {
    const body = message(stringField(1, stream25), tag(2, WireType.LEN), Buffer.from([0x01, 0x05]))
    expectSerializationFailed(await rawCall(srv.endpoint, 'DescribeStream', body))
  })

  it('rejects a DescribeStreamSummary stream_name sent with the varint wire type', async () => {
    // The bytes of a valid request for an existing stream except for the wire-type bits.
    const name = Buffer.from(stream25, 'utf8')
    const body = message(tag(1, WireType.VARINT), varint(name.byteLength), name)
    expectSerializationFailed(await rawCall(srv.endpoint, 'DescribeStreamSummary', body))
  })

  it('reads an empty body as an empty request, which names no stream', async () => {
    for (const rpc of ['DescribeStream', 'DescribeStreamSummary']) {
      const result = await rawCall(srv.endpoint, rpc, Buffer.alloc(0))
      expectRawError(result, 'VALIDATION_FAILED', 3, 'ValidationException')
      expect(result.details).toContain('stream_name')
    }
  })
})

describe('DescribeStream validation', () => {
  it('needs a stream name or ARN', async () => {
    await expectCode(client.describeStream({}), 'VALIDATION_FAILED')
    await expectCode(client.describeStreamSummary({}), 'VALIDATION_FAILED')
  })

  it('checks the stream name for both operations', async () => {
    for (const call of [(streamName: string) => client.describeStream({ streamName }), (streamName: string) => client.describeStreamSummary({ streamName })]) {
      await expectValidation(call('y'.repeat(129)), 'stream_name', 'Member must have length less than or equal to 128')
      await expectValidation(call('a+b'), 'stream_name', 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+')
    }
  })

  it.each([0, -5])('rejects limit %i below 1', async (limit) => {
    await expectValidation(client.describeStream({ streamName: stream25, limit }), 'limit', 'Member must have value greater than or equal to 1')
  })

  it('rejects limit above 10000', async () => {
    await expectValidation(client.describeStream({ streamName: stream25, limit: 10_001 }), 'limit', 'Member must have value less than or equal to 10000')
  })

  it('checks exclusiveStartShardId length and pattern', async () => {
    await expectValidation(client.describeStream({ streamName: stream25, exclusiveStartShardId: 's'.repeat(129) }), 'exclusive_start_shard_id', 'Member must have length less than or equal to 128')
    await expectValidation(client.describeStream({ streamName: stream25, exclusiveStartShardId: 'shard id' }), 'exclusive_start_shard_id', 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+')
  })
})

describe('DescribeStream functionality', () => {
  it('describes every field of a stream', async () => {
    const streamName = uniqueName('dsc')
    const created = clock.time
    await client.createStream({ streamName, shardCount: 3 })
    clock.advance(5000)
    const { streamDescription: d } = await client.describeStream({ streamName })
    expect(d).toMatchObject({
      streamName,
      streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`,
      streamStatus: 'ACTIVE',
      streamModeDetails: { streamMode: 'PROVISIONED' },
      hasMoreShards: false,
      retentionPeriodHours: 24,
      streamCreationTimestamp: created,
      enhancedMonitoring: [{ shardLevelMetrics: [] }],
      encryptionType: 'NONE',
      partitionHash: 'MURMUR3'
    })
    expect(ids(d.shards)).toEqual(range(0, 3))
    expect(d.shards.map((s) => s.hashKeyRange)).toEqual(expectedHashRanges(3))
    for (const s of d.shards) expect(s.sequenceNumberRange.startingSequenceNumber).toMatch(/^\d{56}$/)
  })

  it('summarises a stream', async () => {
    const streamName = uniqueName('dsc')
    await client.createStream({ streamName, shardCount: 5, partitionHash: 'MD5' })
    await client.increaseStreamRetentionPeriod({ streamName, retentionPeriodHours: 36 })
    const { streamDescriptionSummary: s } = await client.describeStreamSummary({ streamName })
    const { streamDescription: d } = await client.describeStream({ streamName })
    expect(s).toMatchObject({
      streamName,
      streamArn: d.streamArn,
      streamStatus: 'ACTIVE',
      streamModeDetails: { streamMode: 'PROVISIONED' },
      retentionPeriodHours: 36,
      streamCreationTimestamp: d.streamCreationTimestamp,
      enhancedMonitoring: [{ shardLevelMetrics: [] }],
      encryptionType: 'NONE',
      openShardCount: 5,
      consumerCount: 0,
      partitionHash: 'MD5'
    })
    expect(d.retentionPeriodHours).toBe(36)
  })

  it('summarises an ON_DEMAND stream with its 4 open shards', async () => {
    const streamName = uniqueName('dsc-od')
    await client.createStream({ streamName, streamModeDetails: { streamMode: 'ON_DEMAND' } })
    const { streamDescriptionSummary: s } = await client.describeStreamSummary({ streamName })
    expect(s.streamModeDetails.streamMode).toBe('ON_DEMAND')
    expect(s.openShardCount).toBe(4)
  })

  it('answers STREAM_NOT_FOUND for an unknown stream', async () => {
    const streamName = uniqueName('dsc-none')
    const err = await expectCode(client.describeStream({ streamName }), 'STREAM_NOT_FOUND')
    expect(err.grpcStatus).toBe(5)
    expect(err.awsType).toBe('ResourceNotFoundException')
    expect(err.message).toContain(streamName)
    await expectCode(client.describeStreamSummary({ streamName }), 'STREAM_NOT_FOUND')
  })

  it('pages through 25 shards with limit and exclusiveStartShardId', async () => {
    const first = (await client.describeStream({ streamName: stream25, limit: 10 })).streamDescription
    expect(ids(first.shards)).toEqual(range(0, 10))
    expect(first.hasMoreShards).toBe(true)
    const second = (await client.describeStream({ streamName: stream25, limit: 10, exclusiveStartShardId: first.shards[9]!.shardId })).streamDescription
    expect(ids(second.shards)).toEqual(range(10, 20))
    expect(second.hasMoreShards).toBe(true)
    const third = (await client.describeStream({ streamName: stream25, limit: 10, exclusiveStartShardId: second.shards[9]!.shardId })).streamDescription
    expect(ids(third.shards)).toEqual(range(20, 25))
    expect(third.hasMoreShards).toBe(false)
    const all = (await client.describeStream({ streamName: stream25 })).streamDescription.shards
    expect([...first.shards, ...second.shards, ...third.shards]).toEqual(all)
  })

  it('sets hasMoreShards exactly when shards remain', async () => {
    expect((await client.describeStream({ streamName: stream25, limit: 24 })).streamDescription.hasMoreShards).toBe(true)
    const exact = (await client.describeStream({ streamName: stream25, limit: 25 })).streamDescription
    expect(exact.shards).toHaveLength(25)
    expect(exact.hasMoreShards).toBe(false)
    const most = (await client.describeStream({ streamName: stream25, limit: 10_000 })).streamDescription
    expect(most.shards).toHaveLength(25)
    expect(most.hasMoreShards).toBe(false)
    const one = (await client.describeStream({ streamName: stream25, limit: 1, exclusiveStartShardId: shardId(23) })).streamDescription
    expect(ids(one.shards)).toEqual([shardId(24)])
    expect(one.hasMoreShards).toBe(false)
  })

  it('returns an empty page after the last shard', async () => {
    const { streamDescription: d } = await client.describeStream({ streamName: stream25, exclusiveStartShardId: shardId(24) })
    expect(d.shards).toEqual([])
    expect(d.hasMoreShards).toBe(false)
    const beyond = (await client.describeStream({ streamName: stream25, exclusiveStartShardId: shardId(500) })).streamDescription
    expect(beyond.shards).toEqual([])
  })

  it('accepts a shard id with shorter zero-padding as the start', async () => {
    const { streamDescription: d } = await client.describeStream({ streamName: stream25, limit: 3, exclusiveStartShardId: 'shardId-9' })
    expect(ids(d.shards)).toEqual(range(10, 13))
  })

  it('returns 100 shards by default', async () => {
    const streamName = uniqueName('dsc-150')
    await client.createStream({ streamName, shardCount: 150 })
    const first = (await client.describeStream({ streamName })).streamDescription
    expect(ids(first.shards)).toEqual(range(0, 100))
    expect(first.hasMoreShards).toBe(true)
    const rest = (await client.describeStream({ streamName, exclusiveStartShardId: shardId(99) })).streamDescription
    expect(ids(rest.shards)).toEqual(range(100, 150))
    expect(rest.hasMoreShards).toBe(false)
  })

  it('reports starting sequence numbers below those of the shard\'s records', async () => {
    const streamName = uniqueName('dsc-seq')
    await client.createStream({ streamName, shardCount: 1 })
    const { streamDescription: d } = await client.describeStream({ streamName })
    const { sequenceNumber } = await client.putRecord({ streamName, partitionKey: 'k', data: 'x' })
    expect(sequenceNumber > d.shards[0]!.sequenceNumberRange.startingSequenceNumber).toBe(true)
    // A put leaves the description unchanged: the shard is still open.
    expect((await client.describeStream({ streamName })).streamDescription).toEqual(d)
  })
})
