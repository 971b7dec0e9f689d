/**
 * MergeShards: decoding, validation (open, distinct, adjacent shards), what a merge does to
 * the shard list, lineage and routing, and the UPDATING state a merge causes when state
 * transitions take time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isShardlineError, type Shard, type StreamClient } from '../client/index.js'
import { expectedHashRanges, expectValidation, HASH_KEY_MAX, shardId, waitForStatus } from './helpers/control-plane.js'
import { expectRawError, expectSerializationFailed, GARBAGE, message, stringField, tag, varint, varintField, WireType } from './helpers/protowire.js'
import { expectCode, ManualClock, rawCall, startServer, uniqueName, type TestServer } from './helpers/server.js'

const clock = new ManualClock()
let srv: TestServer
let client: StreamClient

beforeAll(async () => {
  // limits 'off': the read limits count calls per second of the manual clock, which stands still.
  srv = await startServer({ clock: clock.now, limits: 'off' })
  client = srv.client
})

afterAll(async () => {
  await srv?.close()
})

async function newStream (shardCount: number, c: StreamClient = client): Promise<string> {
  const streamName = uniqueName('merge')
  await c.createStream({ streamName, shardCount })
  return streamName
}

async function shardsOf (streamName: string): Promise<Shard[]> {
  return (await client.listShards({ streamName, maxResults: 10_000 })).shards
}

function byId (shards: Shard[], id: string): Shard {
  const shard = shards.find((s) => s.shardId === id)
  expect(shard, `${id} in ${shards.map((s) => s.shardId).join(', ')}`).toBeDefined()
  return shard!
}

function isOpen (shard: Shard): boolean {
  return shard.sequenceNumberRange.endingSequenceNumber === undefined
}

describe('MergeShards serialization', () => {
  it('rejects bytes that are not protobuf with SERIALIZATION_FAILED', async () => {
    const result = await rawCall(srv.endpoint, 'MergeShards', GARBAGE)
    expectSerializationFailed(result)
    expect(result.details).toContain('MergeShards')
  })

  it('rejects adjacent_shard_to_merge sent with the varint wire type and leaves the stream alone', async () => {
    const streamName = await newStream(2)
    const body = message(stringField(1, streamName), stringField(2, shardId(0)), tag(3, WireType.VARINT), varint(1))
    expectSerializationFailed(await rawCall(srv.endpoint, 'MergeShards', body))
    expect(await shardsOf(streamName)).toHaveLength(2)
  })

  it('rejects a shard_to_merge whose declared length runs past the end of the request', async () => {
    const streamName = await newStream(2)
    const id = Buffer.from(shardId(0))
    const body = message(stringField(1, streamName), tag(2, WireType.LEN), varint(id.byteLength + 30), id)
    expectSerializationFailed(await rawCall(srv.endpoint, 'MergeShards', body))
    expect(await shardsOf(streamName)).toHaveLength(2)
  })

  it('reads an empty body as an empty request, which then fails validation', async () => {
    const result = await rawCall(srv.endpoint, 'MergeShards', Buffer.alloc(0))
    expectRawError(result, 'VALIDATION_FAILED', 3, 'ValidationException')
    expect(result.details).toContain("Value null at 'shard_to_merge' failed to satisfy constraint: Member must not be null")
    expect(result.details).toContain("Value null at 'adjacent_shard_to_merge' failed to satisfy constraint: Member must not be null")
  })

  it('reads a hand-built request and ignores unknown fields', async () => {
    const streamName = await newStream(2)
    const body = message(stringField(1, streamName), stringField(2, shardId(0)), stringField(3, shardId(1)), varintField(50, 3))
    const result = await rawCall(srv.endpoint, 'MergeShards', body)
    expect(result.code, result.details).toBe(0)
    expect((await shardsOf(streamName)).map((s) => s.shardId)).toEqual([shardId(0), shardId(1), shardId(2)])
  })
})

describe('MergeShards validation', () => {
  let streamName: string
  beforeAll(async () => { streamName = await newStream(3) })

  it('requires both shard ids', async () => {
    await expectValidation(client.mergeShards({ streamName, adjacentShardToMerge: shardId(1) } as never), 'shard_to_merge', 'Member must not be null')
    await expectValidation(client.mergeShards({ streamName, shardToMerge: shardId(0) } as never), 'adjacent_shard_to_merge', 'Member must not be null')
  })

  it('checks the shard ids length and pattern, reporting every failure', async () => {
    await expectValidation(client.mergeShards({ streamName, shardToMerge: 's'.repeat(129), adjacentShardToMerge: shardId(1) }), 'shard_to_merge', 'Member must have length less than or equal to 128')
    const msg = await expectValidation(client.mergeShards({ streamName, shardToMerge: 'a b', adjacentShardToMerge: 'c/d' }), 'adjacent_shard_to_merge', 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+')
    expect(msg).toMatch(/^2 validation errors detected: /)
    expect(msg).toContain("Value 'a b' at 'shard_to_merge'")
  })

  it('needs a stream name or ARN', async () => {
    const err = await expectCode(client.mergeShards({ shardToMerge: shardId(0), adjacentShardToMerge: shardId(1) }), 'VALIDATION_FAILED')
    expect(err.message).toContain('stream_name')
  })

  it('answers STREAM_NOT_FOUND for an unknown stream', async () => {
    await expectCode(client.mergeShards({ streamName: uniqueName('merge-none'), shardToMerge: shardId(0), adjacentShardToMerge: shardId(1) }), 'STREAM_NOT_FOUND')
  })

  it('answers SHARD_NOT_FOUND when either shard does not exist', async () => {
    const first = await expectCode(client.mergeShards({ streamName, shardToMerge: shardId(7), adjacentShardToMerge: shardId(0) }), 'SHARD_NOT_FOUND')
    expect(first.grpcStatus).toBe(5)
    expect(first.message).toContain(shardId(7))
    const second = await expectCode(client.mergeShards({ streamName, shardToMerge: shardId(2), adjacentShardToMerge: shardId(3) }), 'SHARD_NOT_FOUND')
    expect(second.message).toContain(shardId(3))
    expect(await shardsOf(streamName)).toHaveLength(3)
  })

  it('refuses shards whose ranges are not adjacent (INVALID_ARGUMENT)', async () => {
    const err = await expectCode(client.mergeShards({ streamName, shardToMerge: shardId(0), adjacentShardToMerge: shardId(2) }), 'INVALID_ARGUMENT')
    expect(err.grpcStatus).toBe(3)
    expect(err.awsType).toBe('InvalidArgumentException')
    expect(err.message).toContain(shardId(0))
    expect(err.message).toContain(shardId(2))
    await expectCode(client.mergeShards({ streamName, shardToMerge: shardId(2), adjacentShardToMerge: shardId(0) }), 'INVALID_ARGUMENT')
    expect((await shardsOf(streamName)).map((s) => s.hashKeyRange)).toEqual(expectedHashRanges(3))
  })

  it('refuses to merge a shard with itself (INVALID_ARGUMENT)', async () => {
    await expectCode(client.mergeShards({ streamName, shardToMerge: shardId(1), adjacentShardToMerge: shardId(1) }), 'INVALID_ARGUMENT')
    expect(await shardsOf(streamName)).toHaveLength(3)
  })

  it('refuses to merge shards of an ON_DEMAND stream: Kinesis reshards provisioned streams only', async () => {
    const onDemand = uniqueName('merge-od')
    await client.createStream({ streamName: onDemand, streamModeDetails: { streamMode: 'ON_DEMAND' } })
    const code = await client.mergeShards({ streamName: onDemand, shardToMerge: shardId(0), adjacentShardToMerge: shardId(1) })
      .then(() => 'succeeded', (err: unknown) => (isShardlineError(err) ? err.code : String(err)))
    expect(['VALIDATION_FAILED', 'INVALID_ARGUMENT']).toContain(code)
    expect(await shardsOf(onDemand)).toHaveLength(4)
  })

  it('refuses a closed shard on either side (INVALID_ARGUMENT) and changes nothing', async () => {
    const s = await newStream(2)
    const mid = BigInt(expectedHashRanges(2)[1]!.startingHashKey)
    // Shard 0 closes; its upper child, shard 3, is next to shard 1.
    await client.splitShard({ streamName: s, shardToSplit: shardId(0), newStartingHashKey: (mid / 2n).toString() })
    const before = await shardsOf(s)
    const err = await expectCode(client.mergeShards({ streamName: s, shardToMerge: shardId(0), adjacentShardToMerge: shardId(1) }), 'INVALID_ARGUMENT')
    expect(err.message).toContain(shardId(0))
    await expectCode(client.mergeShards({ streamName: s, shardToMerge: shardId(1), adjacentShardToMerge: shardId(0) }), 'INVALID_ARGUMENT')
    expect(await shardsOf(s)).toEqual(before)
    // The open neighbour is accepted.
    await client.mergeShards({ streamName: s, shardToMerge: shardId(3), adjacentShardToMerge: shardId(1) })
    expect(await shardsOf(s)).toHaveLength(5)
  })
})

describe('MergeShards functionality', () => {
  it('closes both parents and opens one child over both ranges, naming both parents', async () => {
    const streamName = await newStream(2)
    const before = await shardsOf(streamName)
    expect(await client.mergeShards({ streamName, shardToMerge: shardId(0), adjacentShardToMerge: shardId(1) })).toEqual({})
    const shards = await shardsOf(streamName)
    expect(shards.map((s) => s.shardId)).toEqual([shardId(0), shardId(1), shardId(2)])
    const [p0, p1, child] = shards as [Shard, Shard, Shard]
    for (const [parent, old] of [[p0, before[0]!], [p1, before[1]!]] as const) {
      expect(parent.hashKeyRange).toEqual(old.hashKeyRange)
      expect(parent.sequenceNumberRange.startingSequenceNumber).toBe(old.sequenceNumberRange.startingSequenceNumber)
      expect(parent.sequenceNumberRange.endingSequenceNumber).toMatch(/^\d{56}$/)
      expect(child.sequenceNumberRange.startingSequenceNumber > parent.sequenceNumberRange.endingSequenceNumber!).toBe(true)
    }
    expect(child).toMatchObject({
      shardId: shardId(2),
      parentShardId: shardId(0),
      adjacentParentShardId: shardId(1),
      hashKeyRange: { startingHashKey: '0', endingHashKey: HASH_KEY_MAX.toString() }
    })
    expect(isOpen(child)).toBe(true)
    const { streamDescriptionSummary: summary } = await client.describeStreamSummary({ streamName })
    expect(summary.openShardCount).toBe(1)
    expect(summary.streamStatus).toBe('ACTIVE')
    expect((await client.describeStream({ streamName })).streamDescription.shards).toEqual(shards)
  })

  it('names shardToMerge the parent and adjacentShardToMerge the adjacent parent', async () => {
    const streamName = await newStream(3)
    await client.mergeShards({ streamName, shardToMerge: shardId(1), adjacentShardToMerge: shardId(2) })
    const child = byId(await shardsOf(streamName), shardId(3))
    const ranges = expectedHashRanges(3)
    expect(child).toMatchObject({
      parentShardId: shardId(1),
      adjacentParentShardId: shardId(2),
      hashKeyRange: { startingHashKey: ranges[1]!.startingHashKey, endingHashKey: ranges[2]!.endingHashKey }
    })
    const open = (await client.listShards({ streamName, shardFilter: { type: 'AT_LATEST' } })).shards
    expect(open.map((s) => s.shardId)).toEqual([shardId(0), shardId(3)])
  })

  it('refuses an adjacent shard whose range lies below the shard\'s, as AWS does, and changes nothing', async () => {
    const streamName = await newStream(2)
    const err = await expectCode(client.mergeShards({ streamName, shardToMerge: shardId(1), adjacentShardToMerge: shardId(0) }), 'INVALID_ARGUMENT')
    expect(err.message).toBe(`Shards ${shardId(1)} and ${shardId(0)} in stream ${streamName} under account 000000000000 are not an adjacent pair of shards eligible for merging`)
    expect(await shardsOf(streamName)).toHaveLength(2)
  })

  it('accepts the stream ARN instead of the name', async () => {
    const streamName = await newStream(2)
    await client.mergeShards({ streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`, shardToMerge: shardId(0), adjacentShardToMerge: shardId(1) })
    expect(byId(await shardsOf(streamName), shardId(2)).parentShardId).toBe(shardId(0))
  })

  it('merges the children of a split back into one shard over the parent range', async () => {
    const streamName = await newStream(2)
    const [first] = expectedHashRanges(2)
    const key = BigInt(first!.endingHashKey) / 3n
    await client.splitShard({ streamName, shardToSplit: shardId(0), newStartingHashKey: key.toString() })
    await client.mergeShards({ streamName, shardToMerge: shardId(2), adjacentShardToMerge: shardId(3) })
    const shards = await shardsOf(streamName)
    expect(byId(shards, shardId(4))).toMatchObject({ parentShardId: shardId(2), adjacentParentShardId: shardId(3), hashKeyRange: first })
    expect(shards.filter(isOpen).map((s) => s.shardId)).toEqual([shardId(1), shardId(4)])
  })

  it('routes every hash key of both parents to the child', async () => {
    const streamName = await newStream(3)
    await client.mergeShards({ streamName, shardToMerge: shardId(0), adjacentShardToMerge: shardId(1) })
    const ranges = expectedHashRanges(3)
    const keys = [0n, BigInt(ranges[0]!.endingHashKey), BigInt(ranges[1]!.startingHashKey), BigInt(ranges[1]!.endingHashKey)]
    const { records } = await client.putRecords({ streamName, records: keys.map((k) => ({ partitionKey: 'p', data: 'x', explicitHashKey: k.toString() })) })
    expect(records.map((r) => r.shardId)).toEqual(keys.map(() => shardId(3)))
    const outside = await client.putRecord({ streamName, partitionKey: 'p', data: 'x', explicitHashKey: ranges[2]!.startingHashKey })
    expect(outside.shardId).toBe(shardId(2))
  })

  it('numbers the child above every record of both parents', async () => {
    const streamName = await newStream(2)
    const ranges = expectedHashRanges(2)
    const parentSeqs: string[] = []
    for (let i = 0; i < 3; i++) {
      for (const r of ranges) parentSeqs.push((await client.putRecord({ streamName, partitionKey: 'p', data: `${i}`, explicitHashKey: r.startingHashKey })).sequenceNumber)
    }
    await client.mergeShards({ streamName, shardToMerge: shardId(0), adjacentShardToMerge: shardId(1) })
    const shards = await shardsOf(streamName)
    const endings = [byId(shards, shardId(0)), byId(shards, shardId(1))].map((s) => s.sequenceNumberRange.endingSequenceNumber!)
    const after = await client.putRecord({ streamName, partitionKey: 'p', data: 'after' })
    expect(after.shardId).toBe(shardId(2))
    for (const seq of [...parentSeqs, ...endings]) expect(after.sequenceNumber > seq, `${after.sequenceNumber} > ${seq}`).toBe(true)
  })

  it('reports the child at the end of both parents, with both parent ids', async () => {
    const streamName = await newStream(2)
    await client.putRecord({ streamName, partitionKey: 'p', data: 'low', explicitHashKey: '0' })
    await client.putRecord({ streamName, partitionKey: 'p', data: 'high', explicitHashKey: HASH_KEY_MAX.toString() })
    await client.mergeShards({ streamName, shardToMerge: shardId(0), adjacentShardToMerge: shardId(1) })
    const expected = [{ shardId: shardId(2), parentShards: [shardId(0), shardId(1)], hashKeyRange: { startingHashKey: '0', endingHashKey: HASH_KEY_MAX.toString() } }]
    for (const [parent, data] of [[shardId(0), 'low'], [shardId(1), 'high']] as const) {
      const { shardIterator } = await client.getShardIterator({ streamName, shardId: parent, shardIteratorType: 'TRIM_HORIZON' })
      const page = await client.getRecords({ shardIterator })
      expect(page.records.map((r) => r.data.toString())).toEqual([data])
      expect(page.nextShardIterator).toBeUndefined()
      expect(page.childShards).toEqual(expected)
    }
  })
})

describe('MergeShards with createStreamMs', () => {
  let slow: TestServer

  beforeAll(async () => {
    slow = await startServer({ createStreamMs: 300, limits: 'off' })
  })

  afterAll(async () => {
    await slow?.close()
  })

  it('leaves the stream UPDATING for a while: resharding is refused, writes go on', async () => {
    const c = slow.client
    const streamName = await newStream(4, c)
    await waitForStatus(c, streamName, 'ACTIVE')
    await c.mergeShards({ streamName, shardToMerge: shardId(0), adjacentShardToMerge: shardId(1) })
    expect((await c.describeStreamSummary({ streamName })).streamDescriptionSummary.streamStatus).toBe('UPDATING')
    const err = await expectCode(c.mergeShards({ streamName, shardToMerge: shardId(2), adjacentShardToMerge: shardId(3) }), 'RESOURCE_IN_USE')
    expect(err.grpcStatus).toBe(9)
    expect(err.awsType).toBe('ResourceInUseException')
    await expectCode(c.splitShard({ streamName, shardToSplit: shardId(2), newStartingHashKey: (BigInt(expectedHashRanges(4)[2]!.startingHashKey) + 100n).toString() }), 'RESOURCE_IN_USE')
    // As in AWS, the shards stay as they were until the stream is ACTIVE: writes go to the parents.
    expect((await c.describeStreamSummary({ streamName })).streamDescriptionSummary.openShardCount).toBe(4)
    const put = await c.putRecord({ streamName, partitionKey: 'p', data: 'x', explicitHashKey: '0' })
    expect(put.shardId).toBe(shardId(0))
    await waitForStatus(c, streamName, 'ACTIVE')
    const shards = (await c.listShards({ streamName })).shards
    expect(shards.map((s) => [s.shardId, s.parentShardId, s.adjacentParentShardId])).toEqual([
      [shardId(0), undefined, undefined], [shardId(1), undefined, undefined], [shardId(2), undefined, undefined],
      [shardId(3), undefined, undefined], [shardId(4), shardId(0), shardId(1)]
    ])
    const ending = shards[0]!.sequenceNumberRange.endingSequenceNumber
    expect(ending !== undefined && BigInt(ending) > BigInt(put.sequenceNumber)).toBe(true)
    expect((await c.putRecord({ streamName, partitionKey: 'p', data: 'y', explicitHashKey: '0' })).shardId).toBe(shardId(4))
    await c.mergeShards({ streamName, shardToMerge: shardId(2), adjacentShardToMerge: shardId(3) })
    await waitForStatus(c, streamName, 'ACTIVE')
    expect((await c.describeStreamSummary({ streamName })).streamDescriptionSummary.openShardCount).toBe(2)
  })
})
