/**
 * CreateStream: decoding, validation of every bound, and what a new stream looks like
 * (shards, hash ranges, modes, partition hash, tags, state transitions, persistence).
 */
import { createHash } from 'node:crypto'
import murmur from 'murmurhash3js-revisited'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isShardlineError, type PartitionHash, type Shard, type StreamClient } from '../client/index.js'
import {
  expectValidation,
  expectedHashRanges,
  HASH_KEY_MAX,
  shardId,
  startRestartableServer,
  waitForGone,
  waitForStatus,
  type RestartableServer
} from './helpers/control-plane.js'
import {
  expectRawError,
  expectSerializationFailed,
  GARBAGE,
  mapEntryField,
  message,
  stringField,
  tag,
  varint,
  varintField,
  WireType
} from './helpers/protowire.js'
import { expectCode, ManualClock, rawCall, uniqueName } from './helpers/server.js'

const clock = new ManualClock()
let srv: RestartableServer

beforeAll(async () => {
  // Room for the 10,000-shard stream below; the account quota has tests of its own (shard-limit.test.ts).
  srv = await startRestartableServer({ clock: clock.now, shardLimit: 20_000 })
})

afterAll(async () => {
  await srv?.close()
})

function client (): StreamClient {
  return srv.current.client
}

async function describeShards (streamName: string): Promise<Shard[]> {
  const { shards } = await client().listShards({ streamName, maxResults: 10_000 })
  return shards
}

async function expectNoStream (streamName: string): Promise<void> {
  await expectCode(client().describeStreamSummary({ streamName }), 'STREAM_NOT_FOUND')
}

describe('CreateStream serialization', () => {
  it('rejects bytes that are not protobuf with SERIALIZATION_FAILED', async () => {
    const result = await rawCall(srv.current.endpoint, 'CreateStream', GARBAGE)
    expectSerializationFailed(result)
    expect(result.details).toContain('CreateStream')
  })

  it('rejects shard_count sent as a length-delimited field', async () => {
    const name = uniqueName('cs-wire')
    const body = message(stringField(1, name), tag(2, WireType.LEN), Buffer.from([0x01, 0x05]))
    expectSerializationFailed(await rawCall(srv.current.endpoint, 'CreateStream', body))
    await expectNoStream(name)
  })

  it('rejects a tags map entry that is longer than the request', async () => {
    const name = uniqueName('cs-wire')
    const body = message(stringField(1, name), varintField(2, 1), tag(4, WireType.LEN), varint(40), stringField(1, 'k'))
    expectSerializationFailed(await rawCall(srv.current.endpoint, 'CreateStream', body))
    await expectNoStream(name)
  })

  it('rejects stream_name sent with the varint wire type', async () => {
    // The bytes of a valid request except for the wire-type bits of the stream_name tag.
    const name = uniqueName('cs-wire')
    const nameBytes = Buffer.from(name, 'utf8')
    const body = message(tag(1, WireType.VARINT), varint(nameBytes.byteLength), nameBytes, varintField(2, 1))
    expectSerializationFailed(await rawCall(srv.current.endpoint, 'CreateStream', body))
    await expectNoStream(name)
  })

  it('rejects a stream_name whose declared length runs past the end of the request', async () => {
    const name = uniqueName('cs-wire')
    const nameBytes = Buffer.from(name, 'utf8')
    const body = message(tag(1, WireType.LEN), varint(nameBytes.byteLength + 20), nameBytes)
    expectSerializationFailed(await rawCall(srv.current.endpoint, 'CreateStream', body))
    await expectNoStream(name)
  })

  it('reads an empty body as an empty request, which then fails validation', async () => {
    const result = await rawCall(srv.current.endpoint, 'CreateStream', Buffer.alloc(0))
    expectRawError(result, 'VALIDATION_FAILED', 3, 'ValidationException')
    expect(result.details).toContain("Value null at 'stream_name' failed to satisfy constraint: Member must not be null")
  })

  it('reads a hand-built request and ignores unknown fields, as proto3 requires', async () => {
    const name = uniqueName('cs-wire')
    const body = message(stringField(1, name), varintField(2, 2), mapEntryField(4, 'team', 'raw'), varintField(5, 1), varintField(99, 7), stringField(100, 'future'))
    const result = await rawCall(srv.current.endpoint, 'CreateStream', body)
    expect(result.code, result.details).toBe(0)
    expect(await describeShards(name)).toHaveLength(2)
    expect((await client().describeStream({ streamName: name })).streamDescription.partitionHash).toBe('MD5')
    expect((await client().listTagsForStream({ streamName: name })).tags).toEqual([{ key: 'team', value: 'raw' }])
  })
})

