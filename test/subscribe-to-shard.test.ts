/**
 * SubscribeToShard: decoding and validation, the errors of a subscription, exclusivity per
 * consumer and shard, the starting positions, pushed records, heartbeats, expiry and
 * resubscription, the end of a closed shard, teardown, and the 2 MiB/s per-consumer rate.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as grpc from '@grpc/grpc-js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { isShardlineError, type ShardSubscription, type StartingPosition, type StreamClient, type StreamRecord, type SubscribeToShardEvent } from '../client/index.js'
import { expectValidation, shardId, waitForStatus } from './helpers/control-plane.js'
import { bytesField, expectRawError, expectSerializationFailed, GARBAGE, message, stringField, tag, varint, varintField, WireType, type RawResult } from './helpers/protowire.js'
import { expectCode, startServer, uniqueName, type TestServer } from './helpers/server.js'

const LIFETIME_MS = 1500
const HEARTBEAT_MS = 200
const SHARD0 = shardId(0)
const MID = 1n << 127n

let srv: TestServer
let client: StreamClient

beforeAll(async () => {
  srv = await startServer({ limits: 'off', subscriptionLifetimeMs: LIFETIME_MS, subscriptionHeartbeatMs: HEARTBEAT_MS })
  client = srv.client
})

afterAll(async () => {
  await srv?.close()
})

interface Fixture {
  streamName: string
  streamArn: string
  consumerArn: string
}

async function newConsumer (c: StreamClient = client, shardCount = 1): Promise<Fixture> {
  const streamName = uniqueName('sub')
  const streamArn = `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`
  await c.createStream({ streamName, shardCount })
  const { consumer } = await c.registerStreamConsumer({ streamArn, consumerName: 'reader' })
  return { streamName, streamArn, consumerArn: consumer.consumerArn }
}

async function addConsumer (f: Fixture, consumerName: string, c: StreamClient = client): Promise<string> {
  return (await c.registerStreamConsumer({ streamArn: f.streamArn, consumerName })).consumer.consumerArn
}

function sleep (ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

/**
 * Reads a subscription one event at a time, each read with a time limit, so that a test
 * can look at the stream between events and a missing event fails instead of hanging.
 */
class EventReader {
  readonly iterator: AsyncIterator<SubscribeToShardEvent>

  constructor (readonly subscription: ShardSubscription) {
    this.iterator = subscription[Symbol.asyncIterator]()
  }

