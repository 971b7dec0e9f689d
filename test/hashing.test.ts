/**
 * Partition-key placement and hash ranges. The expected hashes are computed here, from the
 * libraries, not from the server's code: MURMUR3 is MurmurHash3 x64_128 of the key's UTF-8
 * bytes and MD5 the key's MD5 digest, both read as big-endian 128-bit integers.
 */
import { createHash } from 'node:crypto'
import murmur from 'murmurhash3js-revisited'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PartitionHash, Shard, StreamClient } from '../client/index.js'
import { hashPartitionKey } from '../src/streams/hash-key.js'
import { expectCode, startServer, uniqueName, type TestServer } from './helpers/server.js'

const SPACE = 1n << 128n
const HASH_MAX = SPACE - 1n

let ts: TestServer
let client: StreamClient

beforeAll(async () => {
  ts = await startServer({ limits: 'off' })
  client = ts.client
})

afterAll(async () => {
  await ts.close()
})

function murmurHash (key: string): bigint {
  return BigInt('0x' + murmur.x64.hash128(new TextEncoder().encode(key)))
}

function md5Hash (key: string): bigint {
  return BigInt('0x' + createHash('md5').update(Buffer.from(key, 'utf8')).digest('hex'))
}

/** Keys of many shapes: ASCII, long, multi-byte, and characters outside the BMP. */
function testKeys (n: number): string[] {
  const keys: string[] = []
  for (let i = 0; i < n; i++) {
    switch (i % 5) {
      case 0: keys.push(`user-${i}`); break
      case 1: keys.push(String(i)); break
      case 2: keys.push(`ключ-${i}-é`); break
      case 3: keys.push(`\u{1F600}${i}\u{1F680}`); break
      default: keys.push(`k${i}-`.repeat(1 + (i % 40)))
    }
  }
  return keys
}

function shardHolding (shards: Shard[], hash: bigint): Shard | undefined {
  return shards.find((s) => BigInt(s.hashKeyRange.startingHashKey) <= hash && hash <= BigInt(s.hashKeyRange.endingHashKey))
}

function expectedRanges (n: number): Array<[bigint, bigint]> {
  const step = SPACE / BigInt(n)
  return Array.from({ length: n }, (_, i) => {
    const start = BigInt(i) * step
    return [start, i === n - 1 ? HASH_MAX : BigInt(i + 1) * step - 1n]
  })
}

async function placements (partitionHash: PartitionHash | undefined, keys: string[], shardCount: number): Promise<{ shards: Shard[], shardIds: string[] }> {
  const name = uniqueName('hash')
  await client.createStream({ streamName: name, shardCount, ...(partitionHash === undefined ? {} : { partitionHash }) })
  const { shards } = await client.listShards({ streamName: name })
  const shardIds: string[] = []
  for (let i = 0; i < keys.length; i += 500) {
    const result = await client.putRecords({ streamName: name, records: keys.slice(i, i + 500).map((k) => ({ partitionKey: k, data: 'x' })) })
    expect(result.failedRecordCount).toBe(0)
    shardIds.push(...result.records.map((r) => r.shardId!))
  }
  return { shards, shardIds }
}

