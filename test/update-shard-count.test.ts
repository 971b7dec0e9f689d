/**
 * UpdateShardCount: decoding, validation, the doubling/halving bounds, the calls-per-24-hours
 * quota, the exactly even layout it reaches through real splits and merges, and the
 * UPDATING state it causes when state transitions take time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isShardlineError, type Shard, type StreamClient } from '../client/index.js'
import {
  expectedHashRanges,
  expectValidation,
  HASH_KEY_MAX,
  shardId,
  startRestartableServer,
  waitForStatus
} from './helpers/control-plane.js'
import { expectRawError, expectSerializationFailed, GARBAGE, message, stringField, tag, varint, varintField, WireType } from './helpers/protowire.js'
import { expectCode, ManualClock, rawCall, startServer, uniqueName, type TestServer } from './helpers/server.js'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const UNIFORM = 'UNIFORM_SCALING' as const

const clock = new ManualClock()
let srv: TestServer
let client: StreamClient

beforeAll(async () => {
  // The default limits ('aws'): the daily quota applies. These tests write and read little.
  srv = await startServer({ clock: clock.now })
  client = srv.client
})

afterAll(async () => {
  await srv?.close()
})

async function newStream (shardCount: number, c: StreamClient = client): Promise<string> {
  const streamName = uniqueName('usc')
  await c.createStream({ streamName, shardCount })
  return streamName
}

async function allShards (streamName: string, c: StreamClient = client): Promise<Shard[]> {
  return (await c.listShards({ streamName, maxResults: 10_000 })).shards
}

function isOpen (shard: Shard): boolean {
  return shard.sequenceNumberRange.endingSequenceNumber === undefined
}

function start (shard: Shard): bigint {
  return BigInt(shard.hashKeyRange.startingHashKey)
}

function end (shard: Shard): bigint {
  return BigInt(shard.hashKeyRange.endingHashKey)
}

/** The open shards' ranges in hash-key order. */
function openRanges (shards: Shard[]): Array<{ startingHashKey: string, endingHashKey: string }> {
  return shards.filter(isOpen).sort((a, b) => (start(a) < start(b) ? -1 : 1)).map((s) => s.hashKeyRange)
}

/**
 * Checks the open layout against the even one of `target` shards: every boundary within
 * half a new shard of its even position (AWS's plan keeps an existing boundary up to half a
 * new shard away), or, where the counts divide, even but for the rounding of 2^128 / n
 * (a few keys).
 */
function expectLayout (shards: Shard[], target: number, tolerance: 'exact' | 'half-shard'): void {
  const open = openRanges(shards)
  const even = expectedHashRanges(target)
  expect(open).toHaveLength(target)
  const step = (1n << 128n) / BigInt(target)
  const rounding = 100n
  const limit = tolerance === 'exact' ? rounding : step / 2n + rounding
  expect(open[0]!.startingHashKey).toBe('0')
  expect(open[target - 1]!.endingHashKey).toBe(HASH_KEY_MAX.toString())
  for (let i = 1; i < target; i++) {
    const off = BigInt(open[i]!.startingHashKey) - BigInt(even[i]!.startingHashKey)
    expect(off < 0n ? -off : off, `boundary ${i} of ${target}: ${open[i]!.startingHashKey}, even ${even[i]!.startingHashKey}`).toBeLessThanOrEqual(limit)
  }
}

/**
 * Checks that the shards form a real lineage graph of splits and merges: every closed shard
 * was either split into two children that tile its range or merged with an adjacent shard
 * into one child over both ranges; every parent a shard names is listed (nothing expired
 * in these tests); children number above their parents; the open shards tile the space.
 */
