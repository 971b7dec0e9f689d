/**
 * Ordering under concurrency: many producers writing to one shard at once. Each producer's
 * records must come back in the order it sent them, and the shard's sequence numbers must
 * strictly increase in read order.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { StreamClient, StreamRecord } from '../client/index.js'
import { startServer, uniqueName, type TestServer } from './helpers/server.js'

const PRODUCERS = 100
const PER_PRODUCER = 50
const SHARD0 = 'shardId-000000000000'

let ts: TestServer
let client: StreamClient

beforeAll(async () => {
  ts = await startServer({ limits: 'off' })
  client = ts.client
})

afterAll(async () => {
  await ts.close()
})

async function readAll (streamName: string): Promise<StreamRecord[]> {
  let iterator = (await client.getShardIterator({ streamName, shardId: SHARD0, shardIteratorType: 'TRIM_HORIZON' })).shardIterator
  const out: StreamRecord[] = []
  for (;;) {
    const page = await client.getRecords({ shardIterator: iterator })
    out.push(...page.records)
    iterator = page.nextShardIterator!
    if (page.records.length === 0 && page.millisBehindLatest === 0) return out
  }
}

describe('ordering', () => {
  it(`keeps each of ${PRODUCERS} concurrent producers' records in order on one shard`, async () => {
    const name = uniqueName('order')
    await client.createStream({ streamName: name, shardCount: 1 })
    // producer -> the sequence numbers it was given, in send order
    const acknowledged = new Map<string, string[]>()

    await Promise.all(Array.from({ length: PRODUCERS }, async (_, p) => {
      const key = `producer-${p}`
      const seqs: string[] = []
      acknowledged.set(key, seqs)
      for (let n = 0; n < PER_PRODUCER; n++) {
        // Alternate the two put calls so both paths are exercised concurrently.
        if (n % 2 === 0) {
          const put = await client.putRecord({ streamName: name, partitionKey: key, data: JSON.stringify({ p, n }) })
          seqs.push(put.sequenceNumber)
        } else {
          const put = await client.putRecords({ streamName: name, records: [{ partitionKey: key, data: JSON.stringify({ p, n }) }] })
          expect(put.failedRecordCount).toBe(0)
          seqs.push(put.records[0]!.sequenceNumber!)
        }
      }
    }))

    const records = await readAll(name)
    expect(records).toHaveLength(PRODUCERS * PER_PRODUCER)

    // Sequence numbers strictly increase in read order.
    const seqs = records.map((r) => r.sequenceNumber)
    const notIncreasing = seqs.findIndex((s, i) => i > 0 && !(s > seqs[i - 1]!))
    expect(notIncreasing).toBe(-1)

    // Per producer: counters 0..49 in order, under the numbers each put returned.
    const seen = new Map<string, Array<{ n: number, seq: string }>>()
    for (const r of records) {
      const { p, n } = JSON.parse(r.data.toString()) as { p: number, n: number }
      expect(r.partitionKey).toBe(`producer-${p}`)
      const list = seen.get(r.partitionKey) ?? []
      list.push({ n, seq: r.sequenceNumber })
      seen.set(r.partitionKey, list)
    }
    expect(seen.size).toBe(PRODUCERS)
    const counters = Array.from({ length: PER_PRODUCER }, (_, n) => n)
    for (const [key, list] of seen) {
      expect(list.map((e) => e.n), key).toEqual(counters)
      expect(list.map((e) => e.seq), key).toEqual(acknowledged.get(key))
    }
  })

  it('keeps the order of records within one PutRecords call sent concurrently with others', async () => {
    const name = uniqueName('order')
    await client.createStream({ streamName: name, shardCount: 1 })
    const calls = 20
    const size = 100
    const results = await Promise.all(Array.from({ length: calls }, (_, c) =>
      client.putRecords({ streamName: name, records: Array.from({ length: size }, (_, i) => ({ partitionKey: `batch-${c}`, data: `${c}:${i}` })) })
    ))
    for (const r of results) expect(r.failedRecordCount).toBe(0)
    const records = await readAll(name)
    expect(records).toHaveLength(calls * size)
    for (let c = 0; c < calls; c++) {
      const mine = records.filter((r) => r.partitionKey === `batch-${c}`)
      expect(mine.map((r) => r.data.toString())).toEqual(Array.from({ length: size }, (_, i) => `${c}:${i}`))
      expect(mine.map((r) => r.sequenceNumber)).toEqual(results[c]!.records.map((e) => e.sequenceNumber))
    }
  })
})
