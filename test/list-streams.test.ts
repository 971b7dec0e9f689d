/**
 * ListStreams: decoding, validation, sorted names, pagination by limit,
 * exclusiveStartStreamName and sealed nextTokens.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StreamClient } from '../client/index.js'
import { expectValidation } from './helpers/control-plane.js'
import { expectSerializationFailed, GARBAGE, message, tag, WireType } from './helpers/protowire.js'
import { expectCode, ManualClock, rawCall, startServer, uniqueName, type TestServer } from './helpers/server.js'

const clock = new ManualClock()
let srv: TestServer
let client: StreamClient

beforeAll(async () => {
  srv = await startServer({ clock: clock.now })
  client = srv.client
})

afterAll(async () => {
  await srv?.close()
})

/** Creates streams `${base}-${suffix}` in the given order; returns their names sorted. */
async function createGroup (base: string, suffixes: string[]): Promise<string[]> {
  const names = suffixes.map((s) => `${base}-${s}`)
  for (const streamName of names) await client.createStream({ streamName, shardCount: 1 })
  return [...names].sort()
}

/** Changes one character in the middle of a token. */
function tamper (token: string): string {
  const i = Math.floor(token.length / 2)
  return token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1)
}

describe('ListStreams serialization', () => {
  it('rejects bytes that are not protobuf with SERIALIZATION_FAILED', async () => {
    expectSerializationFailed(await rawCall(srv.endpoint, 'ListStreams', GARBAGE))
  })

  it('rejects limit sent as a length-delimited field', async () => {
    expectSerializationFailed(await rawCall(srv.endpoint, 'ListStreams', message(tag(1, WireType.LEN), Buffer.from([0x01, 0x05]))))
  })

  it('reads an empty body as a valid request with every field at its default', async () => {
    const result = await rawCall(srv.endpoint, 'ListStreams', Buffer.alloc(0))
    expect(result.code, result.details).toBe(0)
  })
})

