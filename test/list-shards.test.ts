/**
 * ListShards: decoding, validation, paging by maxResults and nextToken, the nextToken
 * rules, and shard filters on a stream that was never resharded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Shard, ShardFilter, ShardFilterType, StreamClient } from '../client/index.js'
import { expectedHashRanges, expectValidation, shardId } from './helpers/control-plane.js'
import { bytesField, expectRawError, expectSerializationFailed, GARBAGE, message, stringField, tag, varint, WireType } from './helpers/protowire.js'
import { expectCode, ManualClock, rawCall, startServer, uniqueName, type TestServer } from './helpers/server.js'

const clock = new ManualClock()
let srv: TestServer
let client: StreamClient
/** A 10-shard stream shared by the read-only tests. */
let stream10: string
let created10: number

beforeAll(async () => {
  // Room for a stream of more than 1,000 shards past the account's default quota of 500.
  srv = await startServer({ clock: clock.now, shardLimit: 5000 })
  client = srv.client
  stream10 = uniqueName('lsh-10')
  created10 = clock.time
  await client.createStream({ streamName: stream10, shardCount: 10 })
  clock.advance(60_000)
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

async function firstToken (): Promise<string> {
  const { nextToken } = await client.listShards({ streamName: stream10, maxResults: 3 })
  expect(nextToken).toBeDefined()
  return nextToken!
}

describe('ListShards serialization', () => {
  it('rejects bytes that are not protobuf with SERIALIZATION_FAILED', async () => {
    expectSerializationFailed(await rawCall(srv.endpoint, 'ListShards', GARBAGE))
  })

  it('rejects max_results sent as a length-delimited field', async () => {
    const body = message(stringField(1, stream10), tag(4, WireType.LEN), Buffer.from([0x01, 0x05]))
    expectSerializationFailed(await rawCall(srv.endpoint, 'ListShards', body))
  })

  it('rejects a shard_filter message that is longer than the request', async () => {
    const body = message(stringField(1, stream10), tag(6, WireType.LEN), varint(10), Buffer.from([0x08, 0x04]))
    expectSerializationFailed(await rawCall(srv.endpoint, 'ListShards', body))
  })

  it('reads a well-formed shard_filter', async () => {
    const body = message(stringField(1, stream10), bytesField(6, message(Buffer.from([0x08, 0x04]))))
    const result = await rawCall(srv.endpoint, 'ListShards', body)
    expect(result.code, result.details).toBe(0)
  })

  it('reads an empty body as an empty request, which names no stream', async () => {
    const result = await rawCall(srv.endpoint, 'ListShards', Buffer.alloc(0))
    expectRawError(result, 'INVALID_ARGUMENT', 3, 'InvalidArgumentException')
    expect(result.details).toBe('Either NextToken or StreamName should be provided.')
  })
})

describe('ListShards validation', () => {
  it('needs a stream name, ARN or nextToken (an InvalidArgumentException, as AWS)', async () => {
    const err = await expectCode(client.listShards({}), 'INVALID_ARGUMENT')
    expect(err.message).toBe('Either NextToken or StreamName should be provided.')
  })

  it('checks the stream name', async () => {
    await expectValidation(client.listShards({ streamName: 'n'.repeat(129) }), 'stream_name', 'Member must have length less than or equal to 128')
    await expectValidation(client.listShards({ streamName: 'bad#name' }), 'stream_name', 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+')
  })

  it.each([0, -1])('rejects maxResults %i below 1', async (maxResults) => {
    await expectValidation(client.listShards({ streamName: stream10, maxResults }), 'max_results', 'Member must have value greater than or equal to 1')
  })

  it('rejects maxResults above 10000', async () => {
    await expectValidation(client.listShards({ streamName: stream10, maxResults: 10_001 }), 'max_results', 'Member must have value less than or equal to 10000')
  })

  it('checks exclusiveStartShardId and nextToken', async () => {
    await expectValidation(client.listShards({ streamName: stream10, exclusiveStartShardId: 'x'.repeat(129) }), 'exclusive_start_shard_id', 'Member must have length less than or equal to 128')
    await expectValidation(client.listShards({ streamName: stream10, exclusiveStartShardId: 'shard/1' }), 'exclusive_start_shard_id', 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+')
    await expectValidation(client.listShards({ nextToken: '' }), 'next_token', 'Member must have length greater than or equal to 1')
  })

  it('rejects a negative streamCreationTimestamp', async () => {
    await expectValidation(client.listShards({ streamName: stream10, streamCreationTimestamp: -1 }), 'stream_creation_timestamp', 'Member must have value greater than or equal to 0')
  })

  it('checks the shard filter fields', async () => {
    await expectValidation(client.listShards({ streamName: stream10, shardFilter: { type: 'AFTER_SHARD_ID', shardId: 'a b' } }), 'shard_filter.shard_id', 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+')
    await expectValidation(client.listShards({ streamName: stream10, shardFilter: { type: 'AT_TIMESTAMP', timestamp: -5 } }), 'shard_filter.timestamp', 'Member must have value greater than or equal to 0')
  })

  it('requires a shard filter type', async () => {
    await expectValidation(client.listShards({ streamName: stream10, shardFilter: {} as ShardFilter }), 'shard_filter.type', 'Member must not be null')
  })

  it('rejects an unspecified shard filter type as outside the enum', async () => {
    const msg = await expectValidation(
      client.listShards({ streamName: stream10, shardFilter: { type: 'TYPE_UNSPECIFIED' as ShardFilterType } }),
      'shard_filter.type',
      'Member must satisfy enum value set: [AFTER_SHARD_ID, AT_TRIM_HORIZON, FROM_TRIM_HORIZON, AT_LATEST, AT_TIMESTAMP, FROM_TIMESTAMP]'
    )
    expect(msg).toMatch(/^1 validation error detected: /)
  })
})

describe('ListShards functionality', () => {
  it('lists every shard of a stream with its ranges', async () => {
    const { shards, nextToken } = await client.listShards({ streamName: stream10 })
    expect(ids(shards)).toEqual(range(0, 10))
    expect(shards.map((s) => s.hashKeyRange)).toEqual(expectedHashRanges(10))
    expect(nextToken).toBeUndefined()
    const described = (await client.describeStream({ streamName: stream10 })).streamDescription.shards
    expect(shards).toEqual(described)
  })

  it('answers STREAM_NOT_FOUND for an unknown stream', async () => {
    const err = await expectCode(client.listShards({ streamName: uniqueName('lsh-none') }), 'STREAM_NOT_FOUND')
    expect(err.grpcStatus).toBe(5)
  })

  it('pages with maxResults and nextToken', async () => {
    const pages: string[][] = []
    let page = await client.listShards({ streamName: stream10, maxResults: 3 })
    pages.push(ids(page.shards))
    while (page.nextToken !== undefined) {
      page = await client.listShards({ nextToken: page.nextToken, maxResults: 3 })
      pages.push(ids(page.shards))
    }
    expect(pages).toEqual([range(0, 3), range(3, 6), range(6, 9), range(9, 10)])
  })

  it('keeps the default page size when a nextToken comes without maxResults', async () => {
    const page = await client.listShards({ nextToken: await firstToken() })
    expect(ids(page.shards)).toEqual(range(3, 10))
    expect(page.nextToken).toBeUndefined()
  })

  it('gives no nextToken when the page holds the last shard', async () => {
    const page = await client.listShards({ streamName: stream10, maxResults: 10 })
    expect(page.shards).toHaveLength(10)
    expect(page.nextToken).toBeUndefined()
  })

  it('returns at most 1000 shards by default', async () => {
    const streamName = uniqueName('lsh-1001')
    await client.createStream({ streamName, shardCount: 1001 })
    const first = await client.listShards({ streamName })
    expect(ids(first.shards)).toEqual(range(0, 1000))
    expect(first.nextToken).toBeDefined()
    const rest = await client.listShards({ nextToken: first.nextToken! })
    expect(ids(rest.shards)).toEqual([shardId(1000)])
    expect(rest.nextToken).toBeUndefined()
  })

  it('starts after exclusiveStartShardId', async () => {
    expect(ids((await client.listShards({ streamName: stream10, exclusiveStartShardId: shardId(6) })).shards)).toEqual(range(7, 10))
    expect((await client.listShards({ streamName: stream10, exclusiveStartShardId: shardId(9) })).shards).toEqual([])
  })

  it('refuses a nextToken together with streamName or streamArn (INVALID_ARGUMENT)', async () => {
    const nextToken = await firstToken()
    const err = await expectCode(client.listShards({ nextToken, streamName: stream10 }), 'INVALID_ARGUMENT')
    expect(err.grpcStatus).toBe(3)
    expect(err.awsType).toBe('InvalidArgumentException')
    const { streamDescriptionSummary } = await client.describeStreamSummary({ streamName: stream10 })
    await expectCode(client.listShards({ nextToken, streamArn: streamDescriptionSummary.streamArn }), 'INVALID_ARGUMENT')
  })

  it('refuses a nextToken together with exclusiveStartShardId or a shard filter', async () => {
    const nextToken = await firstToken()
    await expectCode(client.listShards({ nextToken, exclusiveStartShardId: shardId(1) }), 'INVALID_ARGUMENT')
    await expectCode(client.listShards({ nextToken, shardFilter: { type: 'AT_LATEST' } }), 'INVALID_ARGUMENT')
  })

  it('refuses a nextToken together with streamCreationTimestamp, as Kinesis does', async () => {
    await expectCode(client.listShards({ nextToken: await firstToken(), streamCreationTimestamp: created10 }), 'INVALID_ARGUMENT')
  })

  it('rejects a tampered or foreign nextToken with INVALID_NEXT_TOKEN', async () => {
    const nextToken = await firstToken()
    const i = Math.floor(nextToken.length / 2)
    const tampered = nextToken.slice(0, i) + (nextToken[i] === 'A' ? 'B' : 'A') + nextToken.slice(i + 1)
    const err = await expectCode(client.listShards({ nextToken: tampered }), 'INVALID_NEXT_TOKEN')
    expect(err.awsType).toBe('InvalidArgumentException')
    await expectCode(client.listShards({ nextToken: 'garbage' }), 'INVALID_NEXT_TOKEN')
    const other = uniqueName('lsh-ls')
    await client.createStream({ streamName: other, shardCount: 1 })
    const streams = await client.listStreams({ limit: 1 })
    expect(streams.nextToken).toBeDefined()
    await expectCode(client.listShards({ nextToken: streams.nextToken! }), 'INVALID_NEXT_TOKEN')
  })

  it('expires a nextToken after 300 seconds', async () => {
    const nextToken = await firstToken()
    clock.advance(300_001)
    await expectCode(client.listShards({ nextToken }), 'INVALID_NEXT_TOKEN')
  })

  it('answers STREAM_NOT_FOUND for a nextToken of a deleted stream', async () => {
    const streamName = uniqueName('lsh-del')
    await client.createStream({ streamName, shardCount: 3 })
    const { nextToken } = await client.listShards({ streamName, maxResults: 1 })
    await client.deleteStream({ streamName })
    await expectCode(client.listShards({ nextToken: nextToken! }), 'STREAM_NOT_FOUND')
  })

  it('checks streamCreationTimestamp against the stream', async () => {
    expect(await client.listShards({ streamName: stream10, streamCreationTimestamp: created10 })).toMatchObject({ shards: expect.any(Array) })
    expect((await client.listShards({ streamName: stream10, streamCreationTimestamp: new Date(created10) })).shards).toHaveLength(10)
    await expectCode(client.listShards({ streamName: stream10, streamCreationTimestamp: created10 + 1 }), 'STREAM_NOT_FOUND')
  })

  describe('shard filters on a stream that was never split', () => {
    it.each(['AT_LATEST', 'AT_TRIM_HORIZON', 'FROM_TRIM_HORIZON'] as const)('%s returns every shard', async (type) => {
      const { shards, nextToken } = await client.listShards({ streamName: stream10, shardFilter: { type } })
      expect(ids(shards)).toEqual(range(0, 10))
      expect(nextToken).toBeUndefined()
    })

    it.each(['AT_TIMESTAMP', 'FROM_TIMESTAMP'] as const)('%s returns every shard, for a time before or after creation', async (type) => {
      for (const timestamp of [created10 - 3_600_000, created10, clock.time, new Date(clock.time)]) {
        const { shards } = await client.listShards({ streamName: stream10, shardFilter: { type, timestamp } })
        expect(ids(shards)).toEqual(range(0, 10))
      }
    })

    it('AFTER_SHARD_ID returns the shards after the given one', async () => {
      const { shards } = await client.listShards({ streamName: stream10, shardFilter: { type: 'AFTER_SHARD_ID', shardId: shardId(6) } })
      expect(ids(shards)).toEqual(range(7, 10))
    })

    it('AFTER_SHARD_ID without a shardId is INVALID_ARGUMENT', async () => {
      const err = await expectCode(client.listShards({ streamName: stream10, shardFilter: { type: 'AFTER_SHARD_ID' } }), 'INVALID_ARGUMENT')
      expect(err.message).toContain('shard_id')
    })

    it.each(['AT_TIMESTAMP', 'FROM_TIMESTAMP'] as const)('%s without a timestamp is INVALID_ARGUMENT', async (type) => {
      const err = await expectCode(client.listShards({ streamName: stream10, shardFilter: { type } }), 'INVALID_ARGUMENT')
      expect(err.message).toContain('timestamp')
    })

    it('carries the filter over to the pages of a nextToken', async () => {
      const pages: string[][] = []
      let page = await client.listShards({ streamName: stream10, maxResults: 2, shardFilter: { type: 'AFTER_SHARD_ID', shardId: shardId(4) } })
      pages.push(ids(page.shards))
      while (page.nextToken !== undefined) {
        page = await client.listShards({ nextToken: page.nextToken, maxResults: 2 })
        pages.push(ids(page.shards))
      }
      expect(pages).toEqual([range(5, 7), range(7, 9), range(9, 10)])
    })

    it('combines a filter with exclusiveStartShardId', async () => {
      const { shards } = await client.listShards({ streamName: stream10, exclusiveStartShardId: shardId(7), shardFilter: { type: 'AT_LATEST' } })
      expect(ids(shards)).toEqual(range(8, 10))
    })
  })
})
