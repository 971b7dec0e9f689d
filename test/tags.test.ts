/**
 * AddTagsToStream, RemoveTagsFromStream and ListTagsForStream: decoding, validation,
 * the 10-per-call and 50-per-stream limits, the reserved prefix, sorted paging, and
 * persistence.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StreamClient, Tag } from '../client/index.js'
import { expectValidation, startRestartableServer, type RestartableServer } from './helpers/control-plane.js'
import { expectRawError, expectSerializationFailed, GARBAGE, mapEntryField, message, stringField, tag, varint, WireType } from './helpers/protowire.js'
import { expectCode, rawCall, uniqueName } from './helpers/server.js'

let srv: RestartableServer

beforeAll(async () => {
  srv = await startRestartableServer()
})

afterAll(async () => {
  await srv?.close()
})

function client (): StreamClient {
  return srv.current.client
}

async function newStream (tags?: Record<string, string>): Promise<string> {
  const streamName = uniqueName('tg')
  await client().createStream({ streamName, shardCount: 1, ...(tags === undefined ? {} : { tags }) })
  return streamName
}

async function allTags (streamName: string): Promise<Tag[]> {
  const { tags, hasMoreTags } = await client().listTagsForStream({ streamName })
  expect(hasMoreTags).toBe(false)
  return tags
}

/** `count` tags named prefix00, prefix01, ... */
function tagSet (prefix: string, count: number, from = 0): Record<string, string> {
  const tags: Record<string, string> = {}
  for (let i = from; i < from + count; i++) tags[`${prefix}${String(i).padStart(2, '0')}`] = `v${i}`
  return tags
}

/** An unknown field with wire type 7, which no protobuf parser can read. */
const INVALID_WIRE_TYPE = message(tag(9, 7), Buffer.from([0x01]))

describe('tag operations serialization', () => {
  it.each(['AddTagsToStream', 'RemoveTagsFromStream', 'ListTagsForStream'])('%s rejects bytes that are not protobuf', async (rpc) => {
    expectSerializationFailed(await rawCall(srv.current.endpoint, rpc, GARBAGE))
  })

  it.each(['AddTagsToStream', 'RemoveTagsFromStream', 'ListTagsForStream'])('%s rejects a field of an invalid wire type', async (rpc) => {
    const streamName = await newStream()
    expectSerializationFailed(await rawCall(srv.current.endpoint, rpc, message(stringField(1, streamName), INVALID_WIRE_TYPE)))
  })

  it('AddTagsToStream rejects the tags map sent with the varint wire type, and adds nothing', async () => {
    const streamName = await newStream()
    const body = message(stringField(1, streamName), tag(2, WireType.VARINT), varint(40), stringField(1, 'k'))
    expectSerializationFailed(await rawCall(srv.current.endpoint, 'AddTagsToStream', body))
    expect(await allTags(streamName)).toEqual([])
  })

  it('AddTagsToStream rejects a map entry longer than the request', async () => {
    const streamName = await newStream()
    const body = message(stringField(1, streamName), mapEntryField(2, 'a', '1'), tag(2, WireType.LEN), varint(30), stringField(1, 'b'))
    expectSerializationFailed(await rawCall(srv.current.endpoint, 'AddTagsToStream', body))
    expect(await allTags(streamName)).toEqual([])
  })

  it('ListTagsForStream rejects limit sent as a length-delimited field', async () => {
    const streamName = await newStream()
    const body = message(stringField(1, streamName), tag(3, WireType.LEN), Buffer.from([0x01, 0x05]))
    expectSerializationFailed(await rawCall(srv.current.endpoint, 'ListTagsForStream', body))
  })

  it('reads an empty body as an empty request, which then fails validation', async () => {
    const add = await rawCall(srv.current.endpoint, 'AddTagsToStream', Buffer.alloc(0))
    expectRawError(add, 'VALIDATION_FAILED', 3, 'ValidationException')
    expect(add.details).toContain("at 'tags' failed to satisfy constraint")
    const remove = await rawCall(srv.current.endpoint, 'RemoveTagsFromStream', Buffer.alloc(0))
    expectRawError(remove, 'VALIDATION_FAILED', 3, 'ValidationException')
    expect(remove.details).toContain("at 'tag_keys' failed to satisfy constraint")
    const list = await rawCall(srv.current.endpoint, 'ListTagsForStream', Buffer.alloc(0))
    expectRawError(list, 'VALIDATION_FAILED', 3, 'ValidationException')
    expect(list.details).toContain('stream_name')
  })
})