describe('partition key hashing', () => {
  const keys = testKeys(1000)

  it('agrees with a known MD5 digest (sanity check of the expectation itself)', () => {
    expect(md5Hash('').toString(16)).toBe('d41d8cd98f00b204e9800998ecf8427e')
  })

  it('hashes exactly the UTF-8 bytes TextEncoder makes, whatever the key holds', () => {
    // The server writes keys into a reused buffer; it must hash the same bytes a fresh encoding would.
    const edgeKeys = [...testKeys(200), 'a', '\u{1F600}'.repeat(128), 'é'.repeat(256), 'x\uD800y', '\uDC00', 'z'.repeat(256),
      // Longer than the server accepts, so past its reused buffer: hashed from a buffer of their own.
      'x'.repeat(400), '\u{1F600}'.repeat(200)]
    for (const key of edgeKeys) expect(hashPartitionKey(key, 'MURMUR3'), key).toBe(murmurHash(key))
    // Interleaving long and short keys: a short key must not see a longer one's leftover bytes.
    expect(hashPartitionKey('k'.repeat(200), 'MURMUR3')).toBe(murmurHash('k'.repeat(200)))
    expect(hashPartitionKey('k', 'MURMUR3')).toBe(murmurHash('k'))
  })

  it('places keys by MurmurHash3 x64_128 by default', async () => {
    const { shards, shardIds } = await placements(undefined, keys, 7)
    keys.forEach((key, i) => {
      expect(shardIds[i], key).toBe(shardHolding(shards, murmurHash(key))!.shardId)
    })
    // Every shard got some keys: placement is spread, not constant.
    expect(new Set(shardIds).size).toBe(7)
  })

  it('places keys by MurmurHash3 when MURMUR3 is asked for', async () => {
    const { shards, shardIds } = await placements('MURMUR3', keys, 16)
    keys.forEach((key, i) => {
      expect(shardIds[i], key).toBe(shardHolding(shards, murmurHash(key))!.shardId)
    })
  })

  it('places keys by MD5 when MD5 is asked for', async () => {
    const { shards, shardIds } = await placements('MD5', keys, 7)
    keys.forEach((key, i) => {
      expect(shardIds[i], key).toBe(shardHolding(shards, md5Hash(key))!.shardId)
    })
    expect(new Set(shardIds).size).toBe(7)
  })

  it('places differently under MD5 and MURMUR3 (the setting is honoured)', async () => {
    const murmurRun = await placements('MURMUR3', keys, 7)
    const md5Run = await placements('MD5', keys, 7)
    const differing = keys.filter((_, i) => murmurRun.shardIds[i] !== md5Run.shardIds[i])
    expect(differing.length).toBeGreaterThan(keys.length / 2)
  })

  it('reports the partition hash of the stream', async () => {
    const name = uniqueName('hash')
    await client.createStream({ streamName: name, shardCount: 1, partitionHash: 'MD5' })
    expect((await client.describeStream({ streamName: name })).streamDescription.partitionHash).toBe('MD5')
    expect((await client.describeStreamSummary({ streamName: name })).streamDescriptionSummary.partitionHash).toBe('MD5')
  })

  it('lets an explicit hash key override the partition key', async () => {
    const name = uniqueName('hash')
    await client.createStream({ streamName: name, shardCount: 4 })
    const { shards } = await client.listShards({ streamName: name })
    const key = 'override-me'
    const natural = shardHolding(shards, murmurHash(key))!
    const other = shards.find((s) => s.shardId !== natural.shardId)!
    const put = await client.putRecord({ streamName: name, partitionKey: key, data: 'x', explicitHashKey: other.hashKeyRange.endingHashKey })
    expect(put.shardId).toBe(other.shardId)
    const plain = await client.putRecord({ streamName: name, partitionKey: key, data: 'x' })
    expect(plain.shardId).toBe(natural.shardId)
  })
})

