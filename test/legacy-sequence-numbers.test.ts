/**
 * A data directory written before shardline took AWS's sequence-number layout: its records
 * carry per-shard counters, its lease tables hold checkpoints in shardline's legacy layout,
 * and its applications hold legacy numbers and iterators. A server of today reads it: legacy
 * numbers are accepted wherever a number is and name the same records.
 *
 * The old data is built through the storage layer the way the old code wrote it (per-shard
 * counters, legacy checkpoints formatted as the old formatter did), then read by the server.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Consumer, LeaseClient } from '../client/index.js'
import { LevelStore } from '../src/storage/level-store.js'
import { encodeLegacyIterator } from '../src/streams/iterator-token.js'
import { formatLegacySequenceNumber } from '../src/streams/legacy-sequence-number.js'
import type { StreamDoc } from '../src/streams/stream-model.js'
import { TokenSigner } from '../src/streams/token-signer.js'
import { expectCode, startServer, type TestServer } from './helpers/server.js'

const STREAM = 'legacy-stream'
const APPLICATION = 'legacy-app'
const SHARD0 = 'shardId-000000000000'
const SHARD1 = 'shardId-000000000001'
const PER_SHARD = 5

interface OldRecord { shard: number, ts: number, counter: number, data: string, legacy: string }

let dataDir: string
let srv: TestServer
let old: OldRecord[]
let doc: StreamDoc
let secret: Buffer

/** The old code's numbering: each shard counted its own records from 1. */
async function writeOldRecords (): Promise<OldRecord[]> {
  const store = await LevelStore.open({ location: dataDir, memory: false, sync: false })
  try {
    doc = (await store.listDocuments<StreamDoc>('stream/')).map(([, d]) => d).find((d) => d.name === STREAM)!
    secret = Buffer.from((await store.getDocument<string>('meta/token-secret'))!, 'hex')
    const batch = store.batch()
    const out: OldRecord[] = []
    for (const shard of doc.shards) {
      for (let counter = 1; counter <= PER_SHARD; counter++) {
        // Two records per millisecond, so the arrival ms alone does not name a record.
        const ts = doc.createdAt + Math.floor(counter / 2)
        const data = `old-${shard.index}-${counter}`
        batch.putRecord(doc.id, shard.index, ts, counter, `pk-${counter}`, Buffer.from(data))
        out.push({ shard: shard.index, ts, counter, data, legacy: formatLegacySequenceNumber(shard.generation, shard.index, { ts, counter }) })
      }
    }
    await store.commit(batch)
    return out
  } finally {
    await store.close()
  }
}

function oldOf (shard: number, counter: number): OldRecord {
  return old.find((r) => r.shard === shard && r.counter === counter)!
}

async function readFrom (shardId: string, type: 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER' | 'TRIM_HORIZON', startingSequenceNumber?: string): Promise<string[]> {
  const { shardIterator } = await srv.client.getShardIterator({ streamName: STREAM, shardId, shardIteratorType: type, ...(startingSequenceNumber === undefined ? {} : { startingSequenceNumber }) })
  const page = await srv.client.getRecords({ shardIterator })
  return page.records.map((r) => r.data.toString())
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'shardline-legacy-'))
  // The stream and the application's lease table, as the old server had them.
  const first = await startServer({ dataDir, limits: 'off' })
  await first.client.createStream({ streamName: STREAM, shardCount: 2 })
  await first.close()
  old = await writeOldRecords()
  const before = await startServer({ dataDir, limits: 'off' })
  const leases = new LeaseClient({ endpoint: before.endpoint })
  // Shard 0 checkpointed at its third record, in the legacy layout; shard 1 not yet.
  await leases.createLeaseIfAbsent({ leaseTable: APPLICATION, leaseKey: SHARD0, checkpoint: oldOf(0, 3).legacy })
  leases.close()
  await before.close()
  srv = await startServer({ dataDir, limits: 'off' })
})

afterAll(async () => {
  await srv?.close()
  await rm(dataDir, { recursive: true, force: true })
})

