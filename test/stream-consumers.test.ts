/**
 * RegisterStreamConsumer, DescribeStreamConsumer, ListStreamConsumers and
 * DeregisterStreamConsumer: decoding, validation, the consumer shape and ARN, the per-stream
 * limit, paging, state transitions, and how consumers tie into DescribeStreamSummary and
 * DeleteStream.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StreamConsumer as Consumer, StreamClient } from '../client/index.js'
import { expectValidation, startRestartableServer, waitForGone, waitForStatus, type RestartableServer } from './helpers/control-plane.js'
import { expectRawError, expectSerializationFailed, GARBAGE, message, stringField, tag, varint, varintField, WireType } from './helpers/protowire.js'
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

function arnOf (streamName: string): string {
  return `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`
}

async function newStream (c: StreamClient = client): Promise<{ streamName: string, streamArn: string }> {
  const streamName = uniqueName('efo')
  await c.createStream({ streamName, shardCount: 1 })
  return { streamName, streamArn: arnOf(streamName) }
}

async function newStreamWithShards (shardCount: number): Promise<string> {
  const streamName = uniqueName('efo')
  await client.createStream({ streamName, shardCount })
  return streamName
}

async function register (streamArn: string, consumerName: string, c: StreamClient = client): Promise<Consumer> {
  return (await c.registerStreamConsumer({ streamArn, consumerName })).consumer
}

async function consumerNames (streamArn: string, c: StreamClient = client): Promise<string[]> {
  return (await c.listStreamConsumers({ streamArn })).consumers.map((x) => x.consumerName)
}

async function consumerCount (streamName: string, c: StreamClient = client): Promise<number> {
  return (await c.describeStreamSummary({ streamName })).streamDescriptionSummary.consumerCount
}

/** Polls DescribeStreamConsumer until the consumer has the status (a createStreamMs transition). */
async function waitForConsumer (c: StreamClient, consumerArn: string, status: 'ACTIVE' | 'GONE'): Promise<void> {
  const giveUp = Date.now() + 10_000
  for (;;) {
    const current = await c.describeStreamConsumer({ consumerArn }).then((r) => r.consumerDescription.consumerStatus as string, (err: { code?: string }) => {
      if (err.code === 'CONSUMER_NOT_FOUND') return 'GONE'
      throw err
    })
    if (current === status) return
    if (Date.now() > giveUp) throw new Error(`gave up waiting for ${consumerArn} to become ${status} (is ${current})`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

describe('stream consumer serialization', () => {
  it.each(['RegisterStreamConsumer', 'DescribeStreamConsumer', 'ListStreamConsumers', 'DeregisterStreamConsumer'])('%s rejects bytes that are not protobuf with SERIALIZATION_FAILED', async (rpc) => {
    const result = await rawCall(srv.endpoint, rpc, GARBAGE)
    expectSerializationFailed(result)
    expect(result.details).toContain(rpc)
  })

  it('rejects a consumer_name sent with the varint wire type and registers nothing', async () => {
    const { streamArn } = await newStream()
    const body = message(stringField(1, streamArn), tag(2, WireType.VARINT), varint(3))
    expectSerializationFailed(await rawCall(srv.endpoint, 'RegisterStreamConsumer', body))
    expect(await consumerNames(streamArn)).toEqual([])
  })

  it('rejects a consumer_name whose declared length runs past the end of the request', async () => {
    const { streamArn } = await newStream()
    const name = Buffer.from('reader')
    const body = message(stringField(1, streamArn), tag(2, WireType.LEN), varint(name.byteLength + 10), name)
    expectSerializationFailed(await rawCall(srv.endpoint, 'RegisterStreamConsumer', body))
    expect(await consumerNames(streamArn)).toEqual([])
  })

  it('rejects ListStreamConsumers max_results sent as a length-delimited field', async () => {
    const { streamArn } = await newStream()
    const body = message(stringField(1, streamArn), tag(3, WireType.LEN), Buffer.from([0x01, 0x05]))
    expectSerializationFailed(await rawCall(srv.endpoint, 'ListStreamConsumers', body))
  })

  it('reads an empty RegisterStreamConsumer body as an empty request, which then fails validation', async () => {
    const result = await rawCall(srv.endpoint, 'RegisterStreamConsumer', Buffer.alloc(0))
    expectRawError(result, 'VALIDATION_FAILED', 3, 'ValidationException')
    expect(result.details).toMatch(/^2 validation errors detected: /)
    expect(result.details).toContain("Value null at 'stream_arn' failed to satisfy constraint: Member must not be null")
    expect(result.details).toContain("Value null at 'consumer_name' failed to satisfy constraint: Member must not be null")
  })

  it('reads an empty DescribeStreamConsumer body as a request that names no consumer', async () => {
    const result = await rawCall(srv.endpoint, 'DescribeStreamConsumer', Buffer.alloc(0))
    expectRawError(result, 'VALIDATION_FAILED', 3, 'ValidationException')
  })

  it('reads hand-built requests and ignores unknown fields, as proto3 requires', async () => {
    const { streamArn } = await newStream()
    const registered = await rawCall(srv.endpoint, 'RegisterStreamConsumer', message(stringField(1, streamArn), stringField(2, 'raw'), varintField(99, 7), stringField(100, 'future')))
    expect(registered.code, registered.details).toBe(0)
    const { consumerDescription } = await client.describeStreamConsumer({ streamArn, consumerName: 'raw' })
    expect(consumerDescription.consumerStatus).toBe('ACTIVE')
    const described = await rawCall(srv.endpoint, 'DescribeStreamConsumer', message(stringField(3, consumerDescription.consumerArn), varintField(50, 1)))
    expect(described.code, described.details).toBe(0)
    const listed = await rawCall(srv.endpoint, 'ListStreamConsumers', message(stringField(1, streamArn), varintField(3, 5), stringField(77, 'x')))
    expect(listed.code, listed.details).toBe(0)
    const deregistered = await rawCall(srv.endpoint, 'DeregisterStreamConsumer', message(stringField(1, streamArn), stringField(2, 'raw'), varintField(60, 2)))
    expect(deregistered.code, deregistered.details).toBe(0)
    expect(await consumerNames(streamArn)).toEqual([])
  })
})

describe('stream consumer validation', () => {
  it('requires stream_arn and consumer_name to register', async () => {
    const { streamArn } = await newStream()
    await expectValidation(client.registerStreamConsumer({ streamArn } as never), 'consumer_name', 'Member must not be null')
    await expectValidation(client.registerStreamConsumer({ consumerName: 'c' } as never), 'stream_arn', 'Member must not be null')
    expect(await consumerNames(streamArn)).toEqual([])
  })

  it('rejects an empty consumer name for both its length and its pattern', async () => {
    const { streamArn } = await newStream()
    const msg = await expectValidation(client.registerStreamConsumer({ streamArn, consumerName: '' }), 'consumer_name', 'Member must have length greater than or equal to 1')
    expect(msg).toMatch(/^2 validation errors detected: /)
    expect(msg).toContain("Value '' at 'consumer_name' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
  })

  it('accepts a 128-character consumer name and rejects a 129-character one', async () => {
    const { streamArn } = await newStream()
    const name = 'c'.repeat(128)
    expect((await register(streamArn, name)).consumerName).toBe(name)
    const msg = await expectValidation(client.registerStreamConsumer({ streamArn, consumerName: name + 'x' }), 'consumer_name', 'Member must have length less than or equal to 128')
    expect(msg).toMatch(/^1 validation error detected: /)
    expect(await consumerNames(streamArn)).toEqual([name])
  })

  it.each(['has space', 'slash/name', 'colon:name', 'ünïcode', 'star*'])('rejects the consumer name %j by pattern', async (consumerName) => {
    const { streamArn } = await newStream()
    const msg = await expectValidation(client.registerStreamConsumer({ streamArn, consumerName }), 'consumer_name', 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+')
    expect(msg).toContain(`Value '${consumerName}' at 'consumer_name'`)
    expect(await consumerNames(streamArn)).toEqual([])
  })

  it('accepts every character class the pattern allows', async () => {
    const { streamArn } = await newStream()
    const consumer = await register(streamArn, 'Az09_.-')
    expect(consumer.consumerArn).toContain('/consumer/Az09_.-:')
    expect((await client.describeStreamConsumer({ consumerArn: consumer.consumerArn })).consumerDescription.consumerName).toBe('Az09_.-')
  })

  it('rejects a stream_arn that is not a stream ARN', async () => {
    await expectValidation(client.registerStreamConsumer({ streamArn: 'not-an-arn', consumerName: 'c' }), 'stream_arn', 'Member must satisfy regular expression pattern')
    await expectValidation(client.listStreamConsumers({ streamArn: 'arn:aws:s3:::bucket' }), 'stream_arn', 'Member must satisfy regular expression pattern')
  })

  it('reports every failed constraint in one message', async () => {
    const msg = await expectValidation(client.registerStreamConsumer({ streamArn: 'bad', consumerName: 'x'.repeat(129) }), 'stream_arn', 'Member must satisfy regular expression pattern')
    expect(msg).toMatch(/^2 validation errors detected: /)
    expect(msg).toContain("at 'consumer_name' failed to satisfy constraint: Member must have length less than or equal to 128")
  })

  it('validates before looking the stream up', async () => {
    await expectValidation(client.registerStreamConsumer({ streamArn: arnOf(uniqueName('missing')), consumerName: 'bad name' }), 'consumer_name', 'Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+')
  })

  it.each([
    ['nothing', {}],
    ['only stream_arn', { streamArn: arnOf('s') }],
    ['only consumer_name', { consumerName: 'c' }]
  ])('DescribeStreamConsumer and DeregisterStreamConsumer refuse a request naming %s', async (_, request) => {
    for (const call of [client.describeStreamConsumer(request), client.deregisterStreamConsumer(request)]) {
      const err = await expectCode(call, 'VALIDATION_FAILED')
      expect(err.grpcStatus).toBe(3)
      expect(err.awsType).toBe('ValidationException')
    }
  })

  it.each([
    'arn:aws:kinesis:us-east-1:000000000000:stream/s',
    'arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/c',
    'arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/c:abc',
    'arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/bad name:1',
    'consumer/c:1'
  ])('rejects the consumer_arn %j by pattern', async (consumerArn) => {
    await expectValidation(client.describeStreamConsumer({ consumerArn }), 'consumer_arn', 'Member must satisfy regular expression pattern')
    await expectValidation(client.deregisterStreamConsumer({ consumerArn }), 'consumer_arn', 'Member must satisfy regular expression pattern')
  })

  it('checks the ListStreamConsumers max_results bounds (1..10000)', async () => {
    const { streamArn } = await newStream()
    await register(streamArn, 'only')
    await expectValidation(client.listStreamConsumers({ streamArn, maxResults: 0 }), 'max_results', 'Member must have value greater than or equal to 1')
    await expectValidation(client.listStreamConsumers({ streamArn, maxResults: 10_001 }), 'max_results', 'Member must have value less than or equal to 10000')
    expect((await client.listStreamConsumers({ streamArn, maxResults: 1 })).consumers).toHaveLength(1)
    expect((await client.listStreamConsumers({ streamArn, maxResults: 10_000 })).consumers).toHaveLength(1)
  })

  it('refuses an altered next_token, or one of another stream, with INVALID_NEXT_TOKEN', async () => {
    const a = await newStream()
    const b = await newStream()
    for (const name of ['a', 'b', 'c']) {
      await register(a.streamArn, name)
      await register(b.streamArn, name)
    }
    const { nextToken } = await client.listStreamConsumers({ streamArn: a.streamArn, maxResults: 1 })
    expect(nextToken).toBeDefined()
    const i = Math.floor(nextToken!.length / 2)
    const tampered = nextToken!.slice(0, i) + (nextToken![i] === 'A' ? 'B' : 'A') + nextToken!.slice(i + 1)
    const err = await expectCode(client.listStreamConsumers({ streamArn: a.streamArn, nextToken: tampered }), 'INVALID_NEXT_TOKEN')
    expect(err.awsType).toBe('InvalidArgumentException')
    expect(err.grpcStatus).toBe(3)
    await expectCode(client.listStreamConsumers({ streamArn: a.streamArn, nextToken: 'not-a-token' }), 'INVALID_NEXT_TOKEN')
    await expectCode(client.listStreamConsumers({ streamArn: b.streamArn, nextToken }), 'INVALID_NEXT_TOKEN')
    // A ListShards token is no ListStreamConsumers token.
    const shardsToken = (await client.listShards({ streamName: (await newStreamWithShards(3)), maxResults: 1 })).nextToken
    await expectCode(client.listStreamConsumers({ streamArn: a.streamArn, nextToken: shardsToken }), 'INVALID_NEXT_TOKEN')
    // The untouched token still works on its own stream.
    expect((await client.listStreamConsumers({ streamArn: a.streamArn, nextToken })).consumers.map((c) => c.consumerName)).toEqual(['b', 'c'])
  })

  it('refuses a next_token older than 300 seconds', async () => {
    const { streamArn } = await newStream()
    for (const name of ['a', 'b']) await register(streamArn, name)
    const { nextToken } = await client.listStreamConsumers({ streamArn, maxResults: 1 })
    clock.advance(299_000)
    expect((await client.listStreamConsumers({ streamArn, nextToken })).consumers.map((c) => c.consumerName)).toEqual(['b'])
    clock.advance(2_000)
    const err = await expectCode(client.listStreamConsumers({ streamArn, nextToken }), 'INVALID_NEXT_TOKEN')
    expect(err.message).toContain('300')
  })
})

describe('stream consumer functionality', () => {
  it('registers an ACTIVE consumer whose ARN is the stream ARN, the name and the creation second', async () => {
    clock.advance(1234)
    const { streamName, streamArn } = await newStream()
    const consumer = await register(streamArn, 'reader')
    expect(consumer).toEqual({
      consumerName: 'reader',
      consumerArn: `${streamArn}/consumer/reader:${Math.floor(clock.time / 1000)}`,
      consumerStatus: 'ACTIVE',
      consumerCreationTimestamp: clock.time
    })
    expect(await consumerCount(streamName)).toBe(1)
  })

  it('describes a consumer by ARN or by stream ARN and name, with the stream ARN', async () => {
    const { streamArn } = await newStream()
    const consumer = await register(streamArn, 'reader')
    const expected = { ...consumer, streamArn }
    expect((await client.describeStreamConsumer({ consumerArn: consumer.consumerArn })).consumerDescription).toEqual(expected)
    expect((await client.describeStreamConsumer({ streamArn, consumerName: 'reader' })).consumerDescription).toEqual(expected)
    expect((await client.describeStreamConsumer({ streamArn, consumerName: 'reader', consumerArn: consumer.consumerArn })).consumerDescription).toEqual(expected)
  })

  it('answers CONSUMER_NOT_FOUND for a consumer the stream does not have', async () => {
    const { streamArn } = await newStream()
    const consumer = await register(streamArn, 'reader')
    const err = await expectCode(client.describeStreamConsumer({ streamArn, consumerName: 'other' }), 'CONSUMER_NOT_FOUND')
    expect(err.grpcStatus).toBe(5)
    expect(err.awsType).toBe('ResourceNotFoundException')
    // The ARN names the creation second: the same name with another second is another consumer.
    const stale = consumer.consumerArn.replace(/:(\d+)$/, (_, s: string) => `:${Number(s) - 1}`)
    await expectCode(client.describeStreamConsumer({ consumerArn: stale }), 'CONSUMER_NOT_FOUND')
    await expectCode(client.describeStreamConsumer({ consumerArn: consumer.consumerArn.replace('/consumer/reader:', '/consumer/other:') }), 'CONSUMER_NOT_FOUND')
    await expectCode(client.deregisterStreamConsumer({ streamArn, consumerName: 'other' }), 'CONSUMER_NOT_FOUND')
    expect(await consumerNames(streamArn)).toEqual(['reader'])
  })

  it('answers STREAM_NOT_FOUND for an unknown stream, or a stream ARN of another account or region', async () => {
    const { streamName } = await newStream()
    for (const streamArn of [arnOf(uniqueName('missing')), `arn:aws:kinesis:us-east-1:111111111111:stream/${streamName}`, `arn:aws:kinesis:eu-west-1:000000000000:stream/${streamName}`]) {
      const err = await expectCode(client.registerStreamConsumer({ streamArn, consumerName: 'c' }), 'STREAM_NOT_FOUND')
      expect(err.awsType).toBe('ResourceNotFoundException')
      await expectCode(client.listStreamConsumers({ streamArn }), 'STREAM_NOT_FOUND')
      await expectCode(client.describeStreamConsumer({ streamArn, consumerName: 'c' }), 'STREAM_NOT_FOUND')
    }
    expect(await consumerCount(streamName)).toBe(0)
  })

  it('refuses a second consumer of the same name on a stream (CONSUMER_EXISTS), but not on another stream', async () => {
    const a = await newStream()
    const b = await newStream()
    const first = await register(a.streamArn, 'reader')
    const err = await expectCode(client.registerStreamConsumer({ streamArn: a.streamArn, consumerName: 'reader' }), 'CONSUMER_EXISTS')
    expect(err.awsType).toBe('ResourceInUseException')
    expect(err.grpcStatus).toBe(6)
    expect((await client.describeStreamConsumer({ streamArn: a.streamArn, consumerName: 'reader' })).consumerDescription.consumerArn).toBe(first.consumerArn)
    const other = await register(b.streamArn, 'reader')
    expect(other.consumerArn).toBe(`${b.streamArn}/consumer/reader:${Math.floor(clock.time / 1000)}`)
    expect(await consumerNames(a.streamArn)).toEqual(['reader'])
  })

  it('allows 20 consumers per stream and refuses the 21st with LIMIT_EXCEEDED until one is deregistered', async () => {
    const { streamName, streamArn } = await newStream()
    for (let i = 0; i < 20; i++) await register(streamArn, `c${String(i).padStart(2, '0')}`)
    const err = await expectCode(client.registerStreamConsumer({ streamArn, consumerName: 'c20' }), 'LIMIT_EXCEEDED')
    expect(err.grpcStatus).toBe(8)
    expect(err.awsType).toBe('LimitExceededException')
    expect(await consumerCount(streamName)).toBe(20)
    await client.deregisterStreamConsumer({ streamArn, consumerName: 'c07' })
    await register(streamArn, 'c20')
    expect(await consumerCount(streamName)).toBe(20)
    await expectCode(client.registerStreamConsumer({ streamArn, consumerName: 'c21' }), 'LIMIT_EXCEEDED')
  })

  it('honours a configured maxConsumersPerStream', async () => {
    const small = await startServer({ maxConsumersPerStream: 2 })
    try {
      const { streamArn } = await newStream(small.client)
      await register(streamArn, 'a', small.client)
      await register(streamArn, 'b', small.client)
      await expectCode(small.client.registerStreamConsumer({ streamArn, consumerName: 'c' }), 'LIMIT_EXCEEDED')
      expect(await consumerNames(streamArn, small.client)).toEqual(['a', 'b'])
    } finally {
      await small.close()
    }
  })

  it('lists consumers sorted by name, in pages that together hold each consumer once', async () => {
    const { streamArn } = await newStream()
    const names = ['m', 'b', 'z', 'a', 'k', 'c.1', 'c-1', 'C', '_x', 'c_1']
    for (const name of names) await register(streamArn, name)
    const sorted = [...names].sort()
    const all = await client.listStreamConsumers({ streamArn })
    expect(all.consumers.map((c) => c.consumerName)).toEqual(sorted)
    expect(all.nextToken).toBeUndefined()
    for (const c of all.consumers) {
      expect(c.consumerStatus).toBe('ACTIVE')
      expect(c.consumerArn).toBe(`${streamArn}/consumer/${c.consumerName}:${Math.floor(c.consumerCreationTimestamp / 1000)}`)
      expect(c.streamArn).toBeUndefined()
    }

    const pages: string[][] = []
    let nextToken: string | undefined
    do {
      const page = await client.listStreamConsumers({ streamArn, maxResults: 3, ...(nextToken === undefined ? {} : { nextToken }) })
      pages.push(page.consumers.map((c) => c.consumerName))
      nextToken = page.nextToken
    } while (nextToken !== undefined)
    expect(pages.map((p) => p.length)).toEqual([3, 3, 3, 1])
    expect(pages.flat()).toEqual(sorted)
  })

  it('ends the listing exactly at a full last page', async () => {
    const { streamArn } = await newStream()
    for (const name of ['a', 'b', 'c', 'd']) await register(streamArn, name)
    const first = await client.listStreamConsumers({ streamArn, maxResults: 2 })
    expect(first.consumers.map((c) => c.consumerName)).toEqual(['a', 'b'])
    const second = await client.listStreamConsumers({ streamArn, nextToken: first.nextToken, maxResults: 2 })
    expect(second.consumers.map((c) => c.consumerName)).toEqual(['c', 'd'])
    expect(second.nextToken).toBeUndefined()
  })

  it('keeps paging by name when consumers come and go between pages', async () => {
    const { streamArn } = await newStream()
    for (const name of ['a', 'c', 'e', 'g']) await register(streamArn, name)
    const first = await client.listStreamConsumers({ streamArn, maxResults: 2 })
    await client.deregisterStreamConsumer({ streamArn, consumerName: 'e' })
    await register(streamArn, 'b')
    await register(streamArn, 'f')
    const second = await client.listStreamConsumers({ streamArn, nextToken: first.nextToken })
    expect(second.consumers.map((c) => c.consumerName)).toEqual(['f', 'g'])
  })

  it('lists nothing for a stream without consumers', async () => {
    const { streamArn } = await newStream()
    expect(await client.listStreamConsumers({ streamArn })).toEqual({ consumers: [] })
  })

  it('checks stream_creation_timestamp against the stream', async () => {
    const { streamName, streamArn } = await newStream()
    await register(streamArn, 'a')
    const created = (await client.describeStreamSummary({ streamName })).streamDescriptionSummary.streamCreationTimestamp
    expect((await client.listStreamConsumers({ streamArn, streamCreationTimestamp: created })).consumers).toHaveLength(1)
    await expectCode(client.listStreamConsumers({ streamArn, streamCreationTimestamp: created - 1000 }), 'STREAM_NOT_FOUND')
  })

  it('deregisters by ARN or by stream ARN and name; the consumer is gone at once', async () => {
    const { streamName, streamArn } = await newStream()
    const a = await register(streamArn, 'a')
    await register(streamArn, 'b')
    expect(await consumerCount(streamName)).toBe(2)
    expect(await client.deregisterStreamConsumer({ consumerArn: a.consumerArn })).toEqual({})
    await expectCode(client.describeStreamConsumer({ consumerArn: a.consumerArn }), 'CONSUMER_NOT_FOUND')
    expect(await consumerNames(streamArn)).toEqual(['b'])
    expect(await consumerCount(streamName)).toBe(1)
    expect(await client.deregisterStreamConsumer({ streamArn, consumerName: 'b' })).toEqual({})
    expect(await consumerNames(streamArn)).toEqual([])
    expect(await consumerCount(streamName)).toBe(0)
    await expectCode(client.deregisterStreamConsumer({ consumerArn: a.consumerArn }), 'CONSUMER_NOT_FOUND')
    await expectCode(client.deregisterStreamConsumer({ streamArn, consumerName: 'b' }), 'CONSUMER_NOT_FOUND')
  })

  it('gives a consumer registered again under the same name a new ARN; the old ARN is not found', async () => {
    const { streamArn } = await newStream()
    const old = await register(streamArn, 'again')
    await client.deregisterStreamConsumer({ consumerArn: old.consumerArn })
    clock.advance(5000)
    const renewed = await register(streamArn, 'again')
    expect(renewed.consumerArn).not.toBe(old.consumerArn)
    expect(renewed.consumerCreationTimestamp).toBe(old.consumerCreationTimestamp + 5000)
    await expectCode(client.describeStreamConsumer({ consumerArn: old.consumerArn }), 'CONSUMER_NOT_FOUND')
    await expectCode(client.deregisterStreamConsumer({ consumerArn: old.consumerArn }), 'CONSUMER_NOT_FOUND')
    expect((await client.describeStreamConsumer({ consumerArn: renewed.consumerArn })).consumerDescription.consumerName).toBe('again')
  })

  it('counts consumers in DescribeStreamSummary', async () => {
    const { streamName, streamArn } = await newStream()
    expect(await consumerCount(streamName)).toBe(0)
    for (const name of ['a', 'b', 'c']) await register(streamArn, name)
    expect(await consumerCount(streamName)).toBe(3)
  })

  it('refuses to delete a stream with consumers unless enforce_consumer_deletion is set', async () => {
    const { streamName, streamArn } = await newStream()
    const consumer = await register(streamArn, 'reader')
    const err = await expectCode(client.deleteStream({ streamName }), 'RESOURCE_IN_USE')
    expect(err.awsType).toBe('ResourceInUseException')
    await expectCode(client.deleteStream({ streamName, enforceConsumerDeletion: false }), 'RESOURCE_IN_USE')
    expect(await consumerNames(streamArn)).toEqual(['reader'])

    await client.deleteStream({ streamName, enforceConsumerDeletion: true })
    await expectCode(client.describeStreamSummary({ streamName }), 'STREAM_NOT_FOUND')
    await expectCode(client.describeStreamConsumer({ consumerArn: consumer.consumerArn }), 'CONSUMER_NOT_FOUND')

    // A new stream of the same name starts without consumers.
    await client.createStream({ streamName, shardCount: 1 })
    expect(await consumerNames(streamArn)).toEqual([])
    expect(await consumerCount(streamName)).toBe(0)
    await expectCode(client.describeStreamConsumer({ consumerArn: consumer.consumerArn }), 'CONSUMER_NOT_FOUND')
  })

  it('deletes a stream without consumers whether or not enforce_consumer_deletion is set', async () => {
    const a = await newStream()
    await client.deleteStream({ streamName: a.streamName })
    const b = await newStream()
    await register(b.streamArn, 'gone')
    await client.deregisterStreamConsumer({ streamArn: b.streamArn, consumerName: 'gone' })
    await client.deleteStream({ streamName: b.streamName, enforceConsumerDeletion: true })
    await expectCode(client.describeStreamSummary({ streamName: a.streamName }), 'STREAM_NOT_FOUND')
    await expectCode(client.describeStreamSummary({ streamName: b.streamName }), 'STREAM_NOT_FOUND')
  })
})

describe('stream consumers on disk with createStreamMs', () => {
  let slow: RestartableServer

  beforeAll(async () => {
    slow = await startRestartableServer({ createStreamMs: 300 })
  })

  afterAll(async () => {
    await slow?.close()
  })

  async function activeStream (): Promise<{ streamName: string, streamArn: string }> {
    const streamName = uniqueName('efo-slow')
    await slow.current.client.createStream({ streamName, shardCount: 1 })
    await waitForStatus(slow.current.client, streamName, 'ACTIVE')
    return { streamName, streamArn: arnOf(streamName) }
  }

  it('registers a consumer CREATING, which becomes ACTIVE after the delay', async () => {
    const c = slow.current.client
    const { streamArn } = await activeStream()
    const consumer = await register(streamArn, 'reader', c)
    expect(consumer.consumerStatus).toBe('CREATING')
    expect((await c.describeStreamConsumer({ consumerArn: consumer.consumerArn })).consumerDescription.consumerStatus).toBe('CREATING')
    expect((await c.listStreamConsumers({ streamArn })).consumers.map((x) => x.consumerStatus)).toEqual(['CREATING'])
    await expectCode(c.registerStreamConsumer({ streamArn, consumerName: 'reader' }), 'CONSUMER_EXISTS')
    await waitForConsumer(c, consumer.consumerArn, 'ACTIVE')
    expect((await c.describeStreamConsumer({ streamArn, consumerName: 'reader' })).consumerDescription).toEqual({ ...consumer, consumerStatus: 'ACTIVE', streamArn })
  })

  it('deregisters a consumer DELETING, and it disappears after the delay', async () => {
    const c = slow.current.client
    const { streamName, streamArn } = await activeStream()
    const consumer = await register(streamArn, 'reader', c)
    await waitForConsumer(c, consumer.consumerArn, 'ACTIVE')
    await c.deregisterStreamConsumer({ consumerArn: consumer.consumerArn })
    expect((await c.describeStreamConsumer({ consumerArn: consumer.consumerArn })).consumerDescription.consumerStatus).toBe('DELETING')
    await waitForConsumer(c, consumer.consumerArn, 'GONE')
    expect(await consumerNames(streamArn, c)).toEqual([])
    expect(await consumerCount(streamName, c)).toBe(0)
  })

  it('refuses to register a consumer on a stream that is not ACTIVE (RESOURCE_IN_USE)', async () => {
    const c = slow.current.client
    const streamName = uniqueName('efo-slow')
    await c.createStream({ streamName, shardCount: 1 })
    const err = await expectCode(c.registerStreamConsumer({ streamArn: arnOf(streamName), consumerName: 'early' }), 'RESOURCE_IN_USE')
    expect(err.awsType).toBe('ResourceInUseException')
    await waitForStatus(c, streamName, 'ACTIVE')
    expect((await register(arnOf(streamName), 'early', c)).consumerName).toBe('early')
  })

  it('keeps consumers across a restart, and finishes a CREATING consumer after it', async () => {
    const { streamName, streamArn } = await activeStream()
    const ready = await register(streamArn, 'ready', slow.current.client)
    await waitForConsumer(slow.current.client, ready.consumerArn, 'ACTIVE')
    const pending = await register(streamArn, 'pending', slow.current.client)
    expect(pending.consumerStatus).toBe('CREATING')
    await slow.restart()
    const c = slow.current.client
    expect((await c.describeStreamConsumer({ consumerArn: ready.consumerArn })).consumerDescription).toEqual({ ...ready, consumerStatus: 'ACTIVE', streamArn })
    await waitForConsumer(c, pending.consumerArn, 'ACTIVE')
    expect(await consumerNames(streamArn, c)).toEqual(['pending', 'ready'])
    expect(await consumerCount(streamName, c)).toBe(2)
  })

  it('deletes a stream with consumers when enforced, and the stream and consumers then disappear', async () => {
    const c = slow.current.client
    const { streamName, streamArn } = await activeStream()
    const consumer = await register(streamArn, 'reader', c)
    await waitForConsumer(c, consumer.consumerArn, 'ACTIVE')
    await c.deleteStream({ streamName, enforceConsumerDeletion: true })
    await waitForGone(c, streamName)
    await expectCode(c.describeStreamConsumer({ consumerArn: consumer.consumerArn }), 'CONSUMER_NOT_FOUND')
  })
})