describe('tag operations validation', () => {
  let streamName: string

  beforeAll(async () => {
    streamName = await newStream()
  })

  it('AddTagsToStream takes at most 10 tags per call', async () => {
    await expectValidation(client().addTagsToStream({ streamName, tags: tagSet('k', 11) }), 'tags', 'Member must have length less than or equal to 10')
    expect(await allTags(streamName)).toEqual([])
  })

  it('AddTagsToStream needs at least one tag', async () => {
    const err = await expectCode(client().addTagsToStream({ streamName, tags: {} }), 'VALIDATION_FAILED')
    // Protobuf cannot tell an empty map from a missing one, so either wording is right.
    expect(err.message).toMatch(/at 'tags' failed to satisfy constraint: Member must (have length greater than or equal to 1|not be null)/)
  })

  it('AddTagsToStream checks key length 1..128 and value length 0..256', async () => {
    // As AWS: one constraint on the map's keys or values, with the map as the value.
    const keys = 'Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]'
    await expectValidation(client().addTagsToStream({ streamName, tags: { ['k'.repeat(129)]: 'v' } }), 'tags', keys)
    await expectValidation(client().addTagsToStream({ streamName, tags: { '': 'v' } }), 'tags', keys)
    await expectValidation(client().addTagsToStream({ streamName, tags: { long: 'v'.repeat(257) } }), 'tags', 'Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 0]')
    expect(await allTags(streamName)).toEqual([])
  })

  it('AddTagsToStream refuses the reserved aws: prefix with INVALID_ARGUMENT, adding nothing', async () => {
    const err = await expectCode(client().addTagsToStream({ streamName, tags: { fine: '1', 'aws:owner': 'me' } }), 'INVALID_ARGUMENT')
    expect(err.awsType).toBe('InvalidArgumentException')
    expect(err.message).toContain('aws:')
    expect(await allTags(streamName)).toEqual([])
  })

  it('RemoveTagsFromStream takes 1 to 10 keys of 1..128 characters', async () => {
    await expectValidation(client().removeTagsFromStream({ streamName, tagKeys: Object.keys(tagSet('k', 11)) }), 'tag_keys', 'Member must have length less than or equal to 10')
    // As AWS: one constraint on the list's members, with the list as the value.
    const members = 'Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]'
    await expectValidation(client().removeTagsFromStream({ streamName, tagKeys: ['ok', 'k'.repeat(129)] }), 'tag_keys', members)
    await expectValidation(client().removeTagsFromStream({ streamName, tagKeys: [''] }), 'tag_keys', members)
    const err = await expectCode(client().removeTagsFromStream({ streamName, tagKeys: [] }), 'VALIDATION_FAILED')
    expect(err.message).toMatch(/at 'tag_keys' failed to satisfy constraint: Member must (have length greater than or equal to 1|not be null)/)
  })

  it('ListTagsForStream takes a limit of 1..50', async () => {
    await expectValidation(client().listTagsForStream({ streamName, limit: 0 }), 'limit', 'Member must have value greater than or equal to 1')
    await expectValidation(client().listTagsForStream({ streamName, limit: 51 }), 'limit', 'Member must have value less than or equal to 50')
  })

  it('ListTagsForStream checks exclusiveStartTagKey length 1..128', async () => {
    await expectValidation(client().listTagsForStream({ streamName, exclusiveStartTagKey: 'k'.repeat(129) }), 'exclusive_start_tag_key', 'Member must have length less than or equal to 128')
    await expectValidation(client().listTagsForStream({ streamName, exclusiveStartTagKey: '' }), 'exclusive_start_tag_key', 'Member must have length greater than or equal to 1')
  })

  it('every tag operation needs a stream name or ARN and checks the name', async () => {
    await expectCode(client().addTagsToStream({ tags: { a: '1' } }), 'VALIDATION_FAILED')
    await expectCode(client().removeTagsFromStream({ tagKeys: ['a'] }), 'VALIDATION_FAILED')
    await expectCode(client().listTagsForStream({}), 'VALIDATION_FAILED')
    const pattern = 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+'
    await expectValidation(client().addTagsToStream({ streamName: 'a b', tags: { a: '1' } }), 'stream_name', pattern)
    await expectValidation(client().removeTagsFromStream({ streamName: 'a b', tagKeys: ['a'] }), 'stream_name', pattern)
    await expectValidation(client().listTagsForStream({ streamName: 'a b' }), 'stream_name', pattern)
  })
})

