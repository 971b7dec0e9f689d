/**
 * followShard: the client helper that follows one shard through enhanced fan-out across
 * subscription expiries, retries what can be retried, and reports the children at the end
 * of a closed shard.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { followShard, type FollowShardEvent, type FollowShardOptions, type StreamClient } from '../client/index.js'
import { shardId } from './helpers/control-plane.js'
import { expectCode, startServer, uniqueName, type TestServer } from './helpers/server.js'

const LIFETIME_MS = 700
const SHARD0 = shardId(0)
const MID = 1n << 127n

let srv: TestServer
let client: StreamClient

beforeAll(async () => {
  srv = await startServer({ limits: 'off', subscriptionLifetimeMs: LIFETIME_MS, subscriptionHeartbeatMs: 100 })
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

async function newConsumer (): Promise<Fixture> {
  const streamName = uniqueName('follow')
  const streamArn = `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`
  await client.createStream({ streamName, shardCount: 1 })
  const { consumer } = await client.registerStreamConsumer({ streamArn, consumerName: 'follower' })
  return { streamName, streamArn, consumerArn: consumer.consumerArn }
}

function sleep (ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}

async function put (streamName: string, data: string): Promise<string> {
  return (await client.putRecord({ streamName, partitionKey: 'k', data, explicitHashKey: '0' })).sequenceNumber
}

/** Pulls from followShard one event at a time, each with a time limit. */
class Follower {
  readonly controller = new AbortController()
  readonly generator: AsyncGenerator<FollowShardEvent>

  constructor (options: Omit<FollowShardOptions, 'signal'>) {
    this.generator = followShard(client, { ...options, signal: this.controller.signal })
  }

  /** The next event, or undefined once followShard has returned. */
  async next (ms = 5000): Promise<FollowShardEvent | undefined> {
    let timer: NodeJS.Timeout | undefined
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`followShard yielded nothing within ${ms} ms`)), ms)
    })
    try {
      const result = await Promise.race([this.generator.next(), timeout])
      return result.done === true ? undefined : result.value
    } finally {
      clearTimeout(timer)
    }
  }

  /** Reads until `count` records have come; fails on anything but records. */
  async records (count: number, ms = 5000): Promise<string[]> {
    const numbers: string[] = []
    while (numbers.length < count) {
      const event = await this.next(ms)
      if (event === undefined) throw new Error(`followShard returned after ${numbers.length} of ${count} records`)
      if (event.type !== 'records') throw new Error(`expected records, got ${JSON.stringify(event)}`)
      expect(event.event.records.length).toBeGreaterThan(0)
      numbers.push(...event.event.records.map((r) => r.sequenceNumber))
    }
    return numbers
  }

  stop (): void {
    this.controller.abort()
  }
}