describe('hash ranges', () => {
  async function viaDescribeStream (name: string, limit: number): Promise<Shard[]> {
    const all: Shard[] = []
    let start: string | undefined
    for (;;) {
      const { streamDescription: d } = await client.describeStream({ streamName: name, limit, ...(start === undefined ? {} : { exclusiveStartShardId: start }) })
      expect(d.shards.length).toBeLessThanOrEqual(limit)
      all.push(...d.shards)
      if (!d.hasMoreShards) break
      expect(d.shards.length).toBeGreaterThan(0)
      start = d.shards[d.shards.length - 1]!.shardId
    }
    return all
  }

  async function viaListShards (name: string, maxResults: number): Promise<Shard[]> {
    const all: Shard[] = []
    let page = await client.listShards({ streamName: name, maxResults })
    all.push(...page.shards)
    while (page.nextToken !== undefined) {
      expect(page.shards.length).toBe(maxResults)
      page = await client.listShards({ nextToken: page.nextToken, maxResults })
      all.push(...page.shards)
    }
    return all
  }

  function checkEven (shards: Shard[], n: number): void {
    expect(shards).toHaveLength(n)
    // One comparison of whole lists: per-shard expects would dominate the 10000-shard case.
    const actual = shards.map((s) => [s.shardId, s.hashKeyRange.startingHashKey, s.hashKeyRange.endingHashKey].join(' '))
    const expected = expectedRanges(n).map(([start, end], i) => ['shardId-' + String(i).padStart(12, '0'), start.toString(), end.toString()].join(' '))
    expect(actual).toEqual(expected)
    expect(shards.filter((s) => !/^\d{56}$/.test(s.sequenceNumberRange.startingSequenceNumber) || s.sequenceNumberRange.endingSequenceNumber !== undefined)).toEqual([])
    // Contiguous, from 0 to 2^128 - 1, with no gap or overlap.
    expect(shards[0]!.hashKeyRange.startingHashKey).toBe('0')
    expect(shards[n - 1]!.hashKeyRange.endingHashKey).toBe(HASH_MAX.toString())
    const gaps = shards.slice(1).filter((s, i) => BigInt(s.hashKeyRange.startingHashKey) !== BigInt(shards[i]!.hashKeyRange.endingHashKey) + 1n)
    expect(gaps).toEqual([])
  }

  it.each([1, 3, 7])('divides the hash space evenly over %i shards', async (n) => {
    const name = uniqueName('ranges')
    await client.createStream({ streamName: name, shardCount: n })
    checkEven(await viaDescribeStream(name, 2), n)
    checkEven(await viaListShards(name, 2), n)
    checkEven((await client.describeStream({ streamName: name })).streamDescription.shards, n)
  })

  it('divides the hash space evenly over 10000 shards, paged through DescribeStream and ListShards', async () => {
    const name = uniqueName('ranges')
    await client.createStream({ streamName: name, shardCount: 10_000 })
    const first = await client.describeStream({ streamName: name })
    expect(first.streamDescription.shards).toHaveLength(100)
    expect(first.streamDescription.hasMoreShards).toBe(true)
    checkEven(await viaDescribeStream(name, 1000), 10_000)
    checkEven(await viaListShards(name, 999), 10_000)
    expect((await client.listShards({ streamName: name })).shards).toHaveLength(1000)
    expect((await client.describeStreamSummary({ streamName: name })).streamDescriptionSummary.openShardCount).toBe(10_000)
  })

  it('routes hash keys at every range boundary of a 10000-shard stream to the right shard', async () => {
    const name = uniqueName('ranges')
    await client.createStream({ streamName: name, shardCount: 10_000 })
    const ranges = expectedRanges(10_000)
    // A sample of shards, boundaries included; every put names its shard explicitly.
    for (const i of [0, 1, 2, 4999, 5000, 9998, 9999]) {
      for (const key of [ranges[i]![0], ranges[i]![1]]) {
        const put = await client.putRecord({ streamName: name, partitionKey: 'k', data: 'x', explicitHashKey: key.toString() })
        expect(put.shardId, key.toString()).toBe('shardId-' + String(i).padStart(12, '0'))
      }
    }
  })

  it('refuses shard counts outside 1..10000: 0 and over 100000 by validation, as AWS, 10001 by the stream quota', async () => {
    const zero = await expectCode(client.createStream({ streamName: uniqueName('ranges'), shardCount: 0 }), 'VALIDATION_FAILED')
    expect(zero.message).toMatch(/'shard_count'/)
    const invalid = await expectCode(client.createStream({ streamName: uniqueName('ranges'), shardCount: 100_001 }), 'VALIDATION_FAILED')
    expect(invalid.message).toMatch(/'shard_count'/)
    const over = await expectCode(client.createStream({ streamName: uniqueName('ranges'), shardCount: 10_001 }), 'LIMIT_EXCEEDED')
    expect(over.message).toMatch(/at most 10000/)
  })
})