describe('a data directory of the legacy sequence-number layout', () => {
  it('reads the old records in order, numbered in the current layout', async () => {
    expect(old[0]!.legacy).toMatch(/^40{6}\d{49}$/)
    const { shardIterator } = await srv.client.getShardIterator({ streamName: STREAM, shardId: SHARD0, shardIteratorType: 'TRIM_HORIZON' })
    const page = await srv.client.getRecords({ shardIterator })
    expect(page.records.map((r) => r.data.toString())).toEqual(['old-0-1', 'old-0-2', 'old-0-3', 'old-0-4', 'old-0-5'])
    for (const record of page.records) expect(record.sequenceNumber).toMatch(/^49\d{54}$/)
    // A current number of an old record names it too.
    expect(await readFrom(SHARD0, 'AT_SEQUENCE_NUMBER', page.records[3]!.sequenceNumber)).toEqual(['old-0-4', 'old-0-5'])
  })

  it.each([
    ['AT_SEQUENCE_NUMBER', 3, ['old-0-3', 'old-0-4', 'old-0-5']],
    ['AFTER_SEQUENCE_NUMBER', 3, ['old-0-4', 'old-0-5']],
    ['AT_SEQUENCE_NUMBER', 1, ['old-0-1', 'old-0-2', 'old-0-3', 'old-0-4', 'old-0-5']],
    ['AFTER_SEQUENCE_NUMBER', 5, []]
  ] as const)('GetShardIterator %s a legacy number (record %i) starts at the same record', async (type, counter, expected) => {
    expect(await readFrom(SHARD0, type, oldOf(0, counter).legacy)).toEqual(expected)
  })

  it('reads legacy numbers over the AWS-compatible HTTP API too', async () => {
    const { KinesisClient, GetShardIteratorCommand, GetRecordsCommand } = await import('@aws-sdk/client-kinesis')
    const kinesis = new KinesisClient({ endpoint: `http://127.0.0.1:${srv.server.httpPort}`, region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } })
    try {
      const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: STREAM, ShardId: SHARD1, ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', StartingSequenceNumber: oldOf(1, 2).legacy }))
      const { Records } = await kinesis.send(new GetRecordsCommand({ ShardIterator }))
      expect(Records!.map((r) => Buffer.from(r.Data!).toString())).toEqual(['old-1-3', 'old-1-4', 'old-1-5'])
    } finally {
      kinesis.destroy()
    }
  })

  it("refuses a legacy number of another shard, or of another generation, with AWS's error", async () => {
    const other = await expectCode(srv.client.getShardIterator({ streamName: STREAM, shardId: SHARD0, shardIteratorType: 'AT_SEQUENCE_NUMBER', startingSequenceNumber: oldOf(1, 3).legacy }), 'INVALID_SEQUENCE_NUMBER')
    expect(other.message).toContain('It encodes shardId-000000000001, while it was used in a call to a shard with shardId-000000000000')
    const record = oldOf(0, 3)
    const later = formatLegacySequenceNumber(doc.shards[0]!.generation + 1, 0, { ts: record.ts, counter: record.counter })
    await expectCode(srv.client.getShardIterator({ streamName: STREAM, shardId: SHARD0, shardIteratorType: 'AT_SEQUENCE_NUMBER', startingSequenceNumber: later }), 'INVALID_SEQUENCE_NUMBER')
  })

  it('reads with a legacy iterator issued before the upgrade', async () => {
    const record = oldOf(1, 4)
    const token = encodeLegacyIterator(new TokenSigner(secret), { streamId: doc.id, shard: 1, position: { ts: record.ts, counter: record.counter }, issuedAt: Date.now() })
    const page = await srv.client.getRecords({ shardIterator: token })
    expect(page.records.map((r) => r.data.toString())).toEqual(['old-1-4', 'old-1-5'])
    // Its next iterator is of the current layout.
    expect(Buffer.from(page.nextShardIterator!, 'base64').subarray(0, 8)).toEqual(Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]))
  })

  it('takes a legacy SequenceNumberForOrdering, and numbers new records above the old ones', async () => {
    const { sequenceNumber } = await srv.client.putRecord({ streamName: STREAM, partitionKey: 'pk-1', explicitHashKey: '0', data: Buffer.from('new-0'), sequenceNumberForOrdering: oldOf(0, 5).legacy })
    expect(BigInt(sequenceNumber)).toBeGreaterThan(BigInt(oldOf(0, 5).legacy))
    expect(await readFrom(SHARD0, 'AFTER_SEQUENCE_NUMBER', oldOf(0, 5).legacy)).toEqual(['new-0'])
    // A legacy number from the future is refused, as a current one is.
    const future = formatLegacySequenceNumber(0, 0, { ts: Date.now() + 3_600_000, counter: 1 })
    await expectCode(srv.client.putRecord({ streamName: STREAM, partitionKey: 'k', data: Buffer.from('x'), sequenceNumberForOrdering: future }), 'INVALID_SEQUENCE_NUMBER')
  })

  it('resumes a consumer from a checkpoint stored in the legacy layout in its lease table', async () => {
    const consumer = new Consumer({ endpoint: srv.endpoint, stream: STREAM, application: APPLICATION, workerId: 'after-upgrade', leaseDurationMs: 3000, checkpoint: { everyRecords: 1, everyMs: 60_000 } })
    const seen = new Map<string, string[]>()
    await consumer.run({ eachRecord: (record, batch) => { seen.set(batch.shardId, [...seen.get(batch.shardId) ?? [], record.data.toString()]) } })
    try {
      const deadline = Date.now() + 10_000
      while ((seen.get(SHARD0)?.length ?? 0) < 3 || (seen.get(SHARD1)?.length ?? 0) < PER_SHARD) {
        if (Date.now() > deadline) throw new Error(`gave up waiting for the records; saw ${JSON.stringify([...seen])}`)
        await sleep(50)
      }
    } finally {
      await consumer.stop()
    }
    // Shard 0 resumes after its checkpointed third record; shard 1 starts at its start.
    expect(seen.get(SHARD0)).toEqual(['old-0-4', 'old-0-5', 'new-0'])
    expect(seen.get(SHARD1)).toEqual(['old-1-1', 'old-1-2', 'old-1-3', 'old-1-4', 'old-1-5'])
  })
})
