/**
 * SubscribeToShard through the AWS SDK's SubscribeToShardCommand (event stream; HTTP/2 as
 * the SDK does by default, and HTTP/1.1, which AWS does not offer but shardline does):
 * records pushed as they commit, resubscription from ContinuationSequenceNumber with no
 * gap and no repeat, shard end with ChildShards after a split, and the errors.
 */
import {
  CreateStreamCommand, DeregisterStreamConsumerCommand, PutRecordCommand, RegisterStreamConsumerCommand, SplitShardCommand, SubscribeToShardCommand,
  type KinesisClient, type StartingPosition, type SubscribeToShardEvent
} from '@aws-sdk/client-kinesis'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { expectAwsError, SDK_TARGETS, sdkClient } from './helpers/aws-sdk.js'
import { startServer, uniqueName, type TestServer } from './helpers/server.js'

const LIFETIME_MS = 1500
const SHARD = 'shardId-000000000000'

let ts: TestServer
let kinesis: KinesisClient

beforeAll(async () => {
  ts = await startServer({ limits: 'off', subscriptionLifetimeMs: LIFETIME_MS })
})

afterAll(async () => {
  await ts.close()
})

async function streamWithConsumer (shardCount = 1): Promise<{ name: string, consumerArn: string }> {
  const name = uniqueName('sub')
  await kinesis.send(new CreateStreamCommand({ StreamName: name, ShardCount: shardCount }))
  const { Consumer } = await kinesis.send(new RegisterStreamConsumerCommand({ StreamARN: `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`, ConsumerName: 'c' }))
  return { name, consumerArn: Consumer!.ConsumerARN! }
}

async function put (name: string, text: string): Promise<string> {
  const { SequenceNumber } = await kinesis.send(new PutRecordCommand({ StreamName: name, PartitionKey: 'k', Data: Buffer.from(text) }))
  return SequenceNumber!
}

/** Iterates one subscription until `stop` says so (then aborts it) or the server ends it. */
async function subscribe (consumerArn: string, position: StartingPosition, stop: (events: SubscribeToShardEvent[]) => boolean = () => false, shardId = SHARD): Promise<{ events: SubscribeToShardEvent[], endedByServer: boolean }> {
  const abort = new AbortController()
  const { EventStream } = await kinesis.send(new SubscribeToShardCommand({ ConsumerARN: consumerArn, ShardId: shardId, StartingPosition: position }), { abortSignal: abort.signal })
  const events: SubscribeToShardEvent[] = []
  try {
    for await (const event of EventStream!) {
      if (event.SubscribeToShardEvent !== undefined) events.push(event.SubscribeToShardEvent)
      if (stop(events)) {
        abort.abort()
        return { events, endedByServer: false }
      }
    }
  } catch (err) {
    if (!abort.signal.aborted) throw err
  }
  return { events, endedByServer: true }
}

const records = (events: SubscribeToShardEvent[]): string[] => events.flatMap((e) => (e.Records ?? []).map((r) => Buffer.from(r.Data!).toString()))

