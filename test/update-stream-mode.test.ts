/**
 * UpdateStreamMode over gRPC: decoding, validation (the ARN, the mode, warm throughput, the
 * switches-per-24-hours quota), and what a switch does: the stream keeps its shards, is
 * UPDATING for a while when state transitions take time, and is described in its new mode;
 * ON_DEMAND refuses manual resharding, PROVISIONED takes it again. The AWS SDK's side is in
 * http-sdk-capacity.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StreamClient, StreamMode } from '../client/index.js'
import { expectValidation, shardId, startRestartableServer, waitForStatus } from './helpers/control-plane.js'
import { expectRawError, expectSerializationFailed, GARBAGE, message, stringField, tag, varint, varintField, WireType, bytesField } from './helpers/protowire.js'
import { expectCode, ManualClock, rawCall, startServer, uniqueName, type TestServer } from './helpers/server.js'

const HOUR = 3_600_000
const clock = new ManualClock()
let srv: TestServer
let client: StreamClient

beforeAll(async () => {
  srv = await startServer({ clock: clock.now, onDemandCheckMs: 0 })
  client = srv.client
  // Warm throughput (and WarmThroughput in DescribeStreamSummary) needs the commitment, as in AWS.
  await client.updateAccountSettings({ minimumThroughputBillingCommitment: { status: 'ENABLED' } })
})

afterAll(async () => {
  await srv?.close()
})

const arnOf = (name: string): string => `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`

async function newStream (shardCount: number, c: StreamClient = client): Promise<string> {
  const streamName = uniqueName('mode')
  await c.createStream({ streamName, shardCount })
  return streamName
}

async function modeOf (streamName: string, c: StreamClient = client): Promise<StreamMode> {
  return (await c.describeStreamSummary({ streamName })).streamDescriptionSummary.streamModeDetails.streamMode
}

describe('UpdateStreamMode serialization', () => {
  it('rejects bytes that are not protobuf with SERIALIZATION_FAILED', async () => {
    const result = await rawCall(srv.endpoint, 'UpdateStreamMode', GARBAGE)
    expectSerializationFailed(result)
    expect(result.details).toContain('UpdateStreamMode')
  })

  it('rejects stream_arn sent with the varint wire type and leaves the stream alone', async () => {
    const streamName = await newStream(1)
    const body = message(tag(1, WireType.VARINT), varint(5), bytesField(2, varintField(1, 2)))
    expectSerializationFailed(await rawCall(srv.endpoint, 'UpdateStreamMode', body))
    expect(await modeOf(streamName)).toBe('PROVISIONED')
  })

  it('reads an empty body as an empty request, which then fails validation', async () => {
    const result = await rawCall(srv.endpoint, 'UpdateStreamMode', Buffer.alloc(0))
    expectRawError(result, 'VALIDATION_FAILED', 3, 'ValidationException')
    expect(result.details).toContain("Value null at 'stream_arn' failed to satisfy constraint: Member must not be null")
    expect(result.details).toContain("Value null at 'stream_mode_details' failed to satisfy constraint: Member must not be null")
  })

  it('reads a hand-built request and ignores unknown fields', async () => {
    const streamName = await newStream(2)
    const body = message(stringField(1, arnOf(streamName)), bytesField(2, varintField(1, 2)), stringField(9, 'unknown'))
    const result = await rawCall(srv.endpoint, 'UpdateStreamMode', body)
    expect(result.code).toBe(0)
    expect(await modeOf(streamName)).toBe('ON_DEMAND')
  })
})

describe('UpdateStreamMode validation', () => {
  it('requires the stream mode and refuses one outside the enum', async () => {
    const streamName = await newStream(1)
    await expectValidation(client.updateStreamMode({ streamArn: arnOf(streamName), streamModeDetails: { streamMode: 'STREAM_MODE_UNSPECIFIED' } }), 'stream_mode_details.stream_mode', 'Member must satisfy enum value set')
    const empty = await rawCall(srv.endpoint, 'UpdateStreamMode', message(stringField(1, arnOf(streamName)), bytesField(2, Buffer.alloc(0))))
    expectRawError(empty, 'VALIDATION_FAILED', 3, 'ValidationException')
    expect(empty.details).toContain("Value null at 'stream_mode_details.stream_mode' failed to satisfy constraint: Member must not be null")
    const body = message(stringField(1, arnOf(streamName)), bytesField(2, varintField(1, 7)))
    const result = await rawCall(srv.endpoint, 'UpdateStreamMode', body)
    expectRawError(result, 'VALIDATION_FAILED', 3, 'ValidationException')
    expect(result.details).toContain("at 'stream_mode_details.stream_mode' failed to satisfy constraint: Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]")
    // The client refuses a mode the proto does not know rather than send the default.
    await expectCode(client.updateStreamMode({ streamArn: arnOf(streamName), streamModeDetails: { streamMode: 'ONDEMAND' as StreamMode } }), 'SERIALIZATION_FAILED')
    expect(await modeOf(streamName)).toBe('PROVISIONED')
  })

  it('takes the stream by ARN only, as AWS does, and checks its form', async () => {
    await expectValidation(client.updateStreamMode({ streamArn: 'not-an-arn', streamModeDetails: { streamMode: 'ON_DEMAND' } }), 'stream_arn', 'Member must satisfy regular expression pattern')
    await expectCode(client.updateStreamMode({ streamArn: arnOf(uniqueName('absent')), streamModeDetails: { streamMode: 'ON_DEMAND' } }), 'STREAM_NOT_FOUND')
  })

  it('refuses a negative warm throughput, and one over 10240 MiB/s', async () => {
    const streamName = await newStream(1)
    await expectValidation(client.updateStreamMode({ streamArn: arnOf(streamName), streamModeDetails: { streamMode: 'ON_DEMAND' }, warmThroughputMiBps: -1 }), 'warm_throughput_mi_bps', 'Member must have value greater than or equal to 0')
    const err = await expectCode(client.updateStreamMode({ streamArn: arnOf(streamName), streamModeDetails: { streamMode: 'ON_DEMAND' }, warmThroughputMiBps: 10_241 }), 'LIMIT_EXCEEDED')
    expect(err.message).toContain('10240 MiB/s')
    expect(await modeOf(streamName)).toBe('PROVISIONED')
  })

  it('refuses a switch to the mode the stream is in, and a warm throughput for PROVISIONED', async () => {
    const streamName = await newStream(1)
    const err = await expectCode(client.updateStreamMode({ streamArn: arnOf(streamName), streamModeDetails: { streamMode: 'PROVISIONED' } }), 'INVALID_ARGUMENT')
    expect(err.awsType).toBe('InvalidArgumentException')
    expect(err.message).toContain('already in PROVISIONED mode')
    await client.updateStreamMode({ streamArn: arnOf(streamName), streamModeDetails: { streamMode: 'ON_DEMAND' } })
    const warm = await expectCode(client.updateStreamMode({ streamArn: arnOf(streamName), streamModeDetails: { streamMode: 'PROVISIONED' }, warmThroughputMiBps: 5 }), 'INVALID_ARGUMENT')
    expect(warm.message).toContain('only valid when the stream mode is being updated to ON_DEMAND')
    expect(await modeOf(streamName)).toBe('ON_DEMAND')
  })

  it('allows two switches per rolling 24 hours per stream and refuses the third', async () => {
    const streamName = await newStream(1)
    const other = await newStream(1)
    const streamArn = arnOf(streamName)
    const t0 = clock.time
    await client.updateStreamMode({ streamArn, streamModeDetails: { streamMode: 'ON_DEMAND' } })
    clock.time = t0 + 20 * HOUR
    await client.updateStreamMode({ streamArn, streamModeDetails: { streamMode: 'PROVISIONED' } })
    const err = await expectCode(client.updateStreamMode({ streamArn, streamModeDetails: { streamMode: 'ON_DEMAND' } }), 'LIMIT_EXCEEDED')
    expect(err.awsType).toBe('LimitExceededException')
    expect(err.message).toContain('2 times per rolling 24 hours')
    expect(await modeOf(streamName)).toBe('PROVISIONED')
    // The quota is per stream, and the first switch leaves the window 24 hours after it.
    await client.updateStreamMode({ streamArn: arnOf(other), streamModeDetails: { streamMode: 'ON_DEMAND' } })
    clock.time = t0 + 24 * HOUR + 1
    await client.updateStreamMode({ streamArn, streamModeDetails: { streamMode: 'ON_DEMAND' } })
    expect(await modeOf(streamName)).toBe('ON_DEMAND')
  })

  it("is lifted by limits: 'off'", async () => {
    const free = await startServer({ limits: 'off' })
    try {
      const streamName = await newStream(1, free.client)
      for (const streamMode of ['ON_DEMAND', 'PROVISIONED', 'ON_DEMAND', 'PROVISIONED'] as const) {
        await free.client.updateStreamMode({ streamArn: arnOf(streamName), streamModeDetails: { streamMode } })
      }
      expect(await modeOf(streamName, free.client)).toBe('PROVISIONED')
    } finally {
      await free.close()
    }
  })
})

describe('UpdateStreamMode functionality', () => {
  it('switches PROVISIONED to ON_DEMAND and back, keeping the shards; resharding by hand only when PROVISIONED', async () => {
    const streamName = await newStream(3)
    const streamArn = arnOf(streamName)
    const shardsBefore = (await client.listShards({ streamName })).shards
    expect(await client.updateStreamMode({ streamArn, streamModeDetails: { streamMode: 'ON_DEMAND' } })).toEqual({})
    const summary = (await client.describeStreamSummary({ streamName })).streamDescriptionSummary
    expect(summary).toMatchObject({ streamStatus: 'ACTIVE', streamModeDetails: { streamMode: 'ON_DEMAND' }, openShardCount: 3, warmThroughput: { currentMiBps: 3 } })
    expect(summary.warmThroughput?.targetMiBps).toBeUndefined()
    expect((await client.describeStream({ streamName })).streamDescription.streamModeDetails.streamMode).toBe('ON_DEMAND')
    expect((await client.listStreams({})).streamSummaries.find((s) => s.streamName === streamName)?.streamModeDetails.streamMode).toBe('ON_DEMAND')
    expect((await client.listShards({ streamName })).shards).toEqual(shardsBefore)
    expect((await client.describeLimits()).onDemandStreamCount).toBeGreaterThanOrEqual(1)
    await expectCode(client.updateShardCount({ streamName, targetShardCount: 6, scalingType: 'UNIFORM_SCALING' }), 'INVALID_ARGUMENT')
    await expectCode(client.splitShard({ streamName, shardToSplit: shardId(0), newStartingHashKey: '1000' }), 'INVALID_ARGUMENT')
    clock.advance(25 * HOUR)
    await client.updateStreamMode({ streamArn, streamModeDetails: { streamMode: 'PROVISIONED' } })
    const back = (await client.describeStreamSummary({ streamName })).streamDescriptionSummary
    expect(back.streamModeDetails.streamMode).toBe('PROVISIONED')
    expect(back.warmThroughput).toBeUndefined()
    await client.updateShardCount({ streamName, targetShardCount: 6, scalingType: 'UNIFORM_SCALING' })
    expect((await client.describeStreamSummary({ streamName })).streamDescriptionSummary.openShardCount).toBe(6)
  })

  it('warms the stream as it switches to ON_DEMAND: real splits up to the warm throughput', async () => {
    const streamName = await newStream(2)
    await client.updateStreamMode({ streamArn: arnOf(streamName), streamModeDetails: { streamMode: 'ON_DEMAND' }, warmThroughputMiBps: 8 })
    const summary = (await client.describeStreamSummary({ streamName })).streamDescriptionSummary
    expect(summary.openShardCount).toBe(8)
    expect(summary.warmThroughput).toEqual({ targetMiBps: 8, currentMiBps: 8 })
    const shards = (await client.listShards({ streamName })).shards
    // 2 -> 4 -> 8 by halving: 6 splits, each closing one shard and opening two.
    expect(shards).toHaveLength(2 + 6 * 2)
    for (const closed of shards.filter((s) => s.sequenceNumberRange.endingSequenceNumber !== undefined)) {
      const children = shards.filter((s) => s.parentShardId === closed.shardId)
      expect(children).toHaveLength(2)
      expect(children[0]!.hashKeyRange.startingHashKey).toBe(closed.hashKeyRange.startingHashKey)
      expect(children[1]!.hashKeyRange.endingHashKey).toBe(closed.hashKeyRange.endingHashKey)
    }
  })
})

describe('UpdateStreamMode with state transitions and restarts', () => {
  it('leaves the stream UPDATING for a while: writes go on, another update waits; the mode survives a restart', async () => {
    const srv2 = await startRestartableServer({ createStreamMs: 300, onDemandCheckMs: 0 })
    try {
      const c = srv2.current.client
      await c.updateAccountSettings({ minimumThroughputBillingCommitment: { status: 'ENABLED' } })
      const streamName = uniqueName('mode')
      await c.createStream({ streamName, shardCount: 1 })
      await waitForStatus(c, streamName, 'ACTIVE')
      await c.updateStreamMode({ streamArn: arnOf(streamName), streamModeDetails: { streamMode: 'ON_DEMAND' }, warmThroughputMiBps: 4 })
      expect((await c.describeStreamSummary({ streamName })).streamDescriptionSummary.streamStatus).toBe('UPDATING')
      await c.putRecord({ streamName, partitionKey: 'p', data: 'during' })
      await expectCode(c.updateStreamWarmThroughput({ streamName, warmThroughputMiBps: 6 }), 'RESOURCE_IN_USE')
      await expectCode(c.updateStreamMode({ streamArn: arnOf(streamName), streamModeDetails: { streamMode: 'PROVISIONED' } }), 'RESOURCE_IN_USE')
      await waitForStatus(c, streamName, 'ACTIVE')
      const restarted = await srv2.restart()
      const summary = (await restarted.client.describeStreamSummary({ streamName })).streamDescriptionSummary
      expect(summary).toMatchObject({ streamStatus: 'ACTIVE', streamModeDetails: { streamMode: 'ON_DEMAND' }, openShardCount: 4, warmThroughput: { targetMiBps: 4, currentMiBps: 4 } })
    } finally {
      await srv2.close()
    }
  })
})
