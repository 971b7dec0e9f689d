/**
 * Per-shard limits with --limits aws: writes 1,000 records/s and 1 MiB/s, reads 5 calls/s
 * and 2 MiB/s. These tests measure accepted rates over real time, because accuracy of the
 * limit is the behaviour under test.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { expectCode, startServer, uniqueName, type TestServer } from './helpers/server.js'

let t: TestServer
let unlimited: TestServer

beforeAll(async () => {
  t = await startServer({ limits: 'aws' })
  unlimited = await startServer({ limits: 'off' })
})
afterAll(async () => {
  await t.close()
  await unlimited.close()
})

async function createStream (server: TestServer, shardCount = 1): Promise<string> {
  const streamName = uniqueName('throttle')
  await server.client.createStream({ streamName, shardCount })
  return streamName
}

/** Sends `perTick` small records every 10 ms for `seconds`; returns how many were accepted. */
async function pushAtRate (server: TestServer, streamName: string, perSecond: number, seconds: number, dataBytes = 50): Promise<{ accepted: number, sent: number }> {
  const data = Buffer.alloc(dataBytes, 7)
  const perTick = Math.round(perSecond / 100)
  const start = Date.now()
  const calls: Array<Promise<{ failedRecordCount: number }>> = []
  let sent = 0
  for (let tick = 1; Date.now() - start < seconds * 1000; tick++) {
    const records = Array.from({ length: perTick }, (_, i) => ({ partitionKey: `k${(tick * perTick + i) % 97}`, data }))
    sent += records.length
    calls.push(server.client.putRecords({ streamName, records }))
    const due = start + tick * 10
    await sleep(Math.max(0, due - Date.now()))
  }
  const results = await Promise.all(calls)
  const failed = results.reduce((sum, r) => sum + r.failedRecordCount, 0)
  return { accepted: sent - failed, sent }
}

describe('write limits', () => {
  it('accepts 1,000 records/s (±10%) from a producer pushing 3x the limit for 10 s', async () => {
    const streamName = await createStream(t)
    const { accepted, sent } = await pushAtRate(t, streamName, 3000, 10)
    // A loaded machine may not reach 3x; well over the limit is what matters.
    expect(sent).toBeGreaterThanOrEqual(20_000)
    const rate = accepted / 10
    expect(rate).toBeGreaterThanOrEqual(900)
    expect(rate).toBeLessThanOrEqual(1100)
  }, 30_000)

  it('accepts 1 MiB/s of data from a producer pushing 3 MiB/s', async () => {
    const streamName = await createStream(t)
    // 10 KiB records at 300/s is 3 MiB/s, well under the record-count limit.
    const { accepted } = await pushAtRate(t, streamName, 300, 4, 10 * 1024 - 3)
    const bytesPerSecond = (accepted * 10 * 1024) / 4
    expect(bytesPerSecond).toBeGreaterThanOrEqual(0.9 * 1024 * 1024)
    expect(bytesPerSecond).toBeLessThanOrEqual(1.1 * 1024 * 1024)
  }, 20_000)

  it('fails only the records over the limit in PutRecords, each with the AWS error', async () => {
    const streamName = await createStream(t)
    const records = Array.from({ length: 500 }, (_, i) => ({ partitionKey: `p${i}`, data: 'x' }))
    const first = await t.client.putRecords({ streamName, records })
    const second = await t.client.putRecords({ streamName, records: [...records.slice(0, 300), ...records.slice(0, 300)].slice(0, 500) })
    expect(first.failedRecordCount).toBe(0)
    expect(second.failedRecordCount).toBe(0)
    const third = await t.client.putRecords({ streamName, records })
    expect(third.failedRecordCount).toBe(500)
    for (const r of third.records) {
      expect(r.errorCode).toBe('ProvisionedThroughputExceededException')
      expect(r.errorMessage).toMatch(/shardId-000000000000/)
      expect(r.sequenceNumber).toBeUndefined()
    }
  })

  it('throttles one shard without touching another', async () => {
    const streamName = await createStream(t, 2)
    const { shards } = await t.client.listShards({ streamName })
    const [low, high] = shards.map((s) => s.hashKeyRange.startingHashKey)
    const toLow = Array.from({ length: 500 }, () => ({ partitionKey: 'a', explicitHashKey: low!, data: 'x' }))
    await t.client.putRecords({ streamName, records: toLow })
    await t.client.putRecords({ streamName, records: toLow })
    const mixed = await t.client.putRecords({
      streamName,
      records: [{ partitionKey: 'a', explicitHashKey: low!, data: 'x' }, { partitionKey: 'b', explicitHashKey: high!, data: 'x' }]
    })
    expect(mixed.failedRecordCount).toBe(1)
    expect(mixed.records[0]!.errorCode).toBe('ProvisionedThroughputExceededException')
    expect(mixed.records[1]!.shardId).toBe('shardId-000000000001')
  })

  it('answers PutRecord over the limit with THROUGHPUT_EXCEEDED, retriable, RESOURCE_EXHAUSTED', async () => {
    const streamName = await createStream(t)
    const records = Array.from({ length: 500 }, (_, i) => ({ partitionKey: `p${i}`, data: 'x' }))
    await t.client.putRecords({ streamName, records })
    await t.client.putRecords({ streamName, records })
    const err = await expectCode(t.client.putRecord({ streamName, partitionKey: 'k', data: 'x' }), 'THROUGHPUT_EXCEEDED')
    expect(err.awsType).toBe('ProvisionedThroughputExceededException')
    expect(err.grpcStatus).toBe(8)
    expect(err.retriable).toBe(true)
  })

  it('lets everything through with limits off', async () => {
    const streamName = await createStream(unlimited)
    const records = Array.from({ length: 500 }, (_, i) => ({ partitionKey: `p${i}`, data: 'x' }))
    for (let i = 0; i < 6; i++) {
      const result = await unlimited.client.putRecords({ streamName, records })
      expect(result.failedRecordCount).toBe(0)
    }
  })
})