describe('CreateStream validation', () => {
  it('requires stream_name', async () => {
    await expectValidation(client().createStream({ shardCount: 1 } as never), 'stream_name', 'Member must not be null')
  })

  it('rejects an empty stream_name for both its length and its pattern', async () => {
    const msg = await expectValidation(client().createStream({ streamName: '', shardCount: 1 }), 'stream_name', 'Member must have length greater than or equal to 1')
    expect(msg).toMatch(/^2 validation errors detected: /)
    expect(msg).toContain("Value '' at 'stream_name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
  })

  it('accepts a 128-character name and rejects a 129-character one', async () => {
    const base = uniqueName('n')
    const ok = base + 'x'.repeat(128 - base.length)
    await client().createStream({ streamName: ok, shardCount: 1 })
    expect((await client().describeStreamSummary({ streamName: ok })).streamDescriptionSummary.streamName).toBe(ok)
    const msg = await expectValidation(client().createStream({ streamName: ok + 'y', shardCount: 1 }), 'stream_name', 'Member must have length less than or equal to 128')
    expect(msg).toMatch(/^1 validation error detected: /)
  })

  it.each(['has space', 'slash/name', 'colon:name', 'ünïcode', 'star*'])('rejects the stream name %j by pattern', async (streamName) => {
    const msg = await expectValidation(client().createStream({ streamName, shardCount: 1 }), 'stream_name', 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+')
    expect(msg).toContain(`Value '${streamName}' at 'stream_name'`)
  })

  it('accepts every character class the pattern allows', async () => {
    const streamName = uniqueName('Az09_.-')
    await client().createStream({ streamName, shardCount: 1 })
    expect((await client().describeStream({ streamName })).streamDescription.streamName).toBe(streamName)
  })

  it.each([0, -1])('rejects shard_count %i below 1', async (shardCount) => {
    await expectValidation(client().createStream({ streamName: uniqueName('cs'), shardCount }), 'shard_count', 'Member must have value greater than or equal to 1')
  })

  it('rejects shard_count above 100000, as AWS validates it, and refuses more than 10000 as a stream quota', async () => {
    await expectValidation(client().createStream({ streamName: uniqueName('cs'), shardCount: 100_001 }), 'shard_count', 'Member must have value less than or equal to 100000')
    const streamName = uniqueName('cs')
    const err = await expectCode(client().createStream({ streamName, shardCount: 10_001 }), 'LIMIT_EXCEEDED')
    expect(err.message).toContain('at most 10000')
    await expectNoStream(streamName)
  })

  it('requires shard_count for a PROVISIONED stream, whether the mode is given or implied', async () => {
    const name = uniqueName('cs')
    await expectValidation(client().createStream({ streamName: name }), 'shard_count', 'Member must not be null')
    await expectValidation(client().createStream({ streamName: name, streamModeDetails: { streamMode: 'PROVISIONED' } }), 'shard_count', 'Member must not be null')
    await expectNoStream(name)
  })

  it('rejects an unspecified stream mode as outside the enum', async () => {
    const name = uniqueName('cs')
    const msg = await expectValidation(
      client().createStream({ streamName: name, shardCount: 1, streamModeDetails: { streamMode: 'STREAM_MODE_UNSPECIFIED' } }),
      'stream_mode_details.stream_mode',
      'Member must satisfy enum value set: [PROVISIONED, ON_DEMAND]'
    )
    // One failed constraint is one line, as in AWS.
    expect(msg).toMatch(/^1 validation error detected: /)
    await expectNoStream(name)
  })

  it('rejects a partition_hash number outside the enum', async () => {
    const name = uniqueName('cs')
    const body = message(stringField(1, name), varintField(2, 1), varintField(5, 7))
    const result = await rawCall(srv.current.endpoint, 'CreateStream', body)
    expectRawError(result, 'VALIDATION_FAILED', 3, 'ValidationException')
    expect(result.details).toContain("at 'partition_hash' failed to satisfy constraint: Member must satisfy enum value set: [MURMUR3, MD5]")
    await expectNoStream(name)
  })

  it('does not create a stream when the client is given an unknown partitionHash', async () => {
    const name = uniqueName('cs')
    let code: string | undefined
    try {
      await client().createStream({ streamName: name, shardCount: 1, partitionHash: 'SHA1' as PartitionHash })
    } catch (err) {
      if (!isShardlineError(err)) throw err
      code = err.code
    }
    expect(['VALIDATION_FAILED', 'SERIALIZATION_FAILED']).toContain(code)
    await expectNoStream(name)
  })

  it('accepts 50 tags and rejects 51', async () => {
    const tags: Record<string, string> = {}
    for (let i = 0; i < 51; i++) tags[`k${String(i).padStart(2, '0')}`] = `v${i}`
    const name = uniqueName('cs')
    await expectValidation(client().createStream({ streamName: name, shardCount: 1, tags }), 'tags', 'Member must have length less than or equal to 50')
    await expectNoStream(name)
    delete tags.k50
    await client().createStream({ streamName: name, shardCount: 1, tags })
    expect((await client().listTagsForStream({ streamName: name })).tags).toHaveLength(50)
  })

  it('checks tag key length (1..128) and tag value length (0..256)', async () => {
    const name = uniqueName('cs')
    const keys = 'Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]'
    await expectValidation(client().createStream({ streamName: name, shardCount: 1, tags: { ['k'.repeat(129)]: 'v' } }), 'tags', keys)
    await expectValidation(client().createStream({ streamName: name, shardCount: 1, tags: { '': 'v' } }), 'tags', keys)
    await expectValidation(client().createStream({ streamName: name, shardCount: 1, tags: { big: 'v'.repeat(257) } }), 'tags', 'Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 0]')
    await expectNoStream(name)
    await client().createStream({ streamName: name, shardCount: 1, tags: { ['k'.repeat(128)]: 'v'.repeat(256), empty: '' } })
    const { tags } = await client().listTagsForStream({ streamName: name })
    expect(tags).toEqual([{ key: 'empty', value: '' }, { key: 'k'.repeat(128), value: 'v'.repeat(256) }])
  })

  it('reports every failed constraint in one message', async () => {
    const msg = await expectValidation(client().createStream({ streamName: 'bad name', shardCount: 0 }), 'stream_name', 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+')
    expect(msg).toMatch(/^2 validation errors detected: /)
    expect(msg).toContain("Value '0' at 'shard_count' failed to satisfy constraint: Member must have value greater than or equal to 1")
  })

  it('validates before checking whether the stream exists', async () => {
    const name = uniqueName('cs')
    await client().createStream({ streamName: name, shardCount: 1 })
    await expectValidation(client().createStream({ streamName: name, shardCount: 0 }), 'shard_count', 'Member must have value greater than or equal to 1')
  })
})

describe('CreateStream functionality', () => {
  it('creates an ACTIVE PROVISIONED stream with the documented defaults', async () => {
    const streamName = uniqueName('cs')
    expect(await client().createStream({ streamName, shardCount: 3 })).toEqual({})
    const { streamDescription: d } = await client().describeStream({ streamName })
    expect(d).toMatchObject({
      streamName,
      streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`,
      streamStatus: 'ACTIVE',
      streamModeDetails: { streamMode: 'PROVISIONED' },
      hasMoreShards: false,
      retentionPeriodHours: 24,
      streamCreationTimestamp: clock.time,
      encryptionType: 'NONE',
      partitionHash: 'MURMUR3',
      enhancedMonitoring: [{ shardLevelMetrics: [] }]
    })
    expect(d.keyId).toBeUndefined()
    expect(d.shards.map((s) => s.shardId)).toEqual([shardId(0), shardId(1), shardId(2)])
    const { streamDescriptionSummary: s } = await client().describeStreamSummary({ streamName })
    expect(s).toMatchObject({ streamStatus: 'ACTIVE', openShardCount: 3, consumerCount: 0, retentionPeriodHours: 24, partitionHash: 'MURMUR3' })
    expect((await client().listTagsForStream({ streamName })).tags).toEqual([])
  })

  it.each([1, 2, 3, 7, 25])('divides the hash space exactly evenly over %i shards', async (n) => {
    const streamName = uniqueName('cs-even')
    await client().createStream({ streamName, shardCount: n })
    const shards = await describeShards(streamName)
    expect(shards.map((s) => s.hashKeyRange)).toEqual(expectedHashRanges(n))
    expect(shards.map((s) => s.shardId)).toEqual(Array.from({ length: n }, (_, i) => shardId(i)))
    for (const s of shards) {
      expect(s.sequenceNumberRange.startingSequenceNumber).toMatch(/^\d{56}$/)
      expect(s.sequenceNumberRange.endingSequenceNumber).toBeUndefined()
      expect(s.parentShardId).toBeUndefined()
      expect(s.adjacentParentShardId).toBeUndefined()
    }
  })

  it('creates the maximum of 10000 shards, tiling the whole hash space', async () => {
    const streamName = uniqueName('cs-max')
    await client().createStream({ streamName, shardCount: 10_000 })
    const shards = await describeShards(streamName)
    expect(shards).toHaveLength(10_000)
    expect(shards[9999]!.shardId).toBe('shardId-000000009999')
    const expected = expectedHashRanges(10_000)
    // One comparison rather than 10,000 expects; the first wrong shard is enough to report.
    const wrong = shards.findIndex((s, i) => s.shardId !== shardId(i) || s.hashKeyRange.startingHashKey !== expected[i]!.startingHashKey || s.hashKeyRange.endingHashKey !== expected[i]!.endingHashKey)
    expect(wrong, `shard ${wrong}: ${JSON.stringify(shards[wrong])}`).toBe(-1)
    expect(shards[9999]!.hashKeyRange.endingHashKey).toBe(HASH_KEY_MAX.toString())
    expect((await client().describeStreamSummary({ streamName })).streamDescriptionSummary.openShardCount).toBe(10_000)
    // Deleted so that the restart test below does not have to load 10,000 shards.
    await client().deleteStream({ streamName })
  })

  it('gives an ON_DEMAND stream 4 evenly divided shards without a shard_count', async () => {
    const streamName = uniqueName('cs-od')
    await client().createStream({ streamName, streamModeDetails: { streamMode: 'ON_DEMAND' } })
    const { streamDescription: d } = await client().describeStream({ streamName })
    expect(d.streamModeDetails.streamMode).toBe('ON_DEMAND')
    expect(d.shards.map((s) => s.hashKeyRange)).toEqual(expectedHashRanges(4))
    const { streamDescriptionSummary: s } = await client().describeStreamSummary({ streamName })
    expect(s.streamModeDetails.streamMode).toBe('ON_DEMAND')
    expect(s.openShardCount).toBe(4)
  })

  it('records the partition hash and places keys by it (MD5 as AWS, MURMUR3 by default)', async () => {
    const md5 = uniqueName('cs-md5')
    const mm3 = uniqueName('cs-mm3')
    await client().createStream({ streamName: md5, shardCount: 4, partitionHash: 'MD5' })
    await client().createStream({ streamName: mm3, shardCount: 4 })
    expect((await client().describeStream({ streamName: md5 })).streamDescription.partitionHash).toBe('MD5')
    expect((await client().describeStreamSummary({ streamName: md5 })).streamDescriptionSummary.partitionHash).toBe('MD5')
    expect((await client().describeStream({ streamName: mm3 })).streamDescription.partitionHash).toBe('MURMUR3')

    const keys = Array.from({ length: 16 }, (_, i) => `key-${i}`)
    const ranges = expectedHashRanges(4)
    const shardFor = (hash: bigint): string => shardId(ranges.findIndex((r) => BigInt(r.startingHashKey) <= hash && hash <= BigInt(r.endingHashKey)))
    const hashes: Record<'MD5' | 'MURMUR3', (key: string) => bigint> = {
      MD5: (key) => BigInt('0x' + createHash('md5').update(key, 'utf8').digest('hex')),
      MURMUR3: (key) => BigInt('0x' + murmur.x64.hash128(new TextEncoder().encode(key)))
    }
    for (const [streamName, algorithm] of [[md5, 'MD5'], [mm3, 'MURMUR3']] as const) {
      const { records, failedRecordCount } = await client().putRecords({ streamName, records: keys.map((partitionKey) => ({ partitionKey, data: 'x' })) })
      expect(failedRecordCount).toBe(0)
      expect(records.map((r) => r.shardId)).toEqual(keys.map((k) => shardFor(hashes[algorithm](k))))
    }
    // The two algorithms place at least one of these keys differently, so the option matters.
    expect(keys.map((k) => shardFor(hashes.MD5(k)))).not.toEqual(keys.map((k) => shardFor(hashes.MURMUR3(k))))
  })

  it('stores the tags given at creation', async () => {
    const streamName = uniqueName('cs-tags')
    await client().createStream({ streamName, shardCount: 1, tags: { team: 'data', env: 'test', Owner: '' } })
    const { tags, hasMoreTags } = await client().listTagsForStream({ streamName })
    expect(tags).toEqual([{ key: 'Owner', value: '' }, { key: 'env', value: 'test' }, { key: 'team', value: 'data' }])
    expect(hasMoreTags).toBe(false)
  })

  it('refuses a second stream of the same name with STREAM_EXISTS and leaves the first alone', async () => {
    const streamName = uniqueName('cs-dup')
    await client().createStream({ streamName, shardCount: 2, tags: { a: '1' } })
    const err = await expectCode(client().createStream({ streamName, shardCount: 5, tags: { b: '2' } }), 'STREAM_EXISTS')
    expect(err.grpcStatus).toBe(6)
    expect(err.awsType).toBe('ResourceInUseException')
    expect(err.retriable).toBe(false)
    expect(err.message).toContain(streamName)
    expect(await describeShards(streamName)).toHaveLength(2)
    expect((await client().listTagsForStream({ streamName })).tags).toEqual([{ key: 'a', value: '1' }])
  })

  it('lets exactly one of several concurrent creates of a name succeed', async () => {
    const streamName = uniqueName('cs-race')
    const results = await Promise.allSettled(Array.from({ length: 5 }, (_, i) => client().createStream({ streamName, shardCount: i + 1 })))
    const won = results.filter((r) => r.status === 'fulfilled')
    expect(won).toHaveLength(1)
    for (const r of results) {
      if (r.status === 'rejected') expect((r.reason as { code: string }).code).toBe('STREAM_EXISTS')
    }
    const winner = results.findIndex((r) => r.status === 'fulfilled')
    expect(await describeShards(streamName)).toHaveLength(winner + 1)
  })

  it('keeps created streams, with their shards, modes, hash and tags, across a restart', async () => {
    const provisioned = uniqueName('cs-keep')
    const onDemand = uniqueName('cs-keep')
    await client().createStream({ streamName: provisioned, shardCount: 3, partitionHash: 'MD5', tags: { k: 'v' } })
    await client().createStream({ streamName: onDemand, streamModeDetails: { streamMode: 'ON_DEMAND' } })
    const before = await client().describeStream({ streamName: provisioned })
    const created = clock.time
    clock.advance(60_000)

    await srv.restart()

    const after = await client().describeStream({ streamName: provisioned })
    expect(after).toEqual(before)
    expect(after.streamDescription.streamCreationTimestamp).toBe(created)
    expect(after.streamDescription.partitionHash).toBe('MD5')
    expect((await client().listTagsForStream({ streamName: provisioned })).tags).toEqual([{ key: 'k', value: 'v' }])
    const od = await client().describeStream({ streamName: onDemand })
    expect(od.streamDescription.streamModeDetails.streamMode).toBe('ON_DEMAND')
    expect(od.streamDescription.shards).toHaveLength(4)
    // The name is still taken, and new streams can still be created next to the old ones.
    await expectCode(client().createStream({ streamName: provisioned, shardCount: 1 }), 'STREAM_EXISTS')
    const fresh = uniqueName('cs-keep')
    await client().createStream({ streamName: fresh, shardCount: 1 })
    expect((await client().describeStream({ streamName: fresh })).streamDescription.streamCreationTimestamp).toBe(clock.time)
  })
})

describe('CreateStream with createStreamMs', () => {
  let slow: RestartableServer

  beforeAll(async () => {
    slow = await startRestartableServer({ createStreamMs: 500 })
  })

  afterAll(async () => {
    await slow?.close()
  })

  it('goes from CREATING to ACTIVE; data-plane calls see no stream and mutations RESOURCE_IN_USE meanwhile', async () => {
    const c = slow.current.client
    const streamName = uniqueName('cs-slow')
    await c.createStream({ streamName, shardCount: 2, tags: { a: '1' } })
    expect((await c.describeStream({ streamName })).streamDescription.streamStatus).toBe('CREATING')
    expect((await c.describeStreamSummary({ streamName })).streamDescriptionSummary.streamStatus).toBe('CREATING')
    const listed = await c.listStreams({ exclusiveStartStreamName: streamName.slice(0, -1) })
    expect(listed.streamSummaries.find((s) => s.streamName === streamName)?.streamStatus).toBe('CREATING')

    await expectCode(c.putRecord({ streamName, partitionKey: 'k', data: 'x' }), 'STREAM_NOT_FOUND')
    // As AWS: a stream being created has no shards yet.
    await expectCode(c.getShardIterator({ streamName, shardId: shardId(0), shardIteratorType: 'TRIM_HORIZON' }), 'SHARD_NOT_FOUND')
    const inUse = await expectCode(c.addTagsToStream({ streamName, tags: { b: '2' } }), 'RESOURCE_IN_USE')
    expect(inUse.grpcStatus).toBe(9)
    expect(inUse.retriable).toBe(true)
    await expectCode(c.increaseStreamRetentionPeriod({ streamName, retentionPeriodHours: 48 }), 'RESOURCE_IN_USE')
    await expectCode(c.createStream({ streamName, shardCount: 1 }), 'STREAM_EXISTS')
    expect((await c.listTagsForStream({ streamName })).tags).toEqual([{ key: 'a', value: '1' }])

    await waitForStatus(c, streamName, 'ACTIVE')
    const put = await c.putRecord({ streamName, partitionKey: 'k', data: 'x' })
    expect(put.sequenceNumber).toMatch(/^\d{56}$/)
    await c.addTagsToStream({ streamName, tags: { b: '2' } })
    expect((await c.listTagsForStream({ streamName })).tags).toHaveLength(2)
  })

  it('goes from ACTIVE to DELETING and then disappears after DeleteStream', async () => {
    const c = slow.current.client
    const streamName = uniqueName('cs-slow')
    await c.createStream({ streamName, shardCount: 1 })
    await waitForStatus(c, streamName, 'ACTIVE')
    await c.deleteStream({ streamName })
    expect((await c.describeStreamSummary({ streamName })).streamDescriptionSummary.streamStatus).toBe('DELETING')
    await expectCode(c.putRecord({ streamName, partitionKey: 'k', data: 'x' }), 'STREAM_NOT_FOUND')
    await expectCode(c.addTagsToStream({ streamName, tags: { b: '2' } }), 'RESOURCE_IN_USE')
    await expectCode(c.decreaseStreamRetentionPeriod({ streamName, retentionPeriodHours: 24 }), 'RESOURCE_IN_USE')
    // Deleting a stream already being deleted changes nothing.
    await c.deleteStream({ streamName })
    await waitForGone(c, streamName)
    await expectCode(c.describeStream({ streamName }), 'STREAM_NOT_FOUND')
    // The name is free again once the stream is gone.
    await c.createStream({ streamName, shardCount: 1 })
  })

  it('finishes CREATING after a restart', async () => {
    const streamName = uniqueName('cs-slow')
    await slow.current.client.createStream({ streamName, shardCount: 1 })
    expect((await slow.current.client.describeStreamSummary({ streamName })).streamDescriptionSummary.streamStatus).toBe('CREATING')
    await slow.restart()
    await waitForStatus(slow.current.client, streamName, 'ACTIVE')
    expect((await slow.current.client.describeStream({ streamName })).streamDescription.shards).toHaveLength(1)
  })
})