describe('ListStreams validation', () => {
  it.each([0, -1])('rejects limit %i below 1', async (limit) => {
    await expectValidation(client.listStreams({ limit }), 'limit', 'Member must have value greater than or equal to 1')
  })

  it('rejects limit above 10000', async () => {
    await expectValidation(client.listStreams({ limit: 10_001 }), 'limit', 'Member must have value less than or equal to 10000')
  })

  it('checks exclusiveStartStreamName like a stream name', async () => {
    await expectValidation(client.listStreams({ exclusiveStartStreamName: 'a'.repeat(129) }), 'exclusive_start_stream_name', 'Member must have length less than or equal to 128')
    await expectValidation(client.listStreams({ exclusiveStartStreamName: 'no/slash' }), 'exclusive_start_stream_name', 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+')
  })

  it('checks the nextToken length (1..1048576)', async () => {
    await expectValidation(client.listStreams({ nextToken: '' }), 'next_token', 'Member must have length greater than or equal to 1')
    await expectValidation(client.listStreams({ nextToken: 'a'.repeat(1_048_577) }), 'next_token', 'Member must have length less than or equal to 1048576')
  })
})

describe('ListStreams functionality', () => {
  it('lists names in sorted order with a summary of each stream', async () => {
    const base = uniqueName('ls-sort')
    const created = clock.time
    const names = await createGroup(base, ['m', 'B', 'a', 'Z', '0', 'z_', 'z.'])
    await client.createStream({ streamName: `${base}-od`, streamModeDetails: { streamMode: 'ON_DEMAND' } })
    names.push(`${base}-od`)
    names.sort()
    // Code-unit order, as Kinesis sorts: digits, then upper case, then '_' and lower case.
    expect(names.map((n) => n.slice(base.length + 1))).toEqual(['0', 'B', 'Z', 'a', 'm', 'od', 'z.', 'z_'])
    const { streamNames, streamSummaries } = await client.listStreams({ exclusiveStartStreamName: base, limit: names.length })
    expect(streamNames).toEqual(names)
    expect(streamSummaries.map((s) => s.streamName)).toEqual(names)
    for (const s of streamSummaries) {
      expect(s).toEqual({
        streamName: s.streamName,
        streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${s.streamName}`,
        streamStatus: 'ACTIVE',
        streamModeDetails: { streamMode: s.streamName.endsWith('-od') ? 'ON_DEMAND' : 'PROVISIONED' },
        streamCreationTimestamp: created
      })
    }
  })

  it('pages by limit and exclusiveStartStreamName, ending with hasMoreStreams false', async () => {
    // 'zz' sorts after every other stream of this file, so the last page is the last overall.
    const names = await createGroup(uniqueName('zz-page'), ['e', 'c', 'a', 'd', 'b'])
    const first = await client.listStreams({ exclusiveStartStreamName: names[0]!.slice(0, -2), limit: 2 })
    expect(first.streamNames).toEqual(names.slice(0, 2))
    expect(first.hasMoreStreams).toBe(true)
    expect(first.nextToken).toBeDefined()
    const second = await client.listStreams({ exclusiveStartStreamName: first.streamNames[1], limit: 2 })
    expect(second.streamNames).toEqual(names.slice(2, 4))
    expect(second.hasMoreStreams).toBe(true)
    const last = await client.listStreams({ exclusiveStartStreamName: second.streamNames[1], limit: 2 })
    expect(last.streamNames).toEqual(names.slice(4))
    expect(last.hasMoreStreams).toBe(false)
    expect(last.nextToken).toBeUndefined()
    const none = await client.listStreams({ exclusiveStartStreamName: names[4] })
    expect(none).toEqual({ streamNames: [], hasMoreStreams: false, streamSummaries: [] })
  })

  it('continues a listing with nextToken alone', async () => {
    const names = await createGroup(uniqueName('zz-token'), ['1', '2', '3', '4', '5'])
    const pages: string[][] = []
    let page = await client.listStreams({ exclusiveStartStreamName: names[0]!.slice(0, -2), limit: 2 })
    pages.push(page.streamNames)
    while (page.nextToken !== undefined) {
      expect(page.hasMoreStreams).toBe(true)
      page = await client.listStreams({ nextToken: page.nextToken, limit: 2 })
      pages.push(page.streamNames)
    }
    expect(page.hasMoreStreams).toBe(false)
    expect(pages).toEqual([names.slice(0, 2), names.slice(2, 4), names.slice(4)])
  })

  it('returns at most 100 names by default', async () => {
    const base = uniqueName('ls-many')
    const names = await createGroup(base, Array.from({ length: 101 }, (_, i) => String(i).padStart(3, '0')))
    const first = await client.listStreams({ exclusiveStartStreamName: base })
    expect(first.streamNames).toEqual(names.slice(0, 100))
    expect(first.hasMoreStreams).toBe(true)
    const next = await client.listStreams({ nextToken: first.nextToken!, limit: 1 })
    expect(next.streamNames).toEqual([names[100]])
    const all = await client.listStreams({ limit: 10_000 })
    expect(all.hasMoreStreams).toBe(false)
    expect(all.streamNames).toEqual([...all.streamNames].sort())
    expect(all.streamNames).toEqual(expect.arrayContaining(names))
  })

  it('leaves deleted streams out', async () => {
    const names = await createGroup(uniqueName('ls-del'), ['a', 'b', 'c'])
    await client.deleteStream({ streamName: names[1]! })
    const { streamNames } = await client.listStreams({ exclusiveStartStreamName: names[0]!.slice(0, -2), limit: 2 })
    expect(streamNames).toEqual([names[0], names[2]])
  })

  it('rejects a tampered, truncated or made-up nextToken with INVALID_NEXT_TOKEN', async () => {
    await createGroup(uniqueName('ls-bad'), ['a', 'b'])
    const { nextToken } = await client.listStreams({ limit: 1 })
    expect(nextToken).toBeDefined()
    const err = await expectCode(client.listStreams({ nextToken: tamper(nextToken!) }), 'INVALID_NEXT_TOKEN')
    expect(err.grpcStatus).toBe(3)
    expect(err.awsType).toBe('InvalidArgumentException')
    await expectCode(client.listStreams({ nextToken: nextToken!.slice(0, -4) }), 'INVALID_NEXT_TOKEN')
    await expectCode(client.listStreams({ nextToken: 'not-a-token' }), 'INVALID_NEXT_TOKEN')
    await expectCode(client.listStreams({ nextToken: nextToken + '!' }), 'INVALID_NEXT_TOKEN')
    // The untouched token still works.
    expect((await client.listStreams({ nextToken: nextToken! })).streamNames.length).toBeGreaterThan(0)
  })

  it('rejects a ListShards token with INVALID_NEXT_TOKEN', async () => {
    const streamName = uniqueName('ls-shards')
    await client.createStream({ streamName, shardCount: 3 })
    const { nextToken } = await client.listShards({ streamName, maxResults: 1 })
    expect(nextToken).toBeDefined()
    await expectCode(client.listStreams({ nextToken: nextToken! }), 'INVALID_NEXT_TOKEN')
  })

  it('expires a nextToken after 300 seconds', async () => {
    await createGroup(uniqueName('ls-exp'), ['a', 'b'])
    const { nextToken } = await client.listStreams({ limit: 1 })
    clock.advance(299_000)
    await client.listStreams({ nextToken: nextToken! })
    clock.advance(2_000)
    const err = await expectCode(client.listStreams({ nextToken: nextToken! }), 'INVALID_NEXT_TOKEN')
    expect(err.message).toContain('300')
  })
})
