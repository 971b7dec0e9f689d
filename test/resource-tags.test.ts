/**
 * TagResource, UntagResource and ListTagsForResource on streams and consumers by ARN, and
 * RegisterStreamConsumer's Tags: decoding, validation (counts, lengths, the reserved prefix,
 * AWS's characters), 50 tags per resource, sharing with ListTagsForStream, and
 * persistence; over gRPC and the AWS SDK v3.
 */
import { ListTagsForResourceCommand, ListTagsForStreamCommand, RegisterStreamConsumerCommand, TagResourceCommand, UntagResourceCommand, type KinesisClient } from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StreamClient, type Tag } from '../client/index.js'
import { expectAwsError, SDK_TARGETS, sdkClient } from './helpers/aws-sdk.js'
import { expectValidation, startRestartableServer, type RestartableServer } from './helpers/control-plane.js'
import { expectSerializationFailed, GARBAGE, mapEntryField, message, stringField, tag, varint, WireType } from './helpers/protowire.js'
import { kinesisHeaders, rawHttp1 } from './helpers/raw-http.js'
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

async function newStream (tags?: Record<string, string>): Promise<{ streamName: string, streamArn: string }> {
  const streamName = uniqueName('rt')
  await client().createStream({ streamName, shardCount: 1, ...(tags === undefined ? {} : { tags }) })
  return { streamName, streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}` }
}

async function newConsumer (tags?: Record<string, string>): Promise<{ streamArn: string, consumerArn: string }> {
  const { streamArn } = await newStream()
  const { consumer } = await client().registerStreamConsumer({ streamArn, consumerName: 'c', ...(tags === undefined ? {} : { tags }) })
  return { streamArn, consumerArn: consumer.consumerArn }
}

async function tagsOf (resourceArn: string): Promise<Tag[]> {
  return (await client().listTagsForResource({ resourceArn })).tags
}

function arnOf (streamName: string): string {
  return `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`
}

function tagSet (prefix: string, count: number): Record<string, string> {
  return Object.fromEntries(Array.from({ length: count }, (_, i) => [`${prefix}${String(i).padStart(2, '0')}`, `v${i}`]))
}

describe('resource tag serialization', () => {
  it.each(['TagResource', 'UntagResource', 'ListTagsForResource'])('%s rejects bytes that are not protobuf', async (rpc) => {
    expectSerializationFailed(await rawCall(srv.current.endpoint, rpc, GARBAGE))
  })

  it('TagResource rejects the tags map sent as a varint, tagging nothing', async () => {
    const { streamArn } = await newStream()
    const body = message(tag(1, WireType.VARINT), varint(3), stringField(2, streamArn))
    expectSerializationFailed(await rawCall(srv.current.endpoint, 'TagResource', body))
    expect(await tagsOf(streamArn)).toEqual([])
  })

  it('TagResource takes the map entry by entry, as protobuf writes it', async () => {
    const { streamArn } = await newStream()
    await rawCall(srv.current.endpoint, 'TagResource', message(mapEntryField(1, 'a', '1'), mapEntryField(1, 'b', ''), stringField(2, streamArn)))
    expect(await tagsOf(streamArn)).toEqual([{ key: 'a', value: '1' }, { key: 'b', value: '' }])
  })
})

describe('resource tag validation', () => {
  let streamArn: string

  beforeAll(async () => {
    ({ streamArn } = await newStream())
  })

  it('TagResource takes 1 to 200 tags per call, keys of 1..128 and values of 0..256 characters', async () => {
    await expectValidation(client().tagResource({ resourceArn: streamArn, tags: tagSet('k', 201) }), 'tags', 'Member must have length less than or equal to 200')
    const empty = await expectCode(client().tagResource({ resourceArn: streamArn, tags: {} }), 'VALIDATION_FAILED')
    expect(empty.message).toMatch(/at 'tags' failed to satisfy constraint: Member must (have length greater than or equal to 1|not be null)/)
    // As AWS: one constraint on the map's keys or values, with the map as the value.
    await expectValidation(client().tagResource({ resourceArn: streamArn, tags: { ['k'.repeat(129)]: 'v' } }), 'tags', 'Map keys must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]')
    await expectValidation(client().tagResource({ resourceArn: streamArn, tags: { long: 'v'.repeat(257) } }), 'tags', 'Map value must satisfy constraint: [Member must have length less than or equal to 256, Member must have length greater than or equal to 0]')
    expect(await tagsOf(streamArn)).toEqual([])
  })

  it('UntagResource takes 1 to 50 keys of 1..128 characters', async () => {
    await expectValidation(client().untagResource({ resourceArn: streamArn, tagKeys: Object.keys(tagSet('k', 51)) }), 'tag_keys', 'Member must have length less than or equal to 50')
    await expectValidation(client().untagResource({ resourceArn: streamArn, tagKeys: ['k'.repeat(129)] }), 'tag_keys', 'Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1]')
    const none = await expectCode(client().untagResource({ resourceArn: streamArn, tagKeys: [] }), 'VALIDATION_FAILED')
    expect(none.message).toMatch(/at 'tag_keys' failed to satisfy constraint: Member must (have length greater than or equal to 1|not be null)/)
  })

  it('refuses the reserved aws: prefix, in any case, with INVALID_ARGUMENT', async () => {
    const err = await expectCode(client().tagResource({ resourceArn: streamArn, tags: { ok: '1', 'AWS:owner': 'me' } }), 'INVALID_ARGUMENT')
    expect(err.awsType).toBe('InvalidArgumentException')
    expect(err.message).toContain('aws:')
    expect(await tagsOf(streamArn)).toEqual([])
  })

  it.each([
    [{ 'semi;colon': 'v' }], [{ key: 'tab\there' }], [{ key: 'new\nline' }], [{ 'com,ma': 'v' }], [{ key: '100%' }]
  ])('refuses characters outside AWS\'s set: %j', async (tags) => {
    const err = await expectCode(client().tagResource({ resourceArn: streamArn, tags }), 'INVALID_ARGUMENT')
    // AWS's words, as AddTagsToStream gives them (one rule set for every operation).
    expect(err.message).toMatch(/Some tags contain invalid characters|because some tags contained illegal characters/)
    expect(await tagsOf(streamArn)).toEqual([])
  })

  it('takes Unicode letters, digits, white space and _ . : / = + - @', async () => {
    const { streamArn: arn } = await newStream()
    await client().tagResource({ resourceArn: arn, tags: { 'Équipe café': 'ünïcødé 数据 42', 'a_b.c:d/e=f+g-h@i': 'x y' } })
    expect(await tagsOf(arn)).toEqual([{ key: 'a_b.c:d/e=f+g-h@i', value: 'x y' }, { key: 'Équipe café', value: 'ünïcødé 数据 42' }])
  })

  /** Tags through each of the four operations that take them; the error code, or 'ok'. */
  async function outcomes (tags: Record<string, string>): Promise<Record<string, string>> {
    const codeOf = async (call: Promise<unknown>): Promise<string> => await call.then(() => 'ok', (err: { code?: string }) => err.code ?? 'thrown')
    const { streamName, streamArn: arn } = await newStream()
    return {
      AddTagsToStream: await codeOf(client().addTagsToStream({ streamName, tags })),
      TagResource: await codeOf(client().tagResource({ resourceArn: arn, tags })),
      CreateStream: await codeOf(client().createStream({ streamName: uniqueName('tagged'), shardCount: 1, tags })),
      RegisterStreamConsumer: await codeOf(client().registerStreamConsumer({ streamArn: arn, consumerName: 'tagged', tags }))
    }
  }

  it.each([
    [{ 'a:b': 'c:d' }, 'ok'], [{ 'Équipe café': 'ünïcødé 数据 42' }, 'ok'], [{ 'a_b.c/d=e+f-g@h': 'x y' }, 'ok'],
    [{ 'semi;colon': 'v' }, 'INVALID_ARGUMENT'], [{ key: 'tab\there' }, 'INVALID_ARGUMENT'], [{ '100%': 'v' }, 'INVALID_ARGUMENT'], [{ 'aws:x': 'v' }, 'INVALID_ARGUMENT']
  ])('takes or refuses %j alike in AddTagsToStream, TagResource, CreateStream and RegisterStreamConsumer (one rule set)', async (tags, expected) => {
    expect(await outcomes(tags)).toEqual({ AddTagsToStream: expected, TagResource: expected, CreateStream: expected, RegisterStreamConsumer: expected })
  })

  it('finds no unknown stream or consumer', async () => {
    await expectCode(client().tagResource({ resourceArn: `${streamArn}-absent`, tags: { a: '1' } }), 'STREAM_NOT_FOUND')
    await expectCode(client().listTagsForResource({ resourceArn: `${streamArn}/consumer/absent:1700000000` }), 'CONSUMER_NOT_FOUND')
    await expectValidation(client().untagResource({ resourceArn: 'arn:aws:kinesis:us-east-1:000000000000:table/x', tagKeys: ['a'] }), 'resource_arn', 'Member must satisfy regular expression pattern')
  })
})

describe('resource tags', () => {
  it('tags and untags a stream, sharing its tags with the stream-named operations', async () => {
    const { streamName, streamArn } = await newStream({ created: 'yes' })
    await client().tagResource({ resourceArn: streamArn, tags: { team: 'data', env: 'dev' } })
    // Over an existing key, the new value wins.
    await client().tagResource({ resourceArn: streamArn, tags: { env: 'prod' } })
    const expected = [{ key: 'created', value: 'yes' }, { key: 'env', value: 'prod' }, { key: 'team', value: 'data' }]
    expect(await tagsOf(streamArn)).toEqual(expected)
    expect((await client().listTagsForStream({ streamName })).tags).toEqual(expected)
    await client().untagResource({ resourceArn: streamArn, tagKeys: ['created', 'absent'] })
    await client().addTagsToStream({ streamName, tags: { later: '1' } })
    expect(await tagsOf(streamArn)).toEqual([{ key: 'env', value: 'prod' }, { key: 'later', value: '1' }, { key: 'team', value: 'data' }])
  })

  it('gives consumers tags of their own, from RegisterStreamConsumer on', async () => {
    const { streamArn, consumerArn } = await newConsumer({ owner: 'me' })
    expect(await tagsOf(consumerArn)).toEqual([{ key: 'owner', value: 'me' }])
    await client().tagResource({ resourceArn: consumerArn, tags: { app: 'reader' } })
    await client().untagResource({ resourceArn: consumerArn, tagKeys: ['owner'] })
    expect(await tagsOf(consumerArn)).toEqual([{ key: 'app', value: 'reader' }])
    expect(await tagsOf(streamArn)).toEqual([])
    // Consumers without tags list none.
    const { consumer } = await client().registerStreamConsumer({ streamArn, consumerName: 'plain' })
    expect(await tagsOf(consumer.consumerArn)).toEqual([])
  })

  it('RegisterStreamConsumer checks its tags as TagResource does, registering nothing when they fail', async () => {
    const { streamArn } = await newStream()
    await expectCode(client().registerStreamConsumer({ streamArn, consumerName: 'c', tags: { 'aws:x': '1' } }), 'INVALID_ARGUMENT')
    await expectCode(client().registerStreamConsumer({ streamArn, consumerName: 'c', tags: tagSet('k', 51) }), 'LIMIT_EXCEEDED')
    expect((await client().listStreamConsumers({ streamArn })).consumers).toEqual([])
  })

  it('holds at most 50 tags per resource, with LIMIT_EXCEEDED past that and nothing changed', async () => {
    const { streamArn, consumerArn } = await newConsumer()
    for (const arn of [streamArn, consumerArn]) {
      await client().tagResource({ resourceArn: arn, tags: tagSet('a', 45) })
      const err = await expectCode(client().tagResource({ resourceArn: arn, tags: tagSet('b', 6) }), 'LIMIT_EXCEEDED')
      expect(err.awsType).toBe('LimitExceededException')
      expect(err.message).toMatch(/at most 50 tags, and this would make 51/)
      // Replacing existing keys adds none.
      await client().tagResource({ resourceArn: arn, tags: { ...tagSet('a', 5), ...tagSet('b', 5) } })
      expect(await tagsOf(arn)).toHaveLength(50)
    }
  })

  it('finds a resource by ARN only in the ARN\'s own region', async () => {
    const streamName = uniqueName('eu')
    const eu = new StreamClient({ endpoint: srv.current.endpoint, region: 'eu-west-1' })
    try {
      await eu.createStream({ streamName, shardCount: 1 })
      const euArn = `arn:aws:kinesis:eu-west-1:000000000000:stream/${streamName}`
      await eu.tagResource({ resourceArn: euArn, tags: { region: 'eu' } })
      expect((await eu.listTagsForResource({ resourceArn: euArn })).tags).toEqual([{ key: 'region', value: 'eu' }])
      await expectCode(client().listTagsForResource({ resourceArn: euArn }), 'STREAM_NOT_FOUND')
      await expectCode(client().tagResource({ resourceArn: arnOf(streamName), tags: { a: '1' } }), 'STREAM_NOT_FOUND')
    } finally {
      eu.close()
    }
  })

  it('keeps stream and consumer tags across a restart', async () => {
    const { streamArn, consumerArn } = await newConsumer({ kept: 'c' })
    await client().tagResource({ resourceArn: streamArn, tags: { kept: 's' } })
    await srv.restart()
    expect(await tagsOf(streamArn)).toEqual([{ key: 'kept', value: 's' }])
    expect(await tagsOf(consumerArn)).toEqual([{ key: 'kept', value: 'c' }])
  })
})

describe.each(SDK_TARGETS)('resource tags through the AWS SDK over %s', (target) => {
  let kinesis: KinesisClient
  beforeAll(() => { kinesis = sdkClient(srv.current.server.httpPort, target) })
  afterAll(() => kinesis.destroy())

  it('tags streams and consumers by ARN, and registers a consumer with tags', async () => {
    const { streamName, streamArn } = await newStream()
    await kinesis.send(new TagResourceCommand({ ResourceARN: streamArn, Tags: { b: '2', a: '1' } }))
    expect((await kinesis.send(new ListTagsForResourceCommand({ ResourceARN: streamArn }))).Tags).toEqual([{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }])
    expect((await kinesis.send(new ListTagsForStreamCommand({ StreamName: streamName }))).Tags).toEqual([{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }])
    await kinesis.send(new UntagResourceCommand({ ResourceARN: streamArn, TagKeys: ['a'] }))
    expect((await kinesis.send(new ListTagsForResourceCommand({ ResourceARN: streamArn }))).Tags).toEqual([{ Key: 'b', Value: '2' }])
    const { Consumer } = await kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: streamArn, ConsumerName: 'sdk', Tags: { role: 'reader' } }))
    expect((await kinesis.send(new ListTagsForResourceCommand({ ResourceARN: Consumer!.ConsumerARN }))).Tags).toEqual([{ Key: 'role', Value: 'reader' }])
  })

  it('answers AWS\'s errors by their AWS names', async () => {
    const { streamArn } = await newStream()
    await expectAwsError(kinesis.send(new TagResourceCommand({ ResourceARN: streamArn, Tags: { 'aws:k': 'v' } })), 'InvalidArgumentException')
    await expectAwsError(kinesis.send(new TagResourceCommand({ ResourceARN: streamArn, Tags: tagSet('k', 51) })), 'LimitExceededException')
    await expectAwsError(kinesis.send(new ListTagsForResourceCommand({ ResourceARN: `${streamArn}-absent` })), 'ResourceNotFoundException')
    await expectAwsError(kinesis.send(new UntagResourceCommand({ ResourceARN: streamArn, TagKeys: [] })), 'ValidationException', /at 'tagKeys' failed to satisfy constraint/)
  })

  it('answers Tags of the wrong JSON type with SerializationException', async () => {
    const { streamArn } = await newStream()
    const res = await rawHttp1(srv.current.server.httpPort, { headers: kinesisHeaders('TagResource'), body: JSON.stringify({ ResourceARN: streamArn, Tags: [{ Key: 'a', Value: 'b' }] }) })
    expect(res.status).toBe(400)
    expect(res.json?.__type).toBe('SerializationException')
    expect(await tagsOf(streamArn)).toEqual([])
  })
})