  /** The next event, or undefined once the subscription has completed. */
  async next (ms = 5000): Promise<SubscribeToShardEvent | undefined> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no event within ${ms} ms`)), ms)
    })
    try {
      const result = await Promise.race([this.iterator.next(), timeout])
      return result.done === true ? undefined : result.value
    } finally {
      clearTimeout(timer)
    }
  }

  /** Reads events until they hold `count` records; returns the events. */
  async records (count: number, ms = 5000): Promise<SubscribeToShardEvent[]> {
    const events: SubscribeToShardEvent[] = []
    let seen = 0
    while (seen < count) {
      const event = await this.next(ms)
      if (event === undefined) throw new Error(`the subscription ended after ${seen} of ${count} records`)
      events.push(event)
      seen += event.records.length
    }
    return events
  }

  /** Reads until the subscription completes; returns every event. */
  async rest (ms = 5000): Promise<SubscribeToShardEvent[]> {
    const events: SubscribeToShardEvent[] = []
    for (;;) {
      const event = await this.next(ms)
      if (event === undefined) return events
      events.push(event)
    }
  }

  close (): void {
    this.subscription.cancel()
    void this.iterator.return?.()
  }
}

function subscribe (consumerArn: string, startingPosition: StartingPosition, shard = SHARD0, c: StreamClient = client): EventReader {
  return new EventReader(c.subscribeToShard({ consumerArn, shardId: shard, startingPosition }))
}

/** Subscribes and waits for the first event, which the server sends at once. */
async function live (consumerArn: string, startingPosition: StartingPosition, shard = SHARD0, c: StreamClient = client): Promise<{ reader: EventReader, first: SubscribeToShardEvent }> {
  const reader = subscribe(consumerArn, startingPosition, shard, c)
  const first = await reader.next()
  expect(first, 'the first event').toBeDefined()
  return { reader, first: first! }
}

/** The error code a subscription ends with, whether the client throws at once or the stream fails. */
async function subscribeError (consumerArn: string, startingPosition: StartingPosition, shard = SHARD0, c: StreamClient = client): Promise<{ code: string, grpcStatus: number, awsType: string, message: string }> {
  try {
    const reader = subscribe(consumerArn, startingPosition, shard, c)
    const events = await reader.rest()
    throw new Error(`expected the subscription to fail, but it completed with ${events.length} events`)
  } catch (err) {
    if (!isShardlineError(err)) throw err
    return err
  }
}

/** Resubscribes until the (consumer, shard) pair is free again after the previous subscription left. */
async function liveWhenFree (consumerArn: string, startingPosition: StartingPosition, shard = SHARD0, c: StreamClient = client): Promise<{ reader: EventReader, first: SubscribeToShardEvent }> {
  const giveUp = Date.now() + 5000
  for (;;) {
    try {
      return await live(consumerArn, startingPosition, shard, c)
    } catch (err) {
      if (!isShardlineError(err) || err.code !== 'RESOURCE_IN_USE' || Date.now() > giveUp) throw err
      await sleep(20)
    }
  }
}

function recordsOf (events: SubscribeToShardEvent[]): StreamRecord[] {
  return events.flatMap((e) => e.records)
}

function seqs (events: SubscribeToShardEvent[]): string[] {
  return recordsOf(events).map((r) => r.sequenceNumber)
}

async function put (streamName: string, data: string, c: StreamClient = client): Promise<string> {
  return (await c.putRecord({ streamName, partitionKey: 'k', data, explicitHashKey: '0' })).sequenceNumber
}

/** SubscribeToShard with hand-built bytes; cancels after the first event. */
function rawSubscribe (endpoint: string, body: Buffer): Promise<RawResult & { messages: number }> {
  const raw = new grpc.Client(endpoint, grpc.credentials.createInsecure())
  return new Promise((resolve) => {
    let messages = 0
    const call = raw.makeServerStreamRequest('/shardline.v1.StreamService/SubscribeToShard', (b: Buffer) => b, (b: Buffer) => b, body)
    call.on('data', () => {
      messages += 1
      call.cancel()
    })
    call.on('error', () => {})
    call.on('status', (status: grpc.StatusObject) => {
      raw.close()
      const metadata: Record<string, string> = {}
      for (const [k, v] of Object.entries(status.metadata.getMap())) metadata[k] = String(v)
      resolve({ code: status.code, details: status.details, metadata, messages })
    })
  })
}

function position (type: number, ...rest: Buffer[]): Buffer {
  return bytesField(3, message(varintField(1, type), ...rest))
}

describe('SubscribeToShard serialization', () => {
  it('rejects bytes that are not protobuf with SERIALIZATION_FAILED', async () => {
    const result = await rawSubscribe(srv.endpoint, GARBAGE)
    expectSerializationFailed(result)
    expect(result.details).toContain('SubscribeToShard')
    expect(result.messages).toBe(0)
  })

  it('rejects starting_position sent with the varint wire type', async () => {
    const f = await newConsumer()
    const result = await rawSubscribe(srv.endpoint, message(stringField(1, f.consumerArn), stringField(2, SHARD0), tag(3, WireType.VARINT), varint(3)))
    expectSerializationFailed(result)
    expect(result.messages).toBe(0)
  })

  it('rejects a starting_position whose declared length runs past the end of the request', async () => {
    const f = await newConsumer()
    const result = await rawSubscribe(srv.endpoint, message(stringField(1, f.consumerArn), stringField(2, SHARD0), tag(3, WireType.LEN), varint(30), varintField(1, 3)))
    expectSerializationFailed(result)
  })

  it('reads an empty body as an empty request, which then fails validation', async () => {
    const result = await rawSubscribe(srv.endpoint, Buffer.alloc(0))
    expectRawError(result, 'VALIDATION_FAILED', 3, 'ValidationException')
    expect(result.details).toMatch(/^3 validation errors detected: /)
    for (const field of ['consumer_arn', 'shard_id', 'starting_position']) {
      expect(result.details).toContain(`Value null at '${field}' failed to satisfy constraint: Member must not be null`)
    }
  })

  it('rejects a starting position type number outside the enum', async () => {
    const f = await newConsumer()
    const result = await rawSubscribe(srv.endpoint, message(stringField(1, f.consumerArn), stringField(2, SHARD0), position(9)))
    expectRawError(result, 'VALIDATION_FAILED', 3, 'ValidationException')
    expect(result.details).toContain("at 'starting_position.type' failed to satisfy constraint: Member must satisfy enum value set: [AFTER_SEQUENCE_NUMBER, LATEST, AT_TIMESTAMP, AT_SEQUENCE_NUMBER, TRIM_HORIZON]")
  })

  it('reads a hand-built request, ignoring unknown fields, and streams events', async () => {
    const f = await newConsumer()
    await put(f.streamName, 'raw')
    const result = await rawSubscribe(srv.endpoint, message(stringField(1, f.consumerArn), stringField(2, SHARD0), position(3, varintField(40, 1)), stringField(99, 'future')))
    expect(result.messages).toBe(1)
    expect(result.code).toBe(grpc.status.CANCELLED)
  })
})

describe('SubscribeToShard validation', () => {
  it.each([
    'arn:aws:kinesis:us-east-1:000000000000:stream/s',
    'arn:aws:kinesis:us-east-1:000000000000:stream/s/consumer/c',
    'not-an-arn'
  ])('rejects the consumer_arn %j by pattern', async (consumerArn) => {
    const err = await subscribeError(consumerArn, { type: 'LATEST' })
    expect(err.code).toBe('VALIDATION_FAILED')
    expect(err.grpcStatus).toBe(3)
    expect(err.awsType).toBe('ValidationException')
    expect(err.message).toContain(`Value '${consumerArn}' at 'consumer_arn' failed to satisfy constraint: Member must satisfy regular expression pattern`)
  })

  it('rejects a shard id by pattern', async () => {
    const f = await newConsumer()
    const err = await subscribeError(f.consumerArn, { type: 'LATEST' }, 'shard 0')
    expect(err.code).toBe('VALIDATION_FAILED')
    expect(err.message).toContain("at 'shard_id' failed to satisfy constraint: Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+")
  })

  it('requires a starting position', async () => {
    const f = await newConsumer()
    await expectValidation(subscribe(f.consumerArn, undefined as never).rest(), 'starting_position', 'Member must not be null')
  })

  it('rejects an unspecified starting position type', async () => {
    const f = await newConsumer()
    const err = await subscribeError(f.consumerArn, { type: 'TYPE_UNSPECIFIED' as never })
    expect(err.code).toBe('VALIDATION_FAILED')
    expect(err.grpcStatus).toBe(3)
    expect(err.message).toContain("at 'starting_position.type' failed to satisfy constraint: Member must satisfy enum value set")
  })

  it('rejects a starting position type the protocol does not know, as a request error', async () => {
    const f = await newConsumer()
    const err = await subscribeError(f.consumerArn, { type: 'AT_END' as never })
    expect(['VALIDATION_FAILED', 'SERIALIZATION_FAILED']).toContain(err.code)
    expect(err.grpcStatus).toBe(3)
  })

  it.each(['AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER'] as const)('requires a sequence number for %s (INVALID_ARGUMENT)', async (type) => {
    const f = await newConsumer()
    const err = await subscribeError(f.consumerArn, { type })
    expect(err.code).toBe('INVALID_ARGUMENT')
    expect(err.grpcStatus).toBe(3)
    expect(err.awsType).toBe('InvalidArgumentException')
  })

  it('requires a timestamp for AT_TIMESTAMP (INVALID_ARGUMENT)', async () => {
    const f = await newConsumer()
    const err = await subscribeError(f.consumerArn, { type: 'AT_TIMESTAMP' })
    expect(err.code).toBe('INVALID_ARGUMENT')
    expect(err.awsType).toBe('InvalidArgumentException')
  })

  it.each(['abc', '-1', '01', '1.5'])('rejects the sequence number %j by pattern', async (sequenceNumber) => {
    const f = await newConsumer()
    const err = await subscribeError(f.consumerArn, { type: 'AT_SEQUENCE_NUMBER', sequenceNumber })
    expect(err.code).toBe('VALIDATION_FAILED')
    expect(err.message).toContain("at 'starting_position.sequence_number'")
  })

  it('rejects a sequence number of another shard (INVALID_SEQUENCE_NUMBER)', async () => {
    const f = await newConsumer(client, 2)
    const other = (await client.putRecord({ streamName: f.streamName, partitionKey: 'k', data: 'x', explicitHashKey: MID.toString() }))
    expect(other.shardId).toBe(shardId(1))
    const err = await subscribeError(f.consumerArn, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: other.sequenceNumber })
    expect(err.code).toBe('INVALID_SEQUENCE_NUMBER')
    expect(err.grpcStatus).toBe(3)
  })

  it('validates before looking the consumer up', async () => {
    const err = await subscribeError('arn:aws:kinesis:us-east-1:000000000000:stream/none/consumer/none:1', { type: 'LATEST' }, 'bad shard')
    expect(err.code).toBe('VALIDATION_FAILED')
  })
})

describe('SubscribeToShard errors', () => {
  it('answers CONSUMER_NOT_FOUND for a consumer that is not registered', async () => {
    const f = await newConsumer()
    for (const consumerArn of [f.consumerArn.replace('/consumer/reader:', '/consumer/nobody:'), `arn:aws:kinesis:us-east-1:000000000000:stream/${uniqueName('none')}/consumer/reader:1`]) {
      const err = await subscribeError(consumerArn, { type: 'LATEST' })
      expect(err.code).toBe('CONSUMER_NOT_FOUND')
      expect(err.grpcStatus).toBe(5)
      expect(err.awsType).toBe('ResourceNotFoundException')
    }
  })

  it('answers SHARD_NOT_FOUND for a shard the stream does not have', async () => {
    const f = await newConsumer()
    const err = await subscribeError(f.consumerArn, { type: 'LATEST' }, shardId(1))
    expect(err.code).toBe('SHARD_NOT_FOUND')
    expect(err.grpcStatus).toBe(5)
    expect(err.awsType).toBe('ResourceNotFoundException')
  })

  it('refuses a second live subscription of the same consumer to the same shard (RESOURCE_IN_USE)', async () => {
    const f = await newConsumer()
    const { reader } = await live(f.consumerArn, { type: 'LATEST' })
    const err = await subscribeError(f.consumerArn, { type: 'TRIM_HORIZON' })
    expect(err.code).toBe('RESOURCE_IN_USE')
    expect(err.grpcStatus).toBe(9)
    expect(err.awsType).toBe('ResourceInUseException')
    // The same shard under a shorter spelling of its id is the same shard.
    expect((await subscribeError(f.consumerArn, { type: 'LATEST' }, 'shardId-0')).code).toBe('RESOURCE_IN_USE')
    // The first subscription is unharmed.
    const seq = await put(f.streamName, 'still here')
    expect(seqs(await reader.records(1))).toEqual([seq])
    reader.close()
  })

  it('lets other consumers, and other shards of the same consumer, subscribe meanwhile', async () => {
    const f = await newConsumer(client, 2)
    const other = await addConsumer(f, 'other')
    const subs = [
      await live(f.consumerArn, { type: 'LATEST' }, shardId(0)),
      await live(f.consumerArn, { type: 'LATEST' }, shardId(1)),
      await live(other, { type: 'LATEST' }, shardId(0))
    ]
    const seq = await put(f.streamName, 'to shard 0')
    expect(seqs(await subs[0]!.reader.records(1))).toEqual([seq])
    expect(seqs(await subs[2]!.reader.records(1))).toEqual([seq])
    for (const s of subs) s.reader.close()
  })

  it('frees the shard for the consumer once the subscription is cancelled', async () => {
    const f = await newConsumer()
    const first = await live(f.consumerArn, { type: 'LATEST' })
    first.reader.close()
    const { reader } = await liveWhenFree(f.consumerArn, { type: 'LATEST' })
    const seq = await put(f.streamName, 'again')
    expect(seqs(await reader.records(1))).toEqual([seq])
    reader.close()
  })

  it('frees the shard for the consumer when the client breaks out of the loop', async () => {
    const f = await newConsumer()
    const subscription = client.subscribeToShard({ consumerArn: f.consumerArn, shardId: SHARD0, startingPosition: { type: 'LATEST' } })
    let events = 0
    for await (const event of subscription) {
      expect(event.records).toEqual([])
      events += 1
      if (events === 1) break
    }
    expect(events).toBe(1)
    const { reader } = await liveWhenFree(f.consumerArn, { type: 'LATEST' })
    reader.close()
  })

  describe('with createStreamMs', () => {
    let slow: TestServer

    beforeAll(async () => {
      slow = await startServer({ createStreamMs: 300, limits: 'off', subscriptionLifetimeMs: LIFETIME_MS, subscriptionHeartbeatMs: HEARTBEAT_MS })
    })

    afterAll(async () => {
      await slow?.close()
    })

    it('refuses a consumer that is not ACTIVE yet, or any more (RESOURCE_IN_USE)', async () => {
      const c = slow.client
      const streamName = uniqueName('sub-slow')
      const streamArn = `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`
      await c.createStream({ streamName, shardCount: 1 })
      await waitForStatus(c, streamName, 'ACTIVE')
      const { consumer } = await c.registerStreamConsumer({ streamArn, consumerName: 'early' })
      expect(consumer.consumerStatus).toBe('CREATING')
      const creating = await subscribeError(consumer.consumerArn, { type: 'LATEST' }, SHARD0, c)
      expect(creating.code).toBe('RESOURCE_IN_USE')
      expect(creating.awsType).toBe('ResourceInUseException')

      const giveUp = Date.now() + 5000
      while ((await c.describeStreamConsumer({ consumerArn: consumer.consumerArn })).consumerDescription.consumerStatus !== 'ACTIVE') {
        if (Date.now() > giveUp) throw new Error('consumer never became ACTIVE')
        await sleep(20)
      }
      const { reader } = await live(consumer.consumerArn, { type: 'LATEST' }, SHARD0, c)
      const seq = await put(streamName, 'active now', c)
      expect(seqs(await reader.records(1))).toEqual([seq])

      // Deregistering ends the live subscription; the DELETING consumer cannot subscribe again.
      await c.deregisterStreamConsumer({ consumerArn: consumer.consumerArn })
      await expectCode(reader.rest(), 'CONSUMER_NOT_FOUND')
      const deleting = await subscribeError(consumer.consumerArn, { type: 'LATEST' }, SHARD0, c)
      expect(deleting.code).toBe('RESOURCE_IN_USE')
    })
  })
})

describe('SubscribeToShard starting positions and delivery', () => {
  it('delivers the records already in the shard from TRIM_HORIZON, in order, with every field', async () => {
    const f = await newConsumer()
    const sent = []
    for (let i = 0; i < 5; i++) sent.push(await client.putRecord({ streamName: f.streamName, partitionKey: `pk-${i}`, data: `record-${i}`, explicitHashKey: '0' }))
    const stored = (await client.getRecords({ shardIterator: (await client.getShardIterator({ streamName: f.streamName, shardId: SHARD0, shardIteratorType: 'TRIM_HORIZON' })).shardIterator })).records
    const reader = subscribe(f.consumerArn, { type: 'TRIM_HORIZON' })
    const events = await reader.records(5)
    const records = recordsOf(events)
    expect(records.map((r) => r.sequenceNumber)).toEqual(sent.map((s) => s.sequenceNumber))
    expect(records.map((r) => r.data.toString())).toEqual(['record-0', 'record-1', 'record-2', 'record-3', 'record-4'])
    expect(records.map((r) => r.partitionKey)).toEqual(['pk-0', 'pk-1', 'pk-2', 'pk-3', 'pk-4'])
    expect(records).toEqual(stored)
    const last = events[events.length - 1]!
    expect(last.continuationSequenceNumber).toBe(sent[4]!.sequenceNumber)
    expect(last.millisBehindLatest).toBe(0)
    expect(last.childShards).toEqual([])
    reader.close()
  })

  it('sends a first event without records when there are none', async () => {
    const f = await newConsumer()
    const reader = subscribe(f.consumerArn, { type: 'LATEST' })
    const first = await reader.next()
    expect(first).toMatchObject({ records: [], millisBehindLatest: 0, childShards: [] })
    expect(first!.continuationSequenceNumber).toMatch(/^\d{56}$/)
    reader.close()
  })

  it('pushes records as they are put, each once and in order', async () => {
    const f = await newConsumer()
    const { reader } = await live(f.consumerArn, { type: 'LATEST' })
    const sent: string[] = []
    for (let i = 0; i < 10; i++) sent.push(await put(f.streamName, `live-${i}`))
    const { records } = await client.putRecords({ streamName: f.streamName, records: Array.from({ length: 20 }, (_, i) => ({ partitionKey: 'k', data: `batch-${i}`, explicitHashKey: '0' })) })
    sent.push(...records.map((r) => r.sequenceNumber!))
    const events = await reader.records(30)
    expect(seqs(events)).toEqual(sent)
    reader.close()
  })

  it('starts after the existing records with LATEST', async () => {
    const f = await newConsumer()
    await put(f.streamName, 'old-1')
    await put(f.streamName, 'old-2')
    const { reader, first } = await live(f.consumerArn, { type: 'LATEST' })
    expect(first.records).toEqual([])
    const seq = await put(f.streamName, 'new')
    const events = await reader.records(1)
    expect(recordsOf(events).map((r) => r.data.toString())).toEqual(['new'])
    expect(seqs(events)).toEqual([seq])
    reader.close()
  })

  it('starts at or after a sequence number', async () => {
    const f = await newConsumer()
    const sent: string[] = []
    for (let i = 0; i < 4; i++) sent.push(await put(f.streamName, `r${i}`))
    const at = subscribe(f.consumerArn, { type: 'AT_SEQUENCE_NUMBER', sequenceNumber: sent[1] })
    expect(seqs(await at.records(3))).toEqual(sent.slice(1))
    at.close()
    const after = await liveWhenFree(f.consumerArn, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: sent[1] })
    const events = [after.first, ...(after.first.records.length >= 2 ? [] : await after.reader.records(2 - after.first.records.length))]
    expect(seqs(events)).toEqual(sent.slice(2))
    after.reader.close()
  })

  it('starts at a timestamp', async () => {
    const f = await newConsumer()
    await put(f.streamName, 'before')
    await sleep(30)
    const later = [await put(f.streamName, 'after-1'), await put(f.streamName, 'after-2')]
    const iterator = (await client.getShardIterator({ streamName: f.streamName, shardId: SHARD0, shardIteratorType: 'AT_SEQUENCE_NUMBER', startingSequenceNumber: later[0] })).shardIterator
    const timestamp = (await client.getRecords({ shardIterator: iterator, limit: 1 })).records[0]!.approximateArrivalTimestamp
    const reader = subscribe(f.consumerArn, { type: 'AT_TIMESTAMP', timestamp })
    expect(seqs(await reader.records(2))).toEqual(later)
    reader.close()
  })

  it('delivers only the records of its shard', async () => {
    const f = await newConsumer(client, 2)
    const zero = await live(f.consumerArn, { type: 'LATEST' }, shardId(0))
    const one = await live(f.consumerArn, { type: 'LATEST' }, shardId(1))
    const keys = ['0', MID.toString(), '1', (MID + 1n).toString(), '2']
    const { records } = await client.putRecords({ streamName: f.streamName, records: keys.map((k, i) => ({ partitionKey: 'k', data: `r${i}`, explicitHashKey: k })) })
    const expected = (shard: string): string[] => records.filter((r) => r.shardId === shard).map((r) => r.sequenceNumber!)
    expect(seqs(await zero.reader.records(3))).toEqual(expected(shardId(0)))
    expect(seqs(await one.reader.records(2))).toEqual(expected(shardId(1)))
    zero.reader.close()
    one.reader.close()
  })

  it('reports millisBehindLatest while it is behind, and 0 once it has caught up', async () => {
    const f = await newConsumer()
    // 3 MiB is more than one event carries, so the first event is behind the latest record.
    const data = Buffer.alloc(256 * 1024, 3)
    await client.putRecords({ streamName: f.streamName, records: Array.from({ length: 12 }, () => ({ partitionKey: 'k', data, explicitHashKey: '0' })) })
    await sleep(100)
    const reader = subscribe(f.consumerArn, { type: 'TRIM_HORIZON' })
    const events = await reader.records(12)
    expect(events.length).toBeGreaterThan(1)
    expect(events[0]!.millisBehindLatest).toBeGreaterThanOrEqual(50)
    expect(events[events.length - 1]!.millisBehindLatest).toBe(0)
    reader.close()
  })

  it('ends iteration quietly when the client cancels while waiting for an event', async () => {
    const f = await newConsumer()
    const { reader } = await live(f.consumerArn, { type: 'LATEST' })
    const pending = reader.next()
    await sleep(50)
    reader.subscription.cancel()
    expect(await pending).toBeUndefined()
  })

  it('cancels a subscription that was never iterated without an error escaping', async () => {
    const f = await newConsumer()
    const escaped: unknown[] = []
    const onError = (err: unknown): void => { escaped.push(err) }
    process.on('uncaughtException', onError)
    try {
      const subscription = client.subscribeToShard({ consumerArn: f.consumerArn, shardId: SHARD0, startingPosition: { type: 'LATEST' } })
      await sleep(200)
      subscription.cancel()
      await sleep(200)
    } finally {
      process.off('uncaughtException', onError)
    }
    expect(escaped.map(String)).toEqual([])
    const { reader } = await liveWhenFree(f.consumerArn, { type: 'LATEST' })
    reader.close()
  })
})

describe('SubscribeToShard pushes without waiting for a heartbeat', () => {
  // A 10 s heartbeat: anything that arrives well before it was pushed, not polled.
  let lazy: TestServer

  beforeAll(async () => {
    lazy = await startServer({ limits: 'off', subscriptionLifetimeMs: 30_000, subscriptionHeartbeatMs: 10_000 })
  })

  afterAll(async () => {
    await lazy?.close()
  })

  it('sends the first event at once, and a record as soon as it is put', async () => {
    const f = await newConsumer(lazy.client)
    const reader = subscribe(f.consumerArn, { type: 'LATEST' }, SHARD0, lazy.client)
    const first = await reader.next(2000)
    expect(first?.records).toEqual([])
    for (let i = 0; i < 3; i++) {
      const seq = await put(f.streamName, `pushed-${i}`, lazy.client)
      expect(seqs(await reader.records(1, 2000))).toEqual([seq])
    }
    reader.close()
  })

  it('sends the final event at once when the shard it waits on is split', async () => {
    const f = await newConsumer(lazy.client)
    const { reader } = await live(f.consumerArn, { type: 'LATEST' }, SHARD0, lazy.client)
    await lazy.client.splitShard({ streamName: f.streamName, shardToSplit: SHARD0, newStartingHashKey: MID.toString() })
    const events = await reader.rest(2000)
    expect(events[events.length - 1]!.childShards.map((c) => c.shardId)).toEqual([shardId(1), shardId(2)])
  })
})

describe('SubscribeToShard heartbeat and lifetime', () => {
  it('sends an empty event with the current continuation every heartbeat while there is nothing to send', async () => {
    const f = await newConsumer()
    const seq = await put(f.streamName, 'only')
    const reader = subscribe(f.consumerArn, { type: 'TRIM_HORIZON' })
    const started = Date.now()
    const events = await reader.rest(HEARTBEAT_MS * 5)
    const elapsed = Date.now() - started
    expect(seqs(events)).toEqual([seq])
    const heartbeats = events.slice(1)
    // 1.5 s of lifetime at one heartbeat per 200 ms: about 7, and not a flood.
    expect(heartbeats.length).toBeGreaterThanOrEqual(Math.floor(elapsed / HEARTBEAT_MS) - 3)
    expect(heartbeats.length).toBeLessThanOrEqual(Math.ceil(elapsed / HEARTBEAT_MS) + 1)
    for (const h of heartbeats) {
      expect(h.records).toEqual([])
      expect(h.continuationSequenceNumber).toBe(seq)
      expect(h.millisBehindLatest).toBe(0)
    }
  })

  it('ends normally, without an error, when its lifetime is over', async () => {
    const f = await newConsumer()
    const started = Date.now()
    const reader = subscribe(f.consumerArn, { type: 'LATEST' })
    const events = await reader.rest()
    const elapsed = Date.now() - started
    expect(events.length).toBeGreaterThan(0)
    expect(elapsed).toBeGreaterThanOrEqual(LIFETIME_MS - 100)
    expect(elapsed).toBeLessThan(LIFETIME_MS + 3000)
    // The shard is free again at once.
    const { reader: again } = await live(f.consumerArn, { type: 'LATEST' })
    again.close()
  })

  it('misses and repeats nothing when resubscribing from the continuation after each expiry while records keep coming', async () => {
    const f = await newConsumer()
    const written: string[] = []
    const writing = new AbortController()
    const writer = (async () => {
      let i = 0
      while (!writing.signal.aborted) {
        written.push(await put(f.streamName, `w${i++}`))
        await sleep(5)
      }
    })()
    const received: string[] = []
    let startingPosition: StartingPosition = { type: 'TRIM_HORIZON' }
    let subscriptions = 0
    const until = Date.now() + LIFETIME_MS * 2 + 300
    try {
      while (Date.now() < until) {
        subscriptions += 1
        const reader = subscribe(f.consumerArn, startingPosition)
        for (const event of await reader.rest()) {
          received.push(...event.records.map((r) => r.sequenceNumber))
          startingPosition = { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: event.continuationSequenceNumber }
        }
      }
    } finally {
      writing.abort()
      await writer
    }
    // Whatever came after the last subscription ended is read by one more.
    const tail = written.length - received.length
    if (tail > 0) {
      const reader = subscribe(f.consumerArn, startingPosition)
      received.push(...seqs(await reader.records(tail)))
      reader.close()
    }
    expect(subscriptions).toBeGreaterThanOrEqual(3)
    expect(written.length).toBeGreaterThan(100)
    expect(received).toEqual(written)
  })

  it('resumes from the continuation of an empty shard without missing its first record', async () => {
    const f = await newConsumer()
    const { reader, first } = await live(f.consumerArn, { type: 'TRIM_HORIZON' })
    reader.close()
    const seq = await put(f.streamName, 'first ever')
    const again = subscribe(f.consumerArn, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: first.continuationSequenceNumber })
    expect(seqs(await again.records(1).catch(async (err: unknown) => {
      if (!isShardlineError(err) || err.code !== 'RESOURCE_IN_USE') throw err
      return (await liveWhenFree(f.consumerArn, { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: first.continuationSequenceNumber })).reader.records(1)
    }))).toEqual([seq])
    again.close()
  })
})

describe('SubscribeToShard at the end of a closed shard', () => {
  it('delivers the parent records, then an event with the child shards, then completes', async () => {
    const f = await newConsumer()
    const sent = [await put(f.streamName, 'a'), await put(f.streamName, 'b')]
    await client.splitShard({ streamName: f.streamName, shardToSplit: SHARD0, newStartingHashKey: MID.toString() })
    await put(f.streamName, 'to a child')
    const reader = subscribe(f.consumerArn, { type: 'TRIM_HORIZON' })
    const events = await reader.rest()
    expect(seqs(events)).toEqual(sent)
    const last = events[events.length - 1]!
    expect(last.childShards).toEqual([
      { shardId: shardId(1), parentShards: [SHARD0], hashKeyRange: { startingHashKey: '0', endingHashKey: (MID - 1n).toString() } },
      { shardId: shardId(2), parentShards: [SHARD0], hashKeyRange: { startingHashKey: MID.toString(), endingHashKey: ((1n << 128n) - 1n).toString() } }
    ])
    for (const e of events.slice(0, -1)) expect(e.childShards).toEqual([])
  })

  it('ends a subscription that is waiting at the end of the parent when the split happens', async () => {
    const f = await newConsumer()
    const seq = await put(f.streamName, 'before')
    const reader = subscribe(f.consumerArn, { type: 'TRIM_HORIZON' })
    expect(seqs(await reader.records(1))).toEqual([seq])
    await client.splitShard({ streamName: f.streamName, shardToSplit: SHARD0, newStartingHashKey: MID.toString() })
    const started = Date.now()
    const events = await reader.rest(HEARTBEAT_MS * 5)
    expect(Date.now() - started).toBeLessThan(LIFETIME_MS)
    expect(events[events.length - 1]!.childShards.map((c) => c.shardId)).toEqual([shardId(1), shardId(2)])
    expect(recordsOf(events)).toEqual([])
  })

  it('ends both parents of a merge with the merged child', async () => {
    const f = await newConsumer(client, 2)
    const lower = await live(f.consumerArn, { type: 'LATEST' }, shardId(0))
    const upper = await live(f.consumerArn, { type: 'LATEST' }, shardId(1))
    await client.mergeShards({ streamName: f.streamName, shardToMerge: shardId(0), adjacentShardToMerge: shardId(1) })
    for (const { reader } of [lower, upper]) {
      const events = await reader.rest()
      const children = events[events.length - 1]!.childShards
      expect(children.map((c) => c.shardId)).toEqual([shardId(2)])
      expect([...children[0]!.parentShards].sort()).toEqual([shardId(0), shardId(1)])
    }
  })

  it('answers a subscription to a closed shard at LATEST with the final event at once', async () => {
    const f = await newConsumer()
    await put(f.streamName, 'old')
    await client.splitShard({ streamName: f.streamName, shardToSplit: SHARD0, newStartingHashKey: MID.toString() })
    const events = await subscribe(f.consumerArn, { type: 'LATEST' }).rest()
    expect(recordsOf(events)).toEqual([])
    expect(events[events.length - 1]!.childShards).toHaveLength(2)
  })
})

describe('SubscribeToShard teardown', () => {
  it('ends live subscriptions with CONSUMER_NOT_FOUND when their consumer is deregistered, and only theirs', async () => {
    const f = await newConsumer(client, 2)
    const other = await addConsumer(f, 'other')
    const gone = [await live(f.consumerArn, { type: 'LATEST' }, shardId(0)), await live(f.consumerArn, { type: 'LATEST' }, shardId(1))]
    const stays = await live(other, { type: 'LATEST' })
    await client.deregisterStreamConsumer({ consumerArn: f.consumerArn })
    for (const { reader } of gone) {
      const err = await expectCode(reader.rest(), 'CONSUMER_NOT_FOUND')
      expect(err.grpcStatus).toBe(5)
      expect(err.awsType).toBe('ResourceNotFoundException')
    }
    const seq = await put(f.streamName, 'still flowing')
    expect(seqs(await stays.reader.records(1))).toEqual([seq])
    stays.reader.close()
    expect((await subscribeError(f.consumerArn, { type: 'LATEST' })).code).toBe('CONSUMER_NOT_FOUND')
  })

  it('ends live subscriptions with STREAM_NOT_FOUND when the stream is deleted', async () => {
    const f = await newConsumer()
    const other = await addConsumer(f, 'other')
    const subs = [await live(f.consumerArn, { type: 'LATEST' }), await live(other, { type: 'LATEST' })]
    await client.deleteStream({ streamName: f.streamName, enforceConsumerDeletion: true })
    for (const { reader } of subs) {
      const err = await expectCode(reader.rest(), 'STREAM_NOT_FOUND')
      expect(err.awsType).toBe('ResourceNotFoundException')
    }
  })

  it('keeps subscriptions when DeleteStream is refused for want of enforce_consumer_deletion', async () => {
    const f = await newConsumer()
    const { reader } = await live(f.consumerArn, { type: 'LATEST' })
    await expectCode(client.deleteStream({ streamName: f.streamName }), 'RESOURCE_IN_USE')
    const seq = await put(f.streamName, 'not deleted')
    expect(seqs(await reader.records(1))).toEqual([seq])
    reader.close()
  })

  it('ends live subscriptions with SHUTTING_DOWN (UNAVAILABLE) when the server closes, without waiting for their lifetime', async () => {
    const own = await startServer({ limits: 'off', subscriptionLifetimeMs: 60_000 })
    try {
      const f = await newConsumer(own.client)
      const { reader } = await live(f.consumerArn, { type: 'LATEST' }, SHARD0, own.client)
      const started = Date.now()
      const closing = own.server.close()
      const err = await expectCode(reader.rest(), 'SHUTTING_DOWN').catch(async (e: unknown) => {
        // A transport that drops the connection first reports UNAVAILABLE instead.
        if (isShardlineError(e) && e.code === 'UNAVAILABLE') return e
        throw e
      })
      expect(err.grpcStatus).toBe(14)
      expect(err.retriable).toBe(true)
      await closing
      expect(Date.now() - started).toBeLessThan(10_000)
    } finally {
      await own.close()
    }
  })
})

describe('SubscribeToShard rate limit', () => {
  let dataDir: string
  let busyName: string
  const MIB = 1024 * 1024
  let streamName: string
  let streamArn: string

  beforeAll(async () => {
    // The records are written with limits off (the write limit is 1 MiB/s per shard), then
    // the server is restarted with the AWS limits on the same data.
    dataDir = await mkdtemp(join(tmpdir(), 'shardline-fanout-rate-'))
    const writer = await startServer({ dataDir, limits: 'off' })
    streamName = uniqueName('sub-rate')
    streamArn = `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`
    await writer.client.createStream({ streamName, shardCount: 1 })
    const data = Buffer.alloc(256 * 1024, 9)
    for (let i = 0; i < 4; i++) {
      await writer.client.putRecords({ streamName, records: Array.from({ length: 5 }, (_, j) => ({ partitionKey: `k${i}-${j}`, data })) })
    }
    for (const name of ['aws', 'off', 'resubscriber']) await writer.client.registerStreamConsumer({ streamArn, consumerName: name })
    // A second stream with the same 5 MiB, for the test that keeps writing while reading.
    busyName = uniqueName('sub-rate-busy')
    await writer.client.createStream({ streamName: busyName, shardCount: 1 })
    for (let i = 0; i < 4; i++) {
      await writer.client.putRecords({ streamName: busyName, records: Array.from({ length: 5 }, (_, j) => ({ partitionKey: `k${i}-${j}`, data })) })
    }
    await writer.client.registerStreamConsumer({ streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${busyName}`, consumerName: 'busy' })
    await writer.close()
  })

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true })
  })

  async function consumerArnOf (c: StreamClient, name: string): Promise<string> {
    return (await c.describeStreamConsumer({ streamArn, consumerName: name })).consumerDescription.consumerArn
  }

  async function timeToReadAll (c: StreamClient, consumerArn: string): Promise<{ ms: number, records: StreamRecord[] }> {
    const started = Date.now()
    const reader = subscribe(consumerArn, { type: 'TRIM_HORIZON' }, SHARD0, c)
    const records = recordsOf(await reader.records(20, 10_000))
    const ms = Date.now() - started
    reader.close()
    return { ms, records }
  }

  it('slows delivery to 2 MiB/s per consumer and shard with limits aws, without failing', async () => {
    const aws = await startServer({ dataDir, limits: 'aws', subscriptionLifetimeMs: 60_000 })
    try {
      const { ms, records } = await timeToReadAll(aws.client, await consumerArnOf(aws.client, 'aws'))
      expect(records).toHaveLength(20)
      expect(records.every((r) => r.data.byteLength === 256 * 1024)).toBe(true)
      const numbers = records.map((r) => r.sequenceNumber)
      expect([...numbers].sort()).toEqual(numbers)
      // 5 MiB at 2 MiB/s after a burst of at most 2 MiB takes at least 1.5 s.
      expect(ms, `5 MiB delivered in ${ms} ms`).toBeGreaterThanOrEqual(1400)
    } finally {
      await aws.close()
    }
  })

  it('keeps to 2 MiB/s while new commits keep waking the subscription', async () => {
    const aws = await startServer({ dataDir, limits: 'aws', subscriptionLifetimeMs: 60_000 })
    const writing = { on: true }
    try {
      const { consumerDescription: consumer } = await aws.client.describeStreamConsumer({ streamArn: `arn:aws:kinesis:us-east-1:000000000000:stream/${busyName}`, consumerName: 'busy' })
      // Small records every 5 ms: each commit wakes the subscription while it waits for budget.
      const writer = (async () => {
        for (let i = 0; writing.on; i++) {
          await aws.client.putRecord({ streamName: busyName, partitionKey: `w${i}`, data: 'tick' })
          await sleep(5)
        }
      })()
      const started = Date.now()
      const reader = subscribe(consumer.consumerArn, { type: 'TRIM_HORIZON' }, SHARD0, aws.client)
      const big = recordsOf(await reader.records(20, 10_000)).filter((r) => r.data.byteLength === 256 * 1024)
      const ms = Date.now() - started
      reader.close()
      writing.on = false
      await writer
      expect(big.length).toBeGreaterThanOrEqual(20)
      expect(ms, `5 MiB delivered in ${ms} ms while writes kept arriving`).toBeGreaterThanOrEqual(1400)
    } finally {
      writing.on = false
      await aws.close()
    }
  })

  it('does not reset the rate when the consumer resubscribes', async () => {
    const aws = await startServer({ dataDir, limits: 'aws', subscriptionLifetimeMs: 60_000 })
    try {
      const consumerArn = await consumerArnOf(aws.client, 'resubscriber')
      const started = Date.now()
      const received: StreamRecord[] = []
      let startingPosition: StartingPosition = { type: 'TRIM_HORIZON' }
      while (received.length < 20) {
        const reader = subscribe(consumerArn, startingPosition, SHARD0, aws.client)
        let event: SubscribeToShardEvent | undefined
        try {
          event = await reader.next()
        } catch (err) {
          // The previous subscription may hold the shard for a moment, and AWS allows one
          // SubscribeToShard per second per consumer and shard: both are waited out.
          if (!isShardlineError(err) || !['RESOURCE_IN_USE', 'LIMIT_EXCEEDED'].includes(err.code)) throw err
          await sleep(50)
          continue
        } finally {
          reader.close()
        }
        if (event === undefined) continue
        received.push(...event.records)
        startingPosition = { type: 'AFTER_SEQUENCE_NUMBER', sequenceNumber: event.continuationSequenceNumber }
      }
      const ms = Date.now() - started
      expect(received).toHaveLength(20)
      expect(ms, `5 MiB delivered over resubscriptions in ${ms} ms`).toBeGreaterThanOrEqual(1400)
    } finally {
      await aws.close()
    }
  })

  it('delivers without delay with limits off', async () => {
    const off = await startServer({ dataDir, limits: 'off', subscriptionLifetimeMs: 60_000 })
    try {
      const { ms, records } = await timeToReadAll(off.client, await consumerArnOf(off.client, 'off'))
      expect(records.reduce((sum, r) => sum + r.data.byteLength, 0)).toBe(5 * MIB)
      expect(ms, `5 MiB delivered in ${ms} ms`).toBeLessThan(1000)
    } finally {
      await off.close()
    }
  })
})
