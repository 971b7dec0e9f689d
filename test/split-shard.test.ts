/**
 * SplitShard: decoding, validation of the shard and the new starting hash key, what a split
 * does to the shard list and to routing, and the UPDATING state a split causes when state
 * transitions take time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isShardlineError, type Shard, type StreamClient } from '../client/index.js'
import {
  expectedHashRanges,
  expectValidation,
  HASH_KEY_MAX,
  shardId,
  startRestartableServer,
  waitForStatus,
  type RestartableServer
} from './helpers/control-plane.js'
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

async function newStream (shardCount = 1, c: StreamClient = client): Promise<string> {
  const streamName = uniqueName('split')
  await c.createStream({ streamName, shardCount })
  return streamName
}

async function shardsOf (streamName: string, c: StreamClient = client): Promise<Shard[]> {
  return (await c.listShards({ streamName, maxResults: 10_000 })).shards
}

function byId (shards: Shard[], id: string): Shard {
  const shard = shards.find((s) => s.shardId === id)
  expect(shard, `${id} in ${shards.map((s) => s.shardId).join(', ')}`).toBeDefined()
  return shard!
}

const MID = 1n << 127n

describe('SplitShard serialization', () => {
  it('rejects bytes that are not protobuf with SERIALIZATION_FAILED', async () => {
    const result = await rawCall(srv.endpoint, 'SplitShard', GARBAGE)
    expectSerializationFailed(result)
    expect(result.details).toContain('SplitShard')
  })

  it('rejects shard_to_split sent with the varint wire type and leaves the stream alone', async () => {
    const streamName = await newStream()
    const body = message(stringField(1, streamName), tag(2, WireType.VARINT), varint(0), stringField(3, MID.toString()))
    expectSerializationFailed(await rawCall(srv.endpoint, 'SplitShard', body))
    expect(await shardsOf(streamName)).toHaveLength(1)
  })

  it('rejects a new_starting_hash_key whose declared length runs past the end of the request', async () => {
    const streamName = await newStream()
    const key = Buffer.from(MID.toString())
    const body = message(stringField(1, streamName), stringField(2, shardId(0)), tag(3, WireType.LEN), varint(key.byteLength + 10), key)
    expectSerializationFailed(await rawCall(srv.endpoint, 'SplitShard', body))
    expect(await shardsOf(streamName)).toHaveLength(1)
  })

  it('reads an empty body as an empty request, which then fails validation', async () => {
    const result = await rawCall(srv.endpoint, 'SplitShard', Buffer.alloc(0))
    expectRawError(result, 'VALIDATION_FAILED', 3, 'ValidationException')
    expect(result.details).toContain("Value null at 'shard_to_split' failed to satisfy constraint: Member must not be null")
    expect(result.details).toContain("Value null at 'new_starting_hash_key' failed to satisfy constraint: Member must not be null")
  })

  it('reads a hand-built request and ignores unknown fields', async () => {
    const streamName = await newStream()
    const body = message(stringField(1, streamName), stringField(2, shardId(0)), stringField(3, MID.toString()), varintField(99, 1), stringField(100, 'future'))
    const result = await rawCall(srv.endpoint, 'SplitShard', body)
    expect(result.code, result.details).toBe(0)
    expect((await shardsOf(streamName)).map((s) => s.shardId)).toEqual([shardId(0), shardId(1), shardId(2)])
  })
})

describe('SplitShard validation', () => {
  let streamName: string
  beforeAll(async () => { streamName = await newStream(2) })

  it('requires shard_to_split and new_starting_hash_key', async () => {
    await expectValidation(client.splitShard({ streamName, newStartingHashKey: '5' } as never), 'shard_to_split', 'Member must not be null')
    await expectValidation(client.splitShard({ streamName, shardToSplit: shardId(0) } as never), 'new_starting_hash_key', 'Member must not be null')
    const msg = await expectValidation(client.splitShard({ streamName } as never), 'shard_to_split', 'Member must not be null')
    expect(msg).toMatch(/^2 validation errors detected: /)
  })

  it('checks the shard id length and pattern', async () => {
    await expectValidation(client.splitShard({ streamName, shardToSplit: 's'.repeat(129), newStartingHashKey: '5' }), 'shard_to_split', 'Member must have length less than or equal to 128')
    await expectValidation(client.splitShard({ streamName, shardToSplit: 'shard/0', newStartingHashKey: '5' }), 'shard_to_split', 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+')
  })

  it.each(['abc', '-1', '01', '1.5', ' 5', '1' + '0'.repeat(39)])('rejects the hash key %j by pattern', async (newStartingHashKey) => {
    const msg = await expectValidation(client.splitShard({ streamName, shardToSplit: shardId(0), newStartingHashKey }), 'new_starting_hash_key', 'Member must satisfy regular expression pattern: ')
    expect(msg).toContain('0|([1-9]\\d{0,38})')
    expect(msg).toContain(`Value '${newStartingHashKey}' at 'new_starting_hash_key'`)
  })

  it('reports every failed constraint in one message', async () => {
    const msg = await expectValidation(client.splitShard({ streamName: 'bad name', shardToSplit: 'a b', newStartingHashKey: 'x' }), 'stream_name', 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+')
    expect(msg).toMatch(/^3 validation errors detected: /)
  })

  it('needs a stream name or ARN, and refuses a name and ARN of different streams', async () => {
    const err = await expectCode(client.splitShard({ shardToSplit: shardId(0), newStartingHashKey: MID.toString() }), 'VALIDATION_FAILED')
    expect(err.message).toContain('stream_name')
    const other = await newStream()
    const arn = `arn:aws:kinesis:us-east-1:000000000000:stream/${other}`
    await expectCode(client.splitShard({ streamName, streamArn: arn, shardToSplit: shardId(0), newStartingHashKey: MID.toString() }), 'INVALID_ARGUMENT')
    expect(await shardsOf(streamName)).toHaveLength(2)
    expect(await shardsOf(other)).toHaveLength(1)
  })

  it('answers STREAM_NOT_FOUND for an unknown stream or an ARN of another account', async () => {
    await expectCode(client.splitShard({ streamName: uniqueName('split-none'), shardToSplit: shardId(0), newStartingHashKey: MID.toString() }), 'STREAM_NOT_FOUND')
    await expectCode(client.splitShard({ streamArn: `arn:aws:kinesis:us-east-1:111111111111:stream/${streamName}`, shardToSplit: shardId(0), newStartingHashKey: '5' }), 'STREAM_NOT_FOUND')
  })

  it('answers SHARD_NOT_FOUND for a shard the stream does not have', async () => {
    const err = await expectCode(client.splitShard({ streamName, shardToSplit: shardId(2), newStartingHashKey: MID.toString() }), 'SHARD_NOT_FOUND')
    expect(err.grpcStatus).toBe(5)
    expect(err.awsType).toBe('ResourceNotFoundException')
    expect(err.message).toContain(shardId(2))
    await expectCode(client.splitShard({ streamName, shardToSplit: 'shardId-x', newStartingHashKey: MID.toString() }), 'SHARD_NOT_FOUND')
    expect(await shardsOf(streamName)).toHaveLength(2)
  })

  it('refuses a hash key that does not leave both children more than one key (INVALID_ARGUMENT)', async () => {
    // Shard 1 of 2 starts in the middle of the space, so off-by-one errors against 0 cannot hide.
    const [, second] = expectedHashRanges(2)
    const start = BigInt(second!.startingHashKey)
    const end = BigInt(second!.endingHashKey)
    for (const key of [0n, start - 1n, start, start + 1n, end]) {
      const err = await expectCode(client.splitShard({ streamName, shardToSplit: shardId(1), newStartingHashKey: key.toString() }), 'INVALID_ARGUMENT')
      expect(err.grpcStatus).toBe(3)
      expect(err.awsType).toBe('InvalidArgumentException')
      expect(err.message).toContain(key.toString())
    }
    // The first shard's range ends just below the second's start.
    await expectCode(client.splitShard({ streamName, shardToSplit: shardId(0), newStartingHashKey: start.toString() }), 'INVALID_ARGUMENT')
    expect((await shardsOf(streamName)).map((s) => s.hashKeyRange)).toEqual(expectedHashRanges(2))
  })

  it('refuses a hash key above 2^128 - 1 (INVALID_ARGUMENT)', async () => {
    const err = await expectCode(client.splitShard({ streamName, shardToSplit: shardId(1), newStartingHashKey: (HASH_KEY_MAX + 1n).toString() }), 'INVALID_ARGUMENT')
    expect(err.awsType).toBe('InvalidArgumentException')
    expect(await shardsOf(streamName)).toHaveLength(2)
  })

  it('accepts the extreme keys: start + 2 and end - 1', async () => {
    const low = await newStream(2)
    const [, second] = expectedHashRanges(2)
    const start = BigInt(second!.startingHashKey)
    const end = BigInt(second!.endingHashKey)
    await client.splitShard({ streamName: low, shardToSplit: shardId(1), newStartingHashKey: (start + 2n).toString() })
    const afterLow = await shardsOf(low)
    expect(byId(afterLow, shardId(2)).hashKeyRange).toEqual({ startingHashKey: start.toString(), endingHashKey: (start + 1n).toString() })
    expect(byId(afterLow, shardId(3)).hashKeyRange).toEqual({ startingHashKey: (start + 2n).toString(), endingHashKey: end.toString() })

    const high = await newStream(2)
    await client.splitShard({ streamName: high, shardToSplit: shardId(1), newStartingHashKey: (end - 1n).toString() })
    const afterHigh = await shardsOf(high)
    expect(byId(afterHigh, shardId(2)).hashKeyRange).toEqual({ startingHashKey: start.toString(), endingHashKey: (end - 2n).toString() })
    expect(byId(afterHigh, shardId(3)).hashKeyRange).toEqual({ startingHashKey: (end - 1n).toString(), endingHashKey: end.toString() })
  })

  it('refuses to split a closed shard (INVALID_ARGUMENT) and changes nothing', async () => {
    const closed = await newStream()
    await client.splitShard({ streamName: closed, shardToSplit: shardId(0), newStartingHashKey: MID.toString() })
    const before = await shardsOf(closed)
    const err = await expectCode(client.splitShard({ streamName: closed, shardToSplit: shardId(0), newStartingHashKey: (MID / 2n).toString() }), 'INVALID_ARGUMENT')
    expect(err.awsType).toBe('InvalidArgumentException')
    expect(err.message).toContain(shardId(0))
    expect(await shardsOf(closed)).toEqual(before)
  })

  it('refuses to split a shard of an ON_DEMAND stream: Kinesis reshards provisioned streams only', async () => {
    const onDemand = uniqueName('split-od')
    await client.createStream({ streamName: onDemand, streamModeDetails: { streamMode: 'ON_DEMAND' } })
    const code = await client.splitShard({ streamName: onDemand, shardToSplit: shardId(0), newStartingHashKey: '1000' })
      .then(() => 'succeeded', (err: unknown) => (isShardlineError(err) ? err.code : String(err)))
    expect(['VALIDATION_FAILED', 'INVALID_ARGUMENT']).toContain(code)
    expect(await shardsOf(onDemand)).toHaveLength(4)
  })

  it('refuses a split that would give the stream more than 10000 open shards (LIMIT_EXCEEDED)', async () => {
    const big = await newStream(10_000)
    const [first] = expectedHashRanges(10_000)
    const err = await expectCode(client.splitShard({ streamName: big, shardToSplit: shardId(0), newStartingHashKey: (BigInt(first!.endingHashKey) / 2n).toString() }), 'LIMIT_EXCEEDED')
    expect(err.grpcStatus).toBe(8)
    expect(err.awsType).toBe('LimitExceededException')
    expect((await client.describeStreamSummary({ streamName: big })).streamDescriptionSummary.openShardCount).toBe(10_000)
    await client.deleteStream({ streamName: big })
  })
})

describe('SplitShard functionality', () => {
  it('closes the parent and opens two children that divide its range at the key', async () => {
    const streamName = await newStream()
    const [parentBefore] = await shardsOf(streamName)
    expect(await client.splitShard({ streamName, shardToSplit: shardId(0), newStartingHashKey: MID.toString() })).toEqual({})
    const shards = await shardsOf(streamName)
    expect(shards.map((s) => s.shardId)).toEqual([shardId(0), shardId(1), shardId(2)])
    const [parent, lower, upper] = shards as [Shard, Shard, Shard]
    expect(parent.hashKeyRange).toEqual(parentBefore!.hashKeyRange)
    expect(parent.sequenceNumberRange.startingSequenceNumber).toBe(parentBefore!.sequenceNumberRange.startingSequenceNumber)
    expect(parent.sequenceNumberRange.endingSequenceNumber).toMatch(/^\d{56}$/)
    expect(parent.parentShardId).toBeUndefined()
    expect(lower).toMatchObject({ parentShardId: shardId(0), hashKeyRange: { startingHashKey: '0', endingHashKey: (MID - 1n).toString() } })
    expect(upper).toMatchObject({ parentShardId: shardId(0), hashKeyRange: { startingHashKey: MID.toString(), endingHashKey: HASH_KEY_MAX.toString() } })
    for (const child of [lower, upper]) {
      expect(child.adjacentParentShardId).toBeUndefined()
      expect(child.sequenceNumberRange.endingSequenceNumber).toBeUndefined()
      expect(child.sequenceNumberRange.startingSequenceNumber > parent.sequenceNumberRange.endingSequenceNumber!).toBe(true)
    }
    const { streamDescriptionSummary: summary } = await client.describeStreamSummary({ streamName })
    expect(summary.openShardCount).toBe(2)
    expect(summary.streamStatus).toBe('ACTIVE')
    expect((await client.describeStream({ streamName })).streamDescription.shards).toEqual(shards)
  })

  it('splits a shard in the middle of the stream and leaves the others alone', async () => {
    const streamName = await newStream(3)
    const before = await shardsOf(streamName)
    const middle = expectedHashRanges(3)[1]!
    const key = (BigInt(middle.startingHashKey) + BigInt(middle.endingHashKey)) / 2n + 7n
    await client.splitShard({ streamName, shardToSplit: shardId(1), newStartingHashKey: key.toString() })
    const after = await shardsOf(streamName)
    expect(after.map((s) => s.shardId)).toEqual([0, 1, 2, 3, 4].map(shardId))
    expect(after[0]).toEqual(before[0])
    expect(after[2]).toEqual(before[2])
    expect(after[3]!.hashKeyRange).toEqual({ startingHashKey: middle.startingHashKey, endingHashKey: (key - 1n).toString() })
    expect(after[4]!.hashKeyRange).toEqual({ startingHashKey: key.toString(), endingHashKey: middle.endingHashKey })
    const open = (await client.listShards({ streamName, shardFilter: { type: 'AT_LATEST' } })).shards
    expect(open.map((s) => s.shardId)).toEqual([0, 2, 3, 4].map(shardId))
  })

  it('accepts the stream ARN instead of the name', async () => {
    const streamName = await newStream()
    await client.splitShard({ streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`, shardToSplit: shardId(0), newStartingHashKey: MID.toString() })
    expect(await shardsOf(streamName)).toHaveLength(3)
  })

  it('accepts a shard id with shorter zero-padding, as Kinesis does', async () => {
    const streamName = await newStream()
    await client.splitShard({ streamName, shardToSplit: 'shardId-0', newStartingHashKey: MID.toString() })
    expect((await shardsOf(streamName)).map((s) => s.parentShardId)).toEqual([undefined, shardId(0), shardId(0)])
  })

  it('splits children again, giving each new shard the next unused id', async () => {
    const streamName = await newStream()
    await client.splitShard({ streamName, shardToSplit: shardId(0), newStartingHashKey: MID.toString() })
    await client.splitShard({ streamName, shardToSplit: shardId(2), newStartingHashKey: (MID + MID / 2n).toString() })
    await client.splitShard({ streamName, shardToSplit: shardId(1), newStartingHashKey: (MID / 2n).toString() })
    const shards = await shardsOf(streamName)
    expect(shards.map((s) => [s.shardId, s.parentShardId])).toEqual([
      [shardId(0), undefined],
      [shardId(1), shardId(0)],
      [shardId(2), shardId(0)],
      [shardId(3), shardId(2)],
      [shardId(4), shardId(2)],
      [shardId(5), shardId(1)],
      [shardId(6), shardId(1)]
    ])
    const open = shards.filter((s) => s.sequenceNumberRange.endingSequenceNumber === undefined)
    expect(open.map((s) => s.shardId)).toEqual([3, 4, 5, 6].map(shardId))
    // The four open shards are the quarters of the space.
    const sorted = [...open].sort((a, b) => (BigInt(a.hashKeyRange.startingHashKey) < BigInt(b.hashKeyRange.startingHashKey) ? -1 : 1))
    expect(sorted.map((s) => s.hashKeyRange)).toEqual(expectedHashRanges(4))
    expect((await client.describeStreamSummary({ streamName })).streamDescriptionSummary.openShardCount).toBe(4)
  })

  it('lets only one of several concurrent splits of a shard succeed', async () => {
    const streamName = await newStream()
    const keys = [MID, MID / 2n, MID + MID / 2n]
    const results = await Promise.allSettled(keys.map((key) => client.splitShard({ streamName, shardToSplit: shardId(0), newStartingHashKey: key.toString() })))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of results) {
      if (r.status === 'rejected') expect((r.reason as { code: string }).code).toBe('INVALID_ARGUMENT')
    }
    const won = keys[results.findIndex((r) => r.status === 'fulfilled')]!
    const shards = await shardsOf(streamName)
    expect(shards.map((s) => s.hashKeyRange.startingHashKey)).toEqual(['0', '0', won.toString()])
  })

  it('routes writes by hash key to the child that holds it', async () => {
    const streamName = await newStream()
    await client.splitShard({ streamName, shardToSplit: shardId(0), newStartingHashKey: MID.toString() })
    const cases: Array<[bigint, string]> = [[0n, shardId(1)], [MID - 1n, shardId(1)], [MID, shardId(2)], [HASH_KEY_MAX, shardId(2)]]
    for (const [key, expected] of cases) {
      const put = await client.putRecord({ streamName, partitionKey: 'k', data: 'x', explicitHashKey: key.toString() })
      expect(put.shardId, `hash key ${key}`).toBe(expected)
    }
    const { records } = await client.putRecords({ streamName, records: cases.map(([key]) => ({ partitionKey: 'k', data: 'y', explicitHashKey: key.toString() })) })
    expect(records.map((r) => r.shardId)).toEqual(cases.map(([, id]) => id))
  })

  it('closes the parent after its last record: its ending number covers it, the children start above it', async () => {
    const streamName = await newStream()
    const puts = []
    for (let i = 0; i < 3; i++) puts.push(await client.putRecord({ streamName, partitionKey: `k${i}`, data: `before-${i}` }))
    await client.splitShard({ streamName, shardToSplit: shardId(0), newStartingHashKey: MID.toString() })
    const [parent, ...children] = await shardsOf(streamName)
    const ending = parent!.sequenceNumberRange.endingSequenceNumber!
    expect(ending >= puts[2]!.sequenceNumber).toBe(true)
    for (const child of children) expect(child.sequenceNumberRange.startingSequenceNumber > ending).toBe(true)
    const after = await client.putRecord({ streamName, partitionKey: 'k0', data: 'after' })
    expect(after.shardId).not.toBe(shardId(0))
    expect(after.sequenceNumber > ending).toBe(true)
  })
})

describe('SplitShard with createStreamMs', () => {
  let slow: RestartableServer

  beforeAll(async () => {
    slow = await startRestartableServer({ createStreamMs: 400, limits: 'off' })
  })

  afterAll(async () => {
    await slow?.close()
  })

  it('leaves the stream UPDATING for a while: resharding is refused, writes and reads go on', async () => {
    const c = slow.current.client
    const streamName = uniqueName('split-slow')
    await c.createStream({ streamName, shardCount: 2 })
    await waitForStatus(c, streamName, 'ACTIVE')
    await c.splitShard({ streamName, shardToSplit: shardId(0), newStartingHashKey: (MID / 2n).toString() })
    expect((await c.describeStreamSummary({ streamName })).streamDescriptionSummary.streamStatus).toBe('UPDATING')
    expect((await c.describeStream({ streamName })).streamDescription.streamStatus).toBe('UPDATING')

    const inUse = await expectCode(c.splitShard({ streamName, shardToSplit: shardId(1), newStartingHashKey: (MID + 5n).toString() }), 'RESOURCE_IN_USE')
    expect(inUse.grpcStatus).toBe(9)
    expect(inUse.awsType).toBe('ResourceInUseException')
    await expectCode(c.mergeShards({ streamName, shardToMerge: shardId(2), adjacentShardToMerge: shardId(3) }), 'RESOURCE_IN_USE')
    await expectCode(c.updateShardCount({ streamName, targetShardCount: 2, scalingType: 'UNIFORM_SCALING' }), 'RESOURCE_IN_USE')

    // As in AWS, the shards stay as they were until the stream is ACTIVE: writes and reads go to the parent.
    expect((await shardsOf(streamName, c)).map((s) => s.shardId)).toEqual([shardId(0), shardId(1)])
    const put = await c.putRecord({ streamName, partitionKey: 'k', data: 'during', explicitHashKey: '0' })
    expect(put.shardId).toBe(shardId(0))
    const iterator = (await c.getShardIterator({ streamName, shardId: shardId(0), shardIteratorType: 'TRIM_HORIZON' })).shardIterator
    expect((await c.getRecords({ shardIterator: iterator })).records.map((r) => r.data.toString())).toEqual(['during'])

    await waitForStatus(c, streamName, 'ACTIVE')
    // Then the split: the parent is closed after the record it took, and the children take the writes.
    const shards = await shardsOf(streamName, c)
    expect(shards.map((s) => [s.shardId, s.parentShardId])).toEqual([[shardId(0), undefined], [shardId(1), undefined], [shardId(2), shardId(0)], [shardId(3), shardId(0)]])
    expect(byId(shards, shardId(2)).hashKeyRange).toEqual({ startingHashKey: '0', endingHashKey: (MID / 2n - 1n).toString() })
    const ending = byId(shards, shardId(0)).sequenceNumberRange.endingSequenceNumber
    expect(ending !== undefined && BigInt(ending) > BigInt(put.sequenceNumber)).toBe(true)
    expect((await c.putRecord({ streamName, partitionKey: 'k', data: 'after', explicitHashKey: '0' })).shardId).toBe(shardId(2))
    await c.splitShard({ streamName, shardToSplit: shardId(1), newStartingHashKey: (MID + 5n).toString() })
    await waitForStatus(c, streamName, 'ACTIVE')
    expect((await c.describeStreamSummary({ streamName })).streamDescriptionSummary.openShardCount).toBe(4)
  })

  it('applies a split still pending at a restart once the stream is ACTIVE, after the records its parent took', async () => {
    const streamName = uniqueName('split-slow')
    await slow.current.client.createStream({ streamName, shardCount: 1 })
    await waitForStatus(slow.current.client, streamName, 'ACTIVE')
    await slow.current.client.splitShard({ streamName, shardToSplit: shardId(0), newStartingHashKey: MID.toString() })
    expect((await slow.current.client.describeStreamSummary({ streamName })).streamDescriptionSummary.streamStatus).toBe('UPDATING')
    const during = await slow.current.client.putRecord({ streamName, partitionKey: 'k', data: 'during', explicitHashKey: '0' })
    expect(during.shardId).toBe(shardId(0))
    await slow.restart()
    const c = slow.current.client
    expect((await shardsOf(streamName, c)).map((s) => s.shardId)).toEqual([shardId(0)])
    await waitForStatus(c, streamName, 'ACTIVE')
    const shards = await shardsOf(streamName, c)
    expect(shards.map((s) => s.parentShardId)).toEqual([undefined, shardId(0), shardId(0)])
    const ending = byId(shards, shardId(0)).sequenceNumberRange.endingSequenceNumber
    expect(ending !== undefined && BigInt(ending) > BigInt(during.sequenceNumber)).toBe(true)
    const iterator = (await c.getShardIterator({ streamName, shardId: shardId(0), shardIteratorType: 'TRIM_HORIZON' })).shardIterator
    const page = await c.getRecords({ shardIterator: iterator })
    expect(page.records.map((r) => r.data.toString())).toEqual(['during'])
    expect(page.childShards.map((s) => s.shardId)).toEqual([shardId(1), shardId(2)])
    expect((await c.putRecord({ streamName, partitionKey: 'k', data: 'after', explicitHashKey: '0' })).shardId).toBe(shardId(1))
  })
})