describe('read limits', () => {
  it('allows 5 GetRecords calls per second per shard', async () => {
    const streamName = await createStream(t)
    const { shardIterator } = await t.client.getShardIterator({ streamName, shardId: 'shardId-000000000000', shardIteratorType: 'TRIM_HORIZON' })
    for (let i = 0; i < 5; i++) await t.client.getRecords({ shardIterator })
    const err = await expectCode(t.client.getRecords({ shardIterator }), 'THROUGHPUT_EXCEEDED')
    expect(err.retriable).toBe(true)
    await sleep(1100)
    const page = await t.client.getRecords({ shardIterator })
    expect(page.records).toEqual([])
  })

  it('refuses reads after a large read until 2 MiB/s has paid it back', async () => {
    // Written slowly enough for the 1 MiB/s write limit: 4 x 900 KiB over 4 s.
    const limitedName = await createStream(t)
    const big = Buffer.alloc(900 * 1024, 1)
    for (let i = 0; i < 4; i++) {
      await t.client.putRecord({ streamName: limitedName, partitionKey: 'k', data: big })
      await sleep(1050)
    }
    const { shardIterator } = await t.client.getShardIterator({ streamName: limitedName, shardId: 'shardId-000000000000', shardIteratorType: 'TRIM_HORIZON' })
    const page = await t.client.getRecords({ shardIterator })
    expect(page.records).toHaveLength(4)
    // 3.6 MiB read against a 2 MiB bucket leaves a debt of about 1.6 MiB: the next call
    // is refused, and one after the debt is repaid (about 0.8 s) succeeds.
    await expectCode(t.client.getRecords({ shardIterator: page.nextShardIterator! }), 'THROUGHPUT_EXCEEDED')
    await sleep(1300)
    const after = await t.client.getRecords({ shardIterator: page.nextShardIterator! })
    expect(after.records).toEqual([])
  }, 20_000)
})