describe.each(SDK_TARGETS)('SubscribeToShard through the AWS SDK over %s', (target) => {
  beforeAll(() => { kinesis = sdkClient(ts.server.httpPort, target) })
  afterAll(() => kinesis.destroy())

  it('pushes stored and newly committed records as SubscribeToShardEvents', async () => {
    const { name, consumerArn } = await streamWithConsumer()
    const stored = [await put(name, 'one'), await put(name, 'two')]
    let sentLate = false
    const { events } = await subscribe(consumerArn, { Type: 'TRIM_HORIZON' }, (events) => {
      if (!sentLate && records(events).length >= 2) {
        sentLate = true
        void put(name, 'three')
      }
      return records(events).length >= 3
    })
    expect(records(events)).toEqual(['one', 'two', 'three'])
    const first = events.find((e) => (e.Records?.length ?? 0) > 0)!
    expect(first.Records?.[0]?.SequenceNumber).toBe(stored[0])
    expect(first.Records?.[0]?.PartitionKey).toBe('k')
    expect(first.Records?.[0]?.ApproximateArrivalTimestamp).toBeInstanceOf(Date)
    expect(first.ContinuationSequenceNumber).toMatch(/^\d{56}$/)
    expect(first.MillisBehindLatest).toBeTypeOf('number')
    // As in AWS, ChildShards comes only at the end of a closed shard.
    for (const event of events) expect(event).not.toHaveProperty('ChildShards')
  })

  it('ends after the subscription lifetime; resubscribing from ContinuationSequenceNumber misses and repeats nothing', async () => {
    const { name, consumerArn } = await streamWithConsumer()
    const sent: string[] = []
    const writing = { on: true }
    const writer = (async () => {
      for (let i = 0; writing.on; i++) {
        await put(name, `r${i}`)
        sent.push(`r${i}`)
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    })()
    const got: string[] = []
    let position: StartingPosition = { Type: 'TRIM_HORIZON' }
    let subscriptions = 0
    const started = Date.now()
    while (Date.now() - started < 2.5 * LIFETIME_MS) {
      const { events, endedByServer } = await subscribe(consumerArn, position)
      expect(endedByServer).toBe(true)
      subscriptions += 1
      got.push(...records(events))
      position = { Type: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: events[events.length - 1]!.ContinuationSequenceNumber }
    }
    writing.on = false
    await writer
    const { events } = await subscribe(consumerArn, position, (events) => records(events).length + got.length >= sent.length)
    got.push(...records(events))
    expect(subscriptions).toBeGreaterThanOrEqual(2)
    expect(got).toEqual(sent)
  })

  it('ends a closed shard with ChildShards after a split', async () => {
    const { name, consumerArn } = await streamWithConsumer()
    await put(name, 'before split')
    await kinesis.send(new SplitShardCommand({ StreamName: name, ShardToSplit: SHARD, NewStartingHashKey: (1n << 127n).toString() }))
    const { events, endedByServer } = await subscribe(consumerArn, { Type: 'TRIM_HORIZON' })
    expect(endedByServer).toBe(true)
    expect(records(events)).toEqual(['before split'])
    const last = events[events.length - 1]!
    expect(last.ChildShards?.map((c) => c.ShardId)).toEqual(['shardId-000000000001', 'shardId-000000000002'])
    expect(last.ChildShards?.[1]?.ParentShards).toEqual([SHARD])
    // The KCL and other AWS consumers take a missing continuation as the shard's end.
    expect(last).not.toHaveProperty('ContinuationSequenceNumber')
    for (const event of events.slice(0, -1)) {
      expect(event.ContinuationSequenceNumber).toMatch(/^\d{56}$/)
      expect(event).not.toHaveProperty('ChildShards')
    }
  })

  it('answers an unknown consumer, a bad position and a second subscription with AWS errors', async () => {
    const { consumerArn } = await streamWithConsumer()
    const absent = consumerArn.replace(/consumer\/c:/, 'consumer/nobody:')
    await expectAwsError(kinesis.send(new SubscribeToShardCommand({ ConsumerARN: absent, ShardId: SHARD, StartingPosition: { Type: 'LATEST' } })), 'ResourceNotFoundException')
    await expectAwsError(kinesis.send(new SubscribeToShardCommand({ ConsumerARN: consumerArn, ShardId: 'shardId-000000000007', StartingPosition: { Type: 'LATEST' } })), 'ResourceNotFoundException')
    await expectAwsError(kinesis.send(new SubscribeToShardCommand({ ConsumerARN: consumerArn, ShardId: SHARD, StartingPosition: { Type: 'AT_SEQUENCE_NUMBER' } })), 'InvalidArgumentException')
    const abort = new AbortController()
    await kinesis.send(new SubscribeToShardCommand({ ConsumerARN: consumerArn, ShardId: SHARD, StartingPosition: { Type: 'LATEST' } }), { abortSignal: abort.signal })
    try {
      await expectAwsError(kinesis.send(new SubscribeToShardCommand({ ConsumerARN: consumerArn, ShardId: SHARD, StartingPosition: { Type: 'LATEST' } })), 'ResourceInUseException')
    } finally {
      abort.abort()
    }
  })

  it('ends a live subscription with an exception event when its consumer is deregistered', async () => {
    const { name, consumerArn } = await streamWithConsumer()
    const { EventStream } = await kinesis.send(new SubscribeToShardCommand({ ConsumerARN: consumerArn, ShardId: SHARD, StartingPosition: { Type: 'LATEST' } }))
    const seen: SubscribeToShardEvent[] = []
    const reading = (async () => {
      for await (const event of EventStream!) {
        if (event.SubscribeToShardEvent !== undefined) seen.push(event.SubscribeToShardEvent)
      }
    })()
    // Handled from the start: the failure may arrive before the assertion awaits it.
    reading.catch(() => {})
    await vi.waitFor(() => expect(seen.length).toBeGreaterThan(0))
    await kinesis.send(new DeregisterStreamConsumerCommand({ StreamARN: `arn:aws:kinesis:us-east-1:000000000000:stream/${name}`, ConsumerName: 'c' }))
    await expectAwsError(reading, 'ResourceNotFoundException', /deregistered/)
  })
})
