/**
 * UpdateStreamWarmThroughput over gRPC, and CreateStream's warm_throughput_mi_bps: decoding,
 * validation, and what warming does: the ON_DEMAND stream splits at once (real splits,
 * halving) until its shards take the warm throughput, DescribeStreamSummary shows it as
 * WarmThroughput, and records stay readable across the splits. The AWS SDK's side is in
 * http-sdk-capacity.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Shard, StreamClient } from '../client/index.js'
import { expectedHashRanges, expectValidation, HASH_KEY_MAX } from './helpers/control-plane.js'
import { expectRawError, expectSerializationFailed, GARBAGE, message, stringField, tag, varint, varintField, WireType } from './helpers/protowire.js'
import { expectCode, rawCall, startServer, uniqueName, type TestServer } from './helpers/server.js'

let srv: TestServer
let client: StreamClient

beforeAll(async () => {
  srv = await startServer({ onDemandCheckMs: 0 })
  client = srv.client
  // Warm throughput is for accounts with the commitment, as in AWS.
  await client.updateAccountSettings({ minimumThroughputBillingCommitment: { status: 'ENABLED' } })
})

afterAll(async () => {
  await srv?.close()
})

async function onDemandStream (warmThroughputMiBps?: number): Promise<string> {
  const streamName = uniqueName('warm')
  await client.createStream({ streamName, streamModeDetails: { streamMode: 'ON_DEMAND' }, ...(warmThroughputMiBps === undefined ? {} : { warmThroughputMiBps }) })
  return streamName
}

async function shardsOf (streamName: string): Promise<Shard[]> {
  return (await client.listShards({ streamName, maxResults: 10_000 })).shards
}

const isOpen = (s: Shard): boolean => s.sequenceNumberRange.endingSequenceNumber === undefined

describe('UpdateStreamWarmThroughput serialization', () => {
  it('rejects bytes that are not protobuf with SERIALIZATION_FAILED', async () => {
    const result = await rawCall(srv.endpoint, 'UpdateStreamWarmThroughput', GARBAGE)
    expectSerializationFailed(result)
    expect(result.details).toContain('UpdateStreamWarmThroughput')
  })

  it('rejects warm_throughput_mi_bps sent as a length-delimited field and leaves the stream alone', async () => {
    const streamName = await onDemandStream()
    const body = message(stringField(1, streamName), tag(3, WireType.LEN), varint(1), Buffer.from('9'))
    expectSerializationFailed(await rawCall(srv.endpoint, 'UpdateStreamWarmThroughput', body))
    expect((await shardsOf(streamName))).toHaveLength(4)
  })

  it('reads an empty body as an empty request, which then fails validation', async () => {
    const result = await rawCall(srv.endpoint, 'UpdateStreamWarmThroughput', Buffer.alloc(0))
    expectRawError(result, 'VALIDATION_FAILED', 3, 'ValidationException')
    expect(result.details).toContain("Value null at 'warm_throughput_mi_bps' failed to satisfy constraint: Member must not be null")
  })

  it('reads a hand-built request and ignores unknown fields', async () => {
    const streamName = await onDemandStream()
    const body = message(stringField(1, streamName), varintField(3, 6), stringField(9, 'unknown'))
    const result = await rawCall(srv.endpoint, 'UpdateStreamWarmThroughput', body)
    expect(result.code).toBe(0)
    expect((await shardsOf(streamName)).filter(isOpen)).toHaveLength(6)
  })
})

describe('UpdateStreamWarmThroughput validation', () => {
  it('refuses a negative warm throughput and one over 10240 MiB/s, and changes nothing', async () => {
    const streamName = await onDemandStream()
    await expectValidation(client.updateStreamWarmThroughput({ streamName, warmThroughputMiBps: -1 }), 'warm_throughput_mi_bps', 'Member must have value greater than or equal to 0')
    const err = await expectCode(client.updateStreamWarmThroughput({ streamName, warmThroughputMiBps: 10_241 }), 'LIMIT_EXCEEDED')
    expect(err.awsType).toBe('LimitExceededException')
    expect(err.message).toContain('10240 MiB/s')
    expect(await shardsOf(streamName)).toHaveLength(4)
  })

  it('needs a stream name or ARN, and answers STREAM_NOT_FOUND for an unknown stream', async () => {
    await expectCode(client.updateStreamWarmThroughput({ warmThroughputMiBps: 5 }), 'VALIDATION_FAILED')
    await expectCode(client.updateStreamWarmThroughput({ streamName: uniqueName('absent'), warmThroughputMiBps: 5 }), 'STREAM_NOT_FOUND')
  })

  it('refuses a PROVISIONED stream: warm throughput is for ON_DEMAND ones', async () => {
    const streamName = uniqueName('warm')
    await client.createStream({ streamName, shardCount: 2 })
    const err = await expectCode(client.updateStreamWarmThroughput({ streamName, warmThroughputMiBps: 5 }), 'INVALID_ARGUMENT')
    expect(err.message).toContain('only supported for streams in ON_DEMAND mode')
    expect(await shardsOf(streamName)).toHaveLength(2)
  })

  it('refuses more shards than a stream may have', async () => {
    const free = await startServer({ limits: 'off', onDemandCheckMs: 0 })
    try {
      await free.client.updateAccountSettings({ minimumThroughputBillingCommitment: { status: 'ENABLED' } })
      const streamName = uniqueName('warm')
      await free.client.createStream({ streamName, streamModeDetails: { streamMode: 'ON_DEMAND' } })
      const err = await expectCode(free.client.updateStreamWarmThroughput({ streamName, warmThroughputMiBps: 10_001 }), 'LIMIT_EXCEEDED')
      expect(err.message).toContain('at most 10000')
    } finally {
      await free.close()
    }
  })
})

describe('warm throughput without the MinimumThroughputBillingCommitment', () => {
  it('is refused to the account, and not shown, as in AWS', async () => {
    const plain = await startServer({ onDemandCheckMs: 0, accountId: '111122223333' })
    try {
      const streamName = uniqueName('warm')
      const refused = await expectCode(plain.client.createStream({ streamName, streamModeDetails: { streamMode: 'ON_DEMAND' }, warmThroughputMiBps: 8 }), 'INVALID_ARGUMENT')
      expect(refused.message).toContain('MinimumThroughputBillingCommitment')
      await expectCode(plain.client.describeStreamSummary({ streamName }), 'STREAM_NOT_FOUND')
      await plain.client.createStream({ streamName, streamModeDetails: { streamMode: 'ON_DEMAND' } })
      await expectCode(plain.client.updateStreamWarmThroughput({ streamName, warmThroughputMiBps: 8 }), 'INVALID_ARGUMENT')
      const summary = (await plain.client.describeStreamSummary({ streamName })).streamDescriptionSummary
      expect(summary.openShardCount).toBe(4)
      expect(summary.warmThroughput).toBeUndefined()
      await plain.client.updateAccountSettings({ minimumThroughputBillingCommitment: { status: 'ENABLED' } })
      await plain.client.updateStreamWarmThroughput({ streamName, warmThroughputMiBps: 8 })
      expect((await plain.client.describeStreamSummary({ streamName })).streamDescriptionSummary.warmThroughput).toEqual({ targetMiBps: 8, currentMiBps: 8 })
    } finally {
      await plain.close()
    }
  })
})

describe('CreateStream with a warm throughput', () => {
  it('starts an ON_DEMAND stream with a shard per MiB/s, and at least 4', async () => {
    const warm = await onDemandStream(12)
    const shards = await shardsOf(warm)
    expect(shards.map((s) => s.hashKeyRange)).toEqual(expectedHashRanges(12))
    expect((await client.describeStreamSummary({ streamName: warm })).streamDescriptionSummary.warmThroughput).toEqual({ targetMiBps: 12, currentMiBps: 12 })
    const small = await onDemandStream(2)
    expect(await shardsOf(small)).toHaveLength(4)
    expect((await client.describeStreamSummary({ streamName: small })).streamDescriptionSummary.warmThroughput).toEqual({ targetMiBps: 2, currentMiBps: 4 })
  })

  it('refuses a warm throughput for a PROVISIONED stream, and one over 10240 MiB/s', async () => {
    const streamName = uniqueName('warm')
    await expectCode(client.createStream({ streamName, shardCount: 1, warmThroughputMiBps: 4 }), 'INVALID_ARGUMENT')
    await expectCode(client.createStream({ streamName, streamModeDetails: { streamMode: 'ON_DEMAND' }, warmThroughputMiBps: 10_241 }), 'LIMIT_EXCEEDED')
    await expectValidation(client.createStream({ streamName, streamModeDetails: { streamMode: 'ON_DEMAND' }, warmThroughputMiBps: -1 }), 'warm_throughput_mi_bps', 'Member must have value greater than or equal to 0')
    await expectCode(client.describeStreamSummary({ streamName }), 'STREAM_NOT_FOUND')
  })
})

describe('UpdateStreamWarmThroughput functionality', () => {
  it('splits the stream at once, in halves, until it takes the warm throughput; records stay readable through the lineage', async () => {
    const streamName = await onDemandStream()
    const keys = [0n, 1n << 126n, 1n << 127n, HASH_KEY_MAX]
    const before = await Promise.all(keys.map(async (k) => await client.putRecord({ streamName, partitionKey: 'p', data: `before ${k}`, explicitHashKey: k.toString() })))
    const result = await client.updateStreamWarmThroughput({ streamName, warmThroughputMiBps: 10 })
    expect(result).toEqual({ streamName, streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`, warmThroughput: { targetMiBps: 10, currentMiBps: 4 } })
    const summary = (await client.describeStreamSummary({ streamName })).streamDescriptionSummary
    expect(summary).toMatchObject({ openShardCount: 10, warmThroughput: { targetMiBps: 10, currentMiBps: 10 } })
    const shards = await shardsOf(streamName)
    // 4 -> 8 (4 splits), then the 2 widest of 8 -> 10: 6 splits, each closing one shard for two.
    expect(shards).toHaveLength(4 + 6 * 2)
    for (const closed of shards.filter((s) => !isOpen(s))) {
      const [lower, upper] = shards.filter((s) => s.parentShardId === closed.shardId)
      const width = BigInt(closed.hashKeyRange.endingHashKey) - BigInt(closed.hashKeyRange.startingHashKey) + 1n
      expect(BigInt(lower!.hashKeyRange.startingHashKey)).toBe(BigInt(closed.hashKeyRange.startingHashKey))
      expect(BigInt(upper!.hashKeyRange.startingHashKey)).toBe(BigInt(closed.hashKeyRange.startingHashKey) + width / 2n)
      expect(upper!.hashKeyRange.endingHashKey).toBe(closed.hashKeyRange.endingHashKey)
    }
    for (const [i, put] of before.entries()) {
      const { shardIterator } = await client.getShardIterator({ streamName, shardId: put.shardId, shardIteratorType: 'TRIM_HORIZON' })
      const page = await client.getRecords({ shardIterator })
      expect(page.records.map((r) => r.data.toString())).toEqual([`before ${keys[i]!}`])
      expect(page.nextShardIterator).toBeUndefined()
      expect(page.childShards).toHaveLength(2)
    }
  })

  it('raises the floor without merging when lowered, and 0 clears it', async () => {
    const streamName = await onDemandStream()
    await client.updateStreamWarmThroughput({ streamName, warmThroughputMiBps: 8 })
    const lowered = await client.updateStreamWarmThroughput({ streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`, warmThroughputMiBps: 5 })
    expect(lowered.warmThroughput).toEqual({ targetMiBps: 5, currentMiBps: 8 })
    expect((await client.describeStreamSummary({ streamName })).streamDescriptionSummary.openShardCount).toBe(8)
    await client.updateStreamWarmThroughput({ streamName, warmThroughputMiBps: 0 })
    expect((await client.describeStreamSummary({ streamName })).streamDescriptionSummary.warmThroughput).toEqual({ currentMiBps: 8 })
  })
})