function expectLineage (shards: Shard[]): void {
  const byId = new Map(shards.map((s) => [s.shardId, s]))
  expect(byId.size).toBe(shards.length)
  const childrenOf = (id: string): Shard[] => shards.filter((s) => s.parentShardId === id || s.adjacentParentShardId === id)
  for (const shard of shards) {
    for (const parentId of [shard.parentShardId, shard.adjacentParentShardId]) {
      if (parentId === undefined) continue
      const parent = byId.get(parentId)
      expect(parent, `${shard.shardId} names ${parentId}, which is not listed`).toBeDefined()
      expect(isOpen(parent!), `${parentId}, a parent of ${shard.shardId}, is still open`).toBe(false)
      expect(shard.sequenceNumberRange.startingSequenceNumber > parent!.sequenceNumberRange.endingSequenceNumber!).toBe(true)
    }
    if (shard.adjacentParentShardId !== undefined) expect(shard.parentShardId).toBeDefined()
    if (isOpen(shard)) continue
    const children = childrenOf(shard.shardId)
    const what = `children of ${shard.shardId}: ${JSON.stringify(children)}`
    if (children.length === 1) {
      // A merge: the child covers this shard and its adjacent partner, and nothing else.
      const [child] = children as [Shard]
      expect(child.adjacentParentShardId, what).toBeDefined()
      const partners = [byId.get(child.parentShardId!)!, byId.get(child.adjacentParentShardId!)!].sort((a, b) => (start(a) < start(b) ? -1 : 1))
      expect(end(partners[0]!) + 1n, what).toBe(start(partners[1]!))
      expect(start(child), what).toBe(start(partners[0]!))
      expect(end(child), what).toBe(end(partners[1]!))
    } else {
      // A split: two children, both naming only this shard, tiling its range.
      expect(children, what).toHaveLength(2)
      const [lower, upper] = [...children].sort((a, b) => (start(a) < start(b) ? -1 : 1)) as [Shard, Shard]
      for (const child of [lower, upper]) {
        expect(child.parentShardId, what).toBe(shard.shardId)
        expect(child.adjacentParentShardId, what).toBeUndefined()
      }
      expect(start(lower), what).toBe(start(shard))
      expect(end(lower) + 1n, what).toBe(start(upper))
      expect(end(upper), what).toBe(end(shard))
    }
  }
  const open = shards.filter(isOpen).sort((a, b) => (start(a) < start(b) ? -1 : 1))
  expect(start(open[0]!)).toBe(0n)
  expect(end(open[open.length - 1]!)).toBe(HASH_KEY_MAX)
  open.slice(1).forEach((s, i) => expect(start(s)).toBe(end(open[i]!) + 1n))
}

describe('UpdateShardCount serialization', () => {
  it('rejects bytes that are not protobuf with SERIALIZATION_FAILED', async () => {
    const result = await rawCall(srv.endpoint, 'UpdateShardCount', GARBAGE)
    expectSerializationFailed(result)
    expect(result.details).toContain('UpdateShardCount')
  })

  it('rejects target_shard_count sent as a length-delimited field and leaves the stream alone', async () => {
    const streamName = await newStream(1)
    const body = message(stringField(1, streamName), tag(2, WireType.LEN), Buffer.from([0x01, 0x02]), varintField(3, 1))
    expectSerializationFailed(await rawCall(srv.endpoint, 'UpdateShardCount', body))
    expect(await allShards(streamName)).toHaveLength(1)
  })

  it('rejects scaling_type sent as a length-delimited field', async () => {
    const streamName = await newStream(1)
    const body = message(stringField(1, streamName), varintField(2, 2), tag(3, WireType.LEN), varint(1), Buffer.from([0x01]))
    expectSerializationFailed(await rawCall(srv.endpoint, 'UpdateShardCount', body))
    expect(await allShards(streamName)).toHaveLength(1)
  })

  it('reads an empty body as an empty request, which then fails validation', async () => {
    const result = await rawCall(srv.endpoint, 'UpdateShardCount', Buffer.alloc(0))
    expectRawError(result, 'VALIDATION_FAILED', 3, 'ValidationException')
    expect(result.details).toContain("Value null at 'target_shard_count' failed to satisfy constraint: Member must not be null")
    expect(result.details).toContain("Value null at 'scaling_type' failed to satisfy constraint: Member must not be null")
  })

  it('reads a hand-built request and ignores unknown fields', async () => {
    const streamName = await newStream(1)
    const body = message(stringField(1, streamName), varintField(2, 2), varintField(3, 1), varintField(77, 1))
    const result = await rawCall(srv.endpoint, 'UpdateShardCount', body)
    expect(result.code, result.details).toBe(0)
    expect(openRanges(await allShards(streamName))).toEqual(expectedHashRanges(2))
  })

  it.each([0, 7])('rejects the scaling_type number %i as outside the enum', async (value) => {
    const streamName = await newStream(1)
    const result = await rawCall(srv.endpoint, 'UpdateShardCount', message(stringField(1, streamName), varintField(2, 2), varintField(3, value)))
    expectRawError(result, 'VALIDATION_FAILED', 3, 'ValidationException')
    expect(result.details).toContain("at 'scaling_type' failed to satisfy constraint: Member must satisfy enum value set: [UNIFORM_SCALING]")
    expect(await allShards(streamName)).toHaveLength(1)
  })
})

