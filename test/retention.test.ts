/**
 * Retention: records older than the stream's retention period are never returned, trimmed
 * or not, and the trimmer deletes them. Deletion is observed black-box: after trimming,
 * moving the clock back to when the records were young no longer shows them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StreamClient, StreamRecord } from '../client/index.js'
import { ManualClock, startServer, uniqueName, type TestServer } from './helpers/server.js'

const HOUR = 3_600_000
const SHARD0 = 'shardId-000000000000'

let ts: TestServer
let client: StreamClient
const clock = new ManualClock()

beforeAll(async () => {
  // limits 'off': the read limits count calls per second of the manual clock, which stands still.
  // A long trim interval: the tests trim explicitly, never in the background.
  ts = await startServer({ limits: 'off', clock: clock.now, trimIntervalMs: 3_600_000 })
  client = ts.client
})

afterAll(async () => {
  await ts.close()
})

async function newStream (): Promise<string> {
  const name = uniqueName('retain')
  await client.createStream({ streamName: name, shardCount: 1 })
  return name
}

async function put (streamName: string, data: string): Promise<string> {
  return (await client.putRecord({ streamName, partitionKey: 'k', data })).sequenceNumber
}

/** What a reader starting at TRIM_HORIZON gets, at the clock's current time. */
async function visible (streamName: string, start: { type: 'TRIM_HORIZON' } | { type: 'AT_SEQUENCE_NUMBER', seq: string } | { type: 'AT_TIMESTAMP', timestamp: number } = { type: 'TRIM_HORIZON' }): Promise<string[]> {
  let iterator = (await client.getShardIterator({
    streamName,
    shardId: SHARD0,
    shardIteratorType: start.type,
    ...(start.type === 'AT_SEQUENCE_NUMBER' ? { startingSequenceNumber: start.seq } : {}),
    ...(start.type === 'AT_TIMESTAMP' ? { timestamp: start.timestamp } : {})
  })).shardIterator
  const out: StreamRecord[] = []
  for (;;) {
    const page = await client.getRecords({ shardIterator: iterator })
    out.push(...page.records)
    iterator = page.nextShardIterator!
    if (page.records.length === 0 && page.millisBehindLatest === 0) return out.map((r) => r.data.toString())
  }
}

describe('retention', () => {
  it('does not return records older than 24 hours, even before trimming', async () => {
    const name = await newStream()
    const t0 = clock.time
    const seq = await put(name, 'old')
    clock.advance(2 * HOUR)
    await put(name, 'young')
    clock.time = t0 + 24 * HOUR - 1
    expect(await visible(name)).toEqual(['old', 'young'])
    clock.time = t0 + 24 * HOUR + 1
    expect(await visible(name)).toEqual(['young'])
    // No iterator type reaches behind the retention horizon.
    expect(await visible(name, { type: 'AT_SEQUENCE_NUMBER', seq })).toEqual(['young'])
    expect(await visible(name, { type: 'AT_TIMESTAMP', timestamp: t0 })).toEqual(['young'])
    // Nothing was deleted yet: back in time, the record is there again.
    clock.time = t0 + HOUR
    expect(await visible(name)).toEqual(['old', 'young'])
    clock.time = t0 + 24 * HOUR + 1
  })

  it('skips records that expire while a reader is part way through them', async () => {
    const name = await newStream()
    const t0 = clock.time
    await put(name, 'a')
    await put(name, 'b')
    clock.advance(HOUR)
    await put(name, 'c')
    clock.time = t0 + 24 * HOUR - 60_000
    const iterator = (await client.getShardIterator({ streamName: name, shardId: SHARD0, shardIteratorType: 'TRIM_HORIZON' })).shardIterator
    const first = await client.getRecords({ shardIterator: iterator, limit: 1 })
    expect(first.records.map((r) => r.data.toString())).toEqual(['a'])
    // Two minutes later the iterator is still valid, but 'b' is past retention.
    clock.time = t0 + 24 * HOUR + 60_000
    const next = await client.getRecords({ shardIterator: first.nextShardIterator! })
    expect(next.records.map((r) => r.data.toString())).toEqual(['c'])
  })

  it('trimNow deletes expired records: moving the clock back no longer shows them', async () => {
    const name = await newStream()
    const t0 = clock.time
    await put(name, 'doomed-1')
    await put(name, 'doomed-2')
    clock.advance(25 * HOUR)
    await ts.server.trimNow()
    clock.time = t0
    expect(await visible(name)).toEqual([])
    clock.time = t0 + 25 * HOUR
  })

  it('trimNow keeps records newer than the cutoff', async () => {
    const name = await newStream()
    const t0 = clock.time
    await put(name, 'old')
    clock.advance(2 * HOUR)
    await put(name, 'new-1')
    await put(name, 'new-2')
    clock.time = t0 + 25 * HOUR
    await ts.server.trimNow()
    expect(await visible(name)).toEqual(['new-1', 'new-2'])
    // Back at the time of the newer records: the old one is gone, the new ones are not.
    clock.time = t0 + 2 * HOUR
    expect(await visible(name)).toEqual(['new-1', 'new-2'])
    clock.time = t0 + 25 * HOUR
    // New writes after trimming are stored and read normally.
    await put(name, 'later')
    expect(await visible(name)).toEqual(['new-1', 'new-2', 'later'])
  })

  it('keeps records 30 hours old visible, and untrimmed, after IncreaseStreamRetentionPeriod to 48', async () => {
    const name = await newStream()
    await client.increaseStreamRetentionPeriod({ streamName: name, retentionPeriodHours: 48 })
    expect((await client.describeStreamSummary({ streamName: name })).streamDescriptionSummary.retentionPeriodHours).toBe(48)
    const t0 = clock.time
    await put(name, 'thirty-hours')
    clock.time = t0 + 30 * HOUR
    expect(await visible(name)).toEqual(['thirty-hours'])
    await ts.server.trimNow()
    expect(await visible(name)).toEqual(['thirty-hours'])
    clock.time = t0 + 48 * HOUR + 1
    expect(await visible(name)).toEqual([])
  })

  it('does not bring back records that had already expired when the retention period is increased', async () => {
    const name = await newStream()
    const t0 = clock.time
    await put(name, 'expired')
    clock.time = t0 + 25 * HOUR
    expect(await visible(name)).toEqual([])
    // AWS: "it does not make previous, expired data (older than the stream's previous
    // retention period) accessible" - trimmed yet or not.
    await client.increaseStreamRetentionPeriod({ streamName: name, retentionPeriodHours: 48 })
    expect(await visible(name)).toEqual([])
  })

  it('hides records older than a decreased retention period', async () => {
    const name = await newStream()
    await client.increaseStreamRetentionPeriod({ streamName: name, retentionPeriodHours: 48 })
    const t0 = clock.time
    await put(name, 'thirty-hours')
    clock.time = t0 + 30 * HOUR
    await put(name, 'fresh')
    expect(await visible(name)).toEqual(['thirty-hours', 'fresh'])
    await client.decreaseStreamRetentionPeriod({ streamName: name, retentionPeriodHours: 24 })
    expect(await visible(name)).toEqual(['fresh'])
  })
})