describe('followShard', () => {
  it('follows the shard across several subscription expiries, missing and repeating nothing', async () => {
    const f = await newConsumer()
    const follower = new Follower({ consumerArn: f.consumerArn, shardId: SHARD0, startingPosition: { type: 'TRIM_HORIZON' } })
    const written: string[] = []
    const started = Date.now()
    const writing = new AbortController()
    const writer = (async () => {
      let i = 0
      while (!writing.signal.aborted) {
        written.push(await put(f.streamName, `w${i++}`))
        await sleep(5)
      }
    })()
    const received: string[] = []
    try {
      while (Date.now() - started < LIFETIME_MS * 3 + 300) received.push(...await follower.records(1))
    } finally {
      writing.abort()
      await writer
    }
    if (received.length < written.length) received.push(...await follower.records(written.length - received.length))
    follower.stop()
    expect(written.length).toBeGreaterThan(100)
    expect(received).toEqual(written)
  })

  it('carries on from the continuation when expiries pass without records', async () => {
    const f = await newConsumer()
    await put(f.streamName, 'before')
    const follower = new Follower({ consumerArn: f.consumerArn, shardId: SHARD0, startingPosition: { type: 'LATEST' } })
    // Nothing to read for two lifetimes: only empty events, which followShard does not yield.
    const pending = follower.next(LIFETIME_MS * 2 + 2000)
    await sleep(LIFETIME_MS * 2 + 200)
    const sent = [await put(f.streamName, 'after-1'), await put(f.streamName, 'after-2')]
    const first = await pending
    expect(first?.type).toBe('records')
    const numbers = first?.type === 'records' ? first.event.records.map((r) => r.sequenceNumber) : []
    if (numbers.length < 2) numbers.push(...await follower.records(2 - numbers.length))
    expect(numbers).toEqual(sent)
    follower.stop()
  })

  it('reports the child shards after the last record of a split shard, and returns', async () => {
    const f = await newConsumer()
    const sent = [await put(f.streamName, 'a'), await put(f.streamName, 'b'), await put(f.streamName, 'c')]
    await client.splitShard({ streamName: f.streamName, shardToSplit: SHARD0, newStartingHashKey: MID.toString() })
    await put(f.streamName, 'in a child')
    const follower = new Follower({ consumerArn: f.consumerArn, shardId: SHARD0, startingPosition: { type: 'TRIM_HORIZON' } })
    expect(await follower.records(3)).toEqual(sent)
    const end = await follower.next()
    expect(end).toEqual({
      type: 'shard-end',
      childShards: [
        { shardId: shardId(1), parentShards: [SHARD0], hashKeyRange: { startingHashKey: '0', endingHashKey: (MID - 1n).toString() } },
        { shardId: shardId(2), parentShards: [SHARD0], hashKeyRange: { startingHashKey: MID.toString(), endingHashKey: ((1n << 128n) - 1n).toString() } }
      ]
    })
    expect(await follower.next()).toBeUndefined()
  })

  it('reports the child shards when the shard it is waiting on is split', async () => {
    const f = await newConsumer()
    const follower = new Follower({ consumerArn: f.consumerArn, shardId: SHARD0, startingPosition: { type: 'LATEST' } })
    const pending = follower.next()
    await sleep(100)
    const seq = await put(f.streamName, 'last')
    const first = await pending
    expect(first?.type === 'records' ? first.event.records.map((r) => r.sequenceNumber) : first).toEqual([seq])
    await client.splitShard({ streamName: f.streamName, shardToSplit: SHARD0, newStartingHashKey: MID.toString() })
    const end = await follower.next(LIFETIME_MS + 2000)
    expect(end?.type).toBe('shard-end')
    expect(end?.type === 'shard-end' ? end.childShards.map((c) => c.shardId) : []).toEqual([shardId(1), shardId(2)])
    expect(await follower.next()).toBeUndefined()
  })

  it('stops when its signal aborts, and frees the shard for the consumer', async () => {
    const f = await newConsumer()
    const follower = new Follower({ consumerArn: f.consumerArn, shardId: SHARD0, startingPosition: { type: 'LATEST' } })
    const pending = follower.next()
    await sleep(200)
    follower.stop()
    expect(await pending).toBeUndefined()
    // Another follower of the same consumer and shard gets going.
    const next = new Follower({ consumerArn: f.consumerArn, shardId: SHARD0, startingPosition: { type: 'LATEST' } })
    const waiting = next.next()
    await sleep(200)
    const seq = await put(f.streamName, 'for the next follower')
    const event = await waiting
    expect(event?.type === 'records' ? event.event.records.map((r) => r.sequenceNumber) : event).toEqual([seq])
    next.stop()
  })

  it('retries while another subscription holds the shard, and then follows it', async () => {
    const f = await newConsumer()
    const holder = client.subscribeToShard({ consumerArn: f.consumerArn, shardId: SHARD0, startingPosition: { type: 'LATEST' } })
    const held = holder[Symbol.asyncIterator]()
    expect((await held.next()).done).toBe(false)
    const follower = new Follower({ consumerArn: f.consumerArn, shardId: SHARD0, startingPosition: { type: 'TRIM_HORIZON' }, retryDelayMs: 20 })
    const pending = follower.next()
    const seq = await put(f.streamName, 'written while held')
    await sleep(300)
    await held.return?.()
    const event = await pending
    expect(event?.type === 'records' ? event.event.records.map((r) => r.sequenceNumber) : event).toEqual([seq])
    follower.stop()
  })

  it('throws what cannot be retried: an unknown shard, or a consumer that is deregistered while following', async () => {
    const f = await newConsumer()
    const lost = new Follower({ consumerArn: f.consumerArn, shardId: shardId(5), startingPosition: { type: 'LATEST' } })
    await expectCode(lost.next(), 'SHARD_NOT_FOUND')

    const follower = new Follower({ consumerArn: f.consumerArn, shardId: SHARD0, startingPosition: { type: 'LATEST' } })
    // The expectation is attached at once: the rejection comes while deregistering.
    const failed = expectCode(follower.next(), 'CONSUMER_NOT_FOUND')
    await sleep(200)
    await client.deregisterStreamConsumer({ consumerArn: f.consumerArn })
    const err = await failed
    expect(err.retriable).toBe(false)
  })
})