describe('UpdateShardCount validation', () => {
  let streamName: string
  beforeAll(async () => { streamName = await newStream(2) })

  it('requires target_shard_count and scaling_type', async () => {
    await expectValidation(client.updateShardCount({ streamName, scalingType: UNIFORM } as never), 'target_shard_count', 'Member must not be null')
    await expectValidation(client.updateShardCount({ streamName, targetShardCount: 2 } as never), 'scaling_type', 'Member must not be null')
  })

  it.each([0, -1])('rejects targetShardCount %i below 1', async (targetShardCount) => {
    await expectValidation(client.updateShardCount({ streamName, targetShardCount, scalingType: UNIFORM }), 'target_shard_count', 'Member must have value greater than or equal to 1')
  })

  it('rejects targetShardCount above 10000', async () => {
    await expectValidation(client.updateShardCount({ streamName, targetShardCount: 10_001, scalingType: UNIFORM }), 'target_shard_count', 'Member must have value less than or equal to 10000')
  })

  it('reports every failed constraint in one message', async () => {
    const msg = await expectValidation(client.updateShardCount({ streamName: 'bad name', targetShardCount: 0, scalingType: UNIFORM }), 'stream_name', 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+')
    expect(msg).toMatch(/^2 validation errors detected: /)
    expect(msg).toContain("Value '0' at 'target_shard_count'")
  })

  it('needs a stream name or ARN, and answers STREAM_NOT_FOUND for an unknown stream', async () => {
    const err = await expectCode(client.updateShardCount({ targetShardCount: 2, scalingType: UNIFORM }), 'VALIDATION_FAILED')
    expect(err.message).toContain('stream_name')
    await expectCode(client.updateShardCount({ streamName: uniqueName('usc-none'), targetShardCount: 2, scalingType: UNIFORM }), 'STREAM_NOT_FOUND')
    await expectCode(client.updateShardCount({ streamArn: `arn:aws:kinesis:eu-west-1:000000000000:stream/${streamName}`, targetShardCount: 2, scalingType: UNIFORM }), 'STREAM_NOT_FOUND')
  })

  it('refuses to scale an ON_DEMAND stream: Kinesis reshards provisioned streams only', async () => {
    const onDemand = uniqueName('usc-od')
    await client.createStream({ streamName: onDemand, streamModeDetails: { streamMode: 'ON_DEMAND' } })
    const code = await client.updateShardCount({ streamName: onDemand, targetShardCount: 8, scalingType: UNIFORM })
      .then(() => 'succeeded', (err: unknown) => (isShardlineError(err) ? err.code : String(err)))
    expect(['VALIDATION_FAILED', 'INVALID_ARGUMENT']).toContain(code)
    expect(await allShards(onDemand)).toHaveLength(4)
  })

  it.each([[1, 3], [2, 5], [3, 7], [5, 11]])('refuses to go from %i to %i shards, more than double (LIMIT_EXCEEDED)', async (from, to) => {
    const s = await newStream(from)
    const err = await expectCode(client.updateShardCount({ streamName: s, targetShardCount: to, scalingType: UNIFORM }), 'LIMIT_EXCEEDED')
    expect(err.grpcStatus).toBe(8)
    expect(err.awsType).toBe('LimitExceededException')
    expect(err.retriable).toBe(false)
    expect(await allShards(s)).toHaveLength(from)
  })

  it.each([[3, 1], [5, 2], [8, 3]])('refuses to go from %i to %i shards, below half (LIMIT_EXCEEDED)', async (from, to) => {
    const s = await newStream(from)
    await expectCode(client.updateShardCount({ streamName: s, targetShardCount: to, scalingType: UNIFORM }), 'LIMIT_EXCEEDED')
    expect(await allShards(s)).toHaveLength(from)
  })

  it.each([[1, 2], [3, 6], [4, 2], [5, 3], [3, 2]])('allows exactly double or exactly half: %i to %i', async (from, to) => {
    const s = await newStream(from)
    const result = await client.updateShardCount({ streamName: s, targetShardCount: to, scalingType: UNIFORM })
    expect(result).toEqual({ streamName: s, streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${s}`, currentShardCount: from, targetShardCount: to })
    expectLayout(await allShards(s), to, 'half-shard')
  })
})

describe('UpdateShardCount functionality', () => {
  // AWS's own totals (issue 14): 10 -> 13 leaves 37 shards in all, 5 -> 3 leaves 7. The plan
  // behind them: scaling up from n splits every shard once and merges the pieces into m
  // (5n - m shards in all); scaling down only merges (2n - m).
  it.each([[10, 13, 37], [5, 3, 7], [2, 4, 6], [4, 8, 12], [3, 6, 9], [6, 3, 9], [4, 3, 5], [5, 7, 18], [7, 4, 10], [4, 6, 14], [10, 11, 39], [1, 2, 3], [2, 1, 3]])('scales %i shards to %i as AWS does, %i shards in all, through real splits and merges', async (from, to, total) => {
    const streamName = await newStream(from)
    const result = await client.updateShardCount({ streamName, targetShardCount: to, scalingType: UNIFORM })
    expect(result).toMatchObject({ streamName, currentShardCount: from, targetShardCount: to })
    const shards = await allShards(streamName)
    expect(shards).toHaveLength(total)
    expectLayout(shards, to, to % from === 0 || from % to === 0 || (to * 2) % from === 0 ? 'exact' : 'half-shard')
    expectLineage(shards)
    const { streamDescriptionSummary: summary } = await client.describeStreamSummary({ streamName })
    expect(summary.openShardCount).toBe(to)
    expect(summary.streamStatus).toBe('ACTIVE')
    const latest = (await client.listShards({ streamName, shardFilter: { type: 'AT_LATEST' } })).shards
    expect(latest).toHaveLength(to)
  })

  it('splits every old shard once when scaling up, and merges each piece at most once', async () => {
    const streamName = await newStream(10)
    await client.updateShardCount({ streamName, targetShardCount: 13, scalingType: UNIFORM })
    const shards = await allShards(streamName)
    const original = shards.filter((s) => s.parentShardId === undefined)
    expect(original).toHaveLength(10)
    for (const shard of original) {
      const children = shards.filter((s) => s.parentShardId === shard.shardId || s.adjacentParentShardId === shard.shardId)
      expect(children, `children of ${shard.shardId}`).toHaveLength(2)
      expect(children.every((c) => c.adjacentParentShardId === undefined)).toBe(true)
    }
    const merges = shards.filter((s) => s.adjacentParentShardId !== undefined)
    expect(merges).toHaveLength(7)
    const merged = merges.flatMap((s) => [s.parentShardId, s.adjacentParentShardId])
    expect(new Set(merged).size).toBe(merged.length)
  })

  it('only merges when scaling down, keeping the old boundaries nearest the even ones', async () => {
    const streamName = await newStream(5)
    await client.updateShardCount({ streamName, targetShardCount: 3, scalingType: UNIFORM })
    const shards = await allShards(streamName)
    const five = expectedHashRanges(5)
    // 1/3 and 2/3 are nearest 2/5 and 3/5: shards 0+1 and 3+4 merge, shard 2 stays open.
    expect(openRanges(shards)).toEqual([
      { startingHashKey: '0', endingHashKey: five[1]!.endingHashKey },
      five[2],
      { startingHashKey: five[3]!.startingHashKey, endingHashKey: HASH_KEY_MAX.toString() }
    ])
    expect(shards.filter(isOpen).map((s) => s.shardId)).toContain(shardId(2))
  })

  it('keeps going from any layout: 2 -> 4 -> 3 -> 6 -> 3 -> 5 -> 7 on one stream, by ARN', async () => {
    const streamName = await newStream(2)
    const streamArn = `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`
    let current = 2
    for (const target of [4, 3, 6, 3, 5, 7]) {
      const result = await client.updateShardCount({ streamArn, targetShardCount: target, scalingType: UNIFORM })
      expect(result).toEqual({ streamName, streamArn, currentShardCount: current, targetShardCount: target })
      const shards = await allShards(streamName)
      expectLayout(shards, target, 'half-shard')
      expectLineage(shards)
      current = target
    }
  })

  it('evens out a stream that splits left uneven', async () => {
    const streamName = await newStream(2)
    // Shard 0 split off-centre: three uneven shards.
    await client.splitShard({ streamName, shardToSplit: shardId(0), newStartingHashKey: '12345678901234567890' })
    const result = await client.updateShardCount({ streamName, targetShardCount: 4, scalingType: UNIFORM })
    expect(result.currentShardCount).toBe(3)
    const shards = await allShards(streamName)
    expectLayout(shards, 4, 'exact')
    expectLineage(shards)
  })

  it('routes writes by the new layout and keeps the old records readable', async () => {
    const streamName = await newStream(2)
    const ranges2 = expectedHashRanges(2)
    const before = await client.putRecord({ streamName, partitionKey: 'p', data: 'before', explicitHashKey: ranges2[1]!.startingHashKey })
    expect(before.shardId).toBe(shardId(1))
    await client.updateShardCount({ streamName, targetShardCount: 4, scalingType: UNIFORM })
    const open = (await allShards(streamName)).filter(isOpen)
    for (const range of expectedHashRanges(4)) {
      for (const key of [range.startingHashKey, range.endingHashKey]) {
        const put = await client.putRecord({ streamName, partitionKey: 'p', data: 'after', explicitHashKey: key })
        const holder = open.find((s) => s.hashKeyRange.startingHashKey === range.startingHashKey)!
        expect(put.shardId, `hash key ${key}`).toBe(holder.shardId)
        expect(put.sequenceNumber > before.sequenceNumber).toBe(true)
      }
    }
    const { shardIterator } = await client.getShardIterator({ streamName, shardId: shardId(1), shardIteratorType: 'TRIM_HORIZON' })
    const page = await client.getRecords({ shardIterator })
    expect(page.records.map((r) => r.data.toString())).toEqual(['before'])
    expect(page.nextShardIterator).toBeUndefined()
    expect(page.childShards.map((c) => c.hashKeyRange)).toEqual(expectedHashRanges(4).slice(2))
  })
})

describe('UpdateShardCount quota', () => {
  async function scale (streamName: string, targetShardCount: number): Promise<void> {
    await client.updateShardCount({ streamName, targetShardCount, scalingType: UNIFORM })
  }

  it('allows 10 calls per rolling 24 hours per stream and refuses the 11th', async () => {
    const streamName = await newStream(1)
    const other = await newStream(1)
    const t0 = clock.time
    for (let i = 0; i < 5; i++) await scale(streamName, i % 2 === 0 ? 2 : 1)
    clock.time = t0 + 12 * HOUR
    for (let i = 0; i < 5; i++) await scale(streamName, i % 2 === 0 ? 2 : 1)
    const err = await expectCode(client.updateShardCount({ streamName, targetShardCount: 1, scalingType: UNIFORM }), 'LIMIT_EXCEEDED')
    expect(err.grpcStatus).toBe(8)
    expect(err.awsType).toBe('LimitExceededException')
    expect(err.message).toContain(streamName)
    // The refused call changed nothing: two shards are still open.
    expect((await client.describeStreamSummary({ streamName })).streamDescriptionSummary.openShardCount).toBe(2)
    // The quota is per stream.
    await scale(other, 2)

    // Just under 24 hours after the first five calls they still count.
    clock.time = t0 + DAY - 1
    await expectCode(client.updateShardCount({ streamName, targetShardCount: 1, scalingType: UNIFORM }), 'LIMIT_EXCEEDED')
    // Then the window rolls past them: five calls are free again, and only five.
    clock.time = t0 + DAY
    for (let i = 0; i < 5; i++) await scale(streamName, i % 2 === 0 ? 1 : 2)
    await expectCode(client.updateShardCount({ streamName, targetShardCount: 2, scalingType: UNIFORM }), 'LIMIT_EXCEEDED')
    // And the later five roll out 24 hours after they were made.
    clock.time = t0 + 12 * HOUR + DAY
    await scale(streamName, 2)
    expect((await client.describeStreamSummary({ streamName })).streamDescriptionSummary.openShardCount).toBe(2)
  })

  it('does not count refused calls', async () => {
    const streamName = await newStream(2)
    for (let i = 0; i < 12; i++) await expectCode(client.updateShardCount({ streamName, targetShardCount: 5, scalingType: UNIFORM }), 'LIMIT_EXCEEDED')
    for (let i = 0; i < 10; i++) await scale(streamName, i % 2 === 0 ? 3 : 2)
    await expectCode(client.updateShardCount({ streamName, targetShardCount: 3, scalingType: UNIFORM }), 'LIMIT_EXCEEDED')
  })

  it('follows the shardCountUpdatesPerDay option, and remembers the calls across a restart', async () => {
    const quotaClock = new ManualClock()
    const restartable = await startRestartableServer({ clock: quotaClock.now, shardCountUpdatesPerDay: 2 })
    try {
      const c = restartable.current.client
      const streamName = await newStream(1, c)
      await c.updateShardCount({ streamName, targetShardCount: 2, scalingType: UNIFORM })
      await c.updateShardCount({ streamName, targetShardCount: 1, scalingType: UNIFORM })
      await expectCode(c.updateShardCount({ streamName, targetShardCount: 2, scalingType: UNIFORM }), 'LIMIT_EXCEEDED')
      await restartable.restart()
      const again = restartable.current.client
      await expectCode(again.updateShardCount({ streamName, targetShardCount: 2, scalingType: UNIFORM }), 'LIMIT_EXCEEDED')
      quotaClock.advance(DAY)
      await again.updateShardCount({ streamName, targetShardCount: 2, scalingType: UNIFORM })
    } finally {
      await restartable.close()
    }
  })

  it("is lifted by limits: 'off'", async () => {
    const unlimited = await startServer({ clock: clock.now, limits: 'off' })
    try {
      const streamName = await newStream(1, unlimited.client)
      for (let i = 0; i < 14; i++) {
        const target = i % 2 === 0 ? 2 : 1
        const result = await unlimited.client.updateShardCount({ streamName, targetShardCount: target, scalingType: UNIFORM })
        expect(result.targetShardCount).toBe(target)
      }
      const shards = await allShards(streamName, unlimited.client)
      expect(openRanges(shards)).toEqual(expectedHashRanges(1))
      expectLineage(shards)
    } finally {
      await unlimited.close()
    }
  })
})

describe('UpdateShardCount with createStreamMs', () => {
  let slow: TestServer

  beforeAll(async () => {
    slow = await startServer({ createStreamMs: 300, limits: 'off' })
  })

  afterAll(async () => {
    await slow?.close()
  })

  it('leaves the stream UPDATING for a while: resharding is refused, writes go on', async () => {
    const c = slow.client
    const streamName = await newStream(2, c)
    await waitForStatus(c, streamName, 'ACTIVE')
    const result = await c.updateShardCount({ streamName, targetShardCount: 4, scalingType: UNIFORM })
    expect(result).toMatchObject({ currentShardCount: 2, targetShardCount: 4 })
    expect((await c.describeStreamSummary({ streamName })).streamDescriptionSummary.streamStatus).toBe('UPDATING')
    const err = await expectCode(c.updateShardCount({ streamName, targetShardCount: 3, scalingType: UNIFORM }), 'RESOURCE_IN_USE')
    expect(err.grpcStatus).toBe(9)
    await expectCode(c.splitShard({ streamName, shardToSplit: shardId(2), newStartingHashKey: '1000' }), 'RESOURCE_IN_USE')
    await expectCode(c.mergeShards({ streamName, shardToMerge: shardId(2), adjacentShardToMerge: shardId(3) }), 'RESOURCE_IN_USE')
    // As in AWS, the shards stay as they were until the stream is ACTIVE, and take the writes.
    expect((await allShards(streamName, c)).map((s) => s.shardId)).toEqual([shardId(0), shardId(1)])
    const put = await c.putRecord({ streamName, partitionKey: 'p', data: 'x', explicitHashKey: HASH_KEY_MAX.toString() })
    expect(put.shardId).toBe(shardId(1))
    await waitForStatus(c, streamName, 'ACTIVE')
    const shards = await allShards(streamName, c)
    expectLayout(shards, 4, 'exact')
    const ending = shards.find((s) => s.shardId === shardId(1))!.sequenceNumberRange.endingSequenceNumber
    expect(ending !== undefined && BigInt(ending) > BigInt(put.sequenceNumber)).toBe(true)
    const last = shards.filter(isOpen).find((s) => s.hashKeyRange.endingHashKey === HASH_KEY_MAX.toString())!
    expect((await c.putRecord({ streamName, partitionKey: 'p', data: 'y', explicitHashKey: HASH_KEY_MAX.toString() })).shardId).toBe(last.shardId)
    await c.updateShardCount({ streamName, targetShardCount: 3, scalingType: UNIFORM })
    await waitForStatus(c, streamName, 'ACTIVE')
    expectLayout(await allShards(streamName, c), 3, 'half-shard')
  })
})