describe('tag operations functionality', () => {
  it('adds tags, lists them sorted by key, and overwrites existing keys', async () => {
    const streamName = await newStream({ b: 'created' })
    expect(await client().addTagsToStream({ streamName, tags: { c: '3', a: '1', B: 'upper', ключ: 'значение', empty: '' } })).toEqual({})
    expect(await allTags(streamName)).toEqual([
      { key: 'B', value: 'upper' },
      { key: 'a', value: '1' },
      { key: 'b', value: 'created' },
      { key: 'c', value: '3' },
      { key: 'empty', value: '' },
      { key: 'ключ', value: 'значение' }
    ])
    await client().addTagsToStream({ streamName, tags: { b: 'changed' } })
    const tags = await allTags(streamName)
    expect(tags).toHaveLength(6)
    expect(tags.find((t) => t.key === 'b')?.value).toBe('changed')
  })

  it('allows 50 tags per stream and refuses a 51st with TAG_LIMIT_EXCEEDED (an InvalidArgumentException, as AWS)', async () => {
    const streamName = await newStream()
    for (let i = 0; i < 5; i++) await client().addTagsToStream({ streamName, tags: tagSet('t', 10, i * 10) })
    expect((await client().listTagsForStream({ streamName })).tags).toHaveLength(50)
    const err = await expectCode(client().addTagsToStream({ streamName, tags: { extra: 'x' } }), 'TAG_LIMIT_EXCEEDED')
    expect(err.grpcStatus).toBe(8)
    expect(err.awsType).toBe('InvalidArgumentException')
    expect(err.retriable).toBe(false)
    // Overwriting does not add a tag, so it is still allowed at the limit.
    await client().addTagsToStream({ streamName, tags: { t00: 'new' } })
    const { tags, hasMoreTags } = await client().listTagsForStream({ streamName })
    expect(tags).toHaveLength(50)
    expect(hasMoreTags).toBe(false)
    expect(tags[0]).toEqual({ key: 't00', value: 'new' })
  })

  it('counts the tags given at creation toward the limit and rejects a batch as a whole', async () => {
    const streamName = await newStream(tagSet('c', 45))
    const err = await expectCode(client().addTagsToStream({ streamName, tags: { ...tagSet('n', 6), c00: 'overwrite' } }), 'TAG_LIMIT_EXCEEDED')
    expect(err.message).toBe(`Failed to add tags to stream ${streamName} under account 000000000000 because a given stream cannot have more than 10 tags associated with it.`)
    const tags = await allTags(streamName)
    expect(tags).toHaveLength(45)
    expect(tags[0]).toEqual({ key: 'c00', value: 'v0' })
    await client().addTagsToStream({ streamName, tags: tagSet('n', 5) })
    expect((await client().listTagsForStream({ streamName })).tags).toHaveLength(50)
  })

  it('removes the given keys and ignores keys the stream does not have', async () => {
    const streamName = await newStream({ a: '1', b: '2', c: '3', d: '4' })
    expect(await client().removeTagsFromStream({ streamName, tagKeys: ['b', 'd', 'missing'] })).toEqual({})
    expect(await allTags(streamName)).toEqual([{ key: 'a', value: '1' }, { key: 'c', value: '3' }])
    await client().removeTagsFromStream({ streamName, tagKeys: ['a', 'c'] })
    expect(await allTags(streamName)).toEqual([])
    // Removing makes room under the limit again.
    await client().addTagsToStream({ streamName, tags: { a: 'again' } })
    expect(await allTags(streamName)).toEqual([{ key: 'a', value: 'again' }])
  })

  it('pages with limit and exclusiveStartTagKey', async () => {
    const streamName = await newStream(tagSet('p', 12))
    const first = await client().listTagsForStream({ streamName, limit: 5 })
    expect(first.tags.map((t) => t.key)).toEqual(['p00', 'p01', 'p02', 'p03', 'p04'])
    expect(first.hasMoreTags).toBe(true)
    const second = await client().listTagsForStream({ streamName, limit: 5, exclusiveStartTagKey: 'p04' })
    expect(second.tags.map((t) => t.key)).toEqual(['p05', 'p06', 'p07', 'p08', 'p09'])
    expect(second.hasMoreTags).toBe(true)
    const third = await client().listTagsForStream({ streamName, limit: 5, exclusiveStartTagKey: 'p09' })
    expect(third.tags).toEqual([{ key: 'p10', value: 'v10' }, { key: 'p11', value: 'v11' }])
    expect(third.hasMoreTags).toBe(false)
    // The start key need not be a tag of the stream.
    expect((await client().listTagsForStream({ streamName, exclusiveStartTagKey: 'p105' })).tags.map((t) => t.key)).toEqual(['p11'])
    const exact = await client().listTagsForStream({ streamName, limit: 12 })
    expect(exact.tags).toHaveLength(12)
    expect(exact.hasMoreTags).toBe(false)
  })

  it('lists up to 50 tags by default', async () => {
    const streamName = await newStream(tagSet('d', 50))
    const { tags, hasMoreTags } = await client().listTagsForStream({ streamName })
    expect(tags).toHaveLength(50)
    expect(hasMoreTags).toBe(false)
    const page = await client().listTagsForStream({ streamName, limit: 49 })
    expect(page.hasMoreTags).toBe(true)
  })

  it('answers STREAM_NOT_FOUND for an unknown stream', async () => {
    const streamName = uniqueName('tg-none')
    await expectCode(client().addTagsToStream({ streamName, tags: { a: '1' } }), 'STREAM_NOT_FOUND')
    await expectCode(client().removeTagsFromStream({ streamName, tagKeys: ['a'] }), 'STREAM_NOT_FOUND')
    await expectCode(client().listTagsForStream({ streamName }), 'STREAM_NOT_FOUND')
  })

  it('keeps added and removed tags across a restart', async () => {
    const streamName = await newStream({ created: 'yes', doomed: 'x' })
    await client().addTagsToStream({ streamName, tags: { added: '1', created: 'changed' } })
    await client().removeTagsFromStream({ streamName, tagKeys: ['doomed'] })

    await srv.restart()

    expect(await allTags(streamName)).toEqual([{ key: 'added', value: '1' }, { key: 'created', value: 'changed' }])
  })
})
