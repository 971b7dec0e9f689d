/**
 * Crash safety: a server killed with SIGKILL while writing loses nothing it acknowledged.
 * The server runs as a real child process; writers in this process record every
 * acknowledgement, then the data directory is reopened and checked record by record.
 */
import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { StreamClient } from '../client/index.js'
import { startChildServer } from './helpers/child-server.js'
import { startServer } from './helpers/server.js'

const STREAM = 'crash'
const PRODUCERS = 12

/** A payload that proves itself whole: key, counter, filler and a digest of all three. */
function payload (key: string, counter: number): Buffer {
  const body = `${key}:${counter}:${'x'.repeat(200 + (counter % 300))}`
  return Buffer.from(`${body}|${createHash('sha256').update(body).digest('hex')}`)
}

function parsePayload (data: Buffer): { key: string, counter: number } | undefined {
  const text = data.toString('utf8')
  const bar = text.lastIndexOf('|')
  const body = text.slice(0, bar)
  if (bar < 0 || createHash('sha256').update(body).digest('hex') !== text.slice(bar + 1)) return undefined
  const [key, counter] = body.split(':')
  return { key: key!, counter: Number(counter) }
}

interface Ack { shardId: string, sequenceNumber: string }

let dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
  dirs = []
})

async function crashAndCheck (extraFlags: string[]): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'shardline-crash-'))
  dirs.push(dataDir)
  const child = await startChildServer(['--data', dataDir, '--limits', 'off', ...extraFlags])
  const client = new StreamClient({ endpoint: child.endpoint, deadlineMs: 5000 })
  await client.createStream({ streamName: STREAM, shardCount: 3 })

  const acked = new Map<string, Ack>()
  const run = { stop: false }
  // Single-record producers, one key each, one record in flight at a time.
  const single = Array.from({ length: PRODUCERS }, async (_, p) => {
    const key = `single-${p}`
    for (let counter = 0; !run.stop; counter++) {
      try {
        const r = await client.putRecord({ streamName: STREAM, partitionKey: key, data: payload(key, counter) })
        acked.set(`${key}:${counter}`, { shardId: r.shardId, sequenceNumber: r.sequenceNumber })
      } catch {
        return
      }
    }
  })
  // Batch producers: each PutRecords carries 50 consecutive counters of one key.
  const batched = Array.from({ length: 4 }, async (_, p) => {
    const key = `batch-${p}`
    for (let base = 0; !run.stop; base += 50) {
      const records = Array.from({ length: 50 }, (_, i) => ({ partitionKey: key, data: payload(key, base + i) }))
      try {
        const r = await client.putRecords({ streamName: STREAM, records })
        r.records.forEach((entry, i) => {
          if (entry.sequenceNumber !== undefined) acked.set(`${key}:${base + i}`, { shardId: entry.shardId!, sequenceNumber: entry.sequenceNumber })
        })
      } catch {
        return
      }
    }
  })
  await sleep(1500)
  child.process.kill('SIGKILL')
  expect(await child.exited).toBe('SIGKILL')
  run.stop = true
  await Promise.all([...single, ...batched])
  client.close()
  expect(acked.size).toBeGreaterThan(1000)

  const reopened = await startServer({ dataDir, limits: 'off' })
  try {
    const { shards } = await reopened.client.listShards({ streamName: STREAM })
    const seen = new Map<string, Ack>()
    const countersByKey = new Map<string, number[]>()
    let lastSequenceOverall = ''
    for (const shard of shards) {
      let { shardIterator } = await reopened.client.getShardIterator({ streamName: STREAM, shardId: shard.shardId, shardIteratorType: 'TRIM_HORIZON' })
      let previous = ''
      for (;;) {
        const page = await reopened.client.getRecords({ shardIterator, limit: 10_000 })
        for (const record of page.records) {
          const parsed = parsePayload(record.data)
          expect(parsed, `record ${record.sequenceNumber} is damaged`).toBeDefined()
          const id = `${parsed!.key}:${parsed!.counter}`
          expect(seen.has(id), `duplicate ${id}`).toBe(false)
          expect(record.sequenceNumber > previous).toBe(true)
          previous = record.sequenceNumber
          if (record.sequenceNumber > lastSequenceOverall) lastSequenceOverall = record.sequenceNumber
          seen.set(id, { shardId: shard.shardId, sequenceNumber: record.sequenceNumber })
          const list = countersByKey.get(parsed!.key) ?? []
          list.push(parsed!.counter)
          countersByKey.set(parsed!.key, list)
        }
        if (page.records.length === 0 || page.nextShardIterator === undefined) break
        shardIterator = page.nextShardIterator
      }
    }
    // Every acknowledged record is there, with the sequence number it was acknowledged with.
    for (const [id, ack] of acked) expect(seen.get(id), `acknowledged ${id} is missing`).toEqual(ack)
    // No gaps: each key's stored counters are 0..n in order (at most the unacknowledged
    // tail beyond the last acknowledgement may be missing).
    for (const [key, counters] of countersByKey) {
      expect(counters, `counters of ${key}`).toEqual(counters.map((_, i) => i))
    }
    // New writes after the restart sort after everything written before the crash.
    const after = await reopened.client.putRecord({ streamName: STREAM, partitionKey: 'single-0', data: 'after' })
    const before = [...seen.values()].filter((a) => a.shardId === after.shardId).map((a) => a.sequenceNumber).sort().pop() ?? ''
    expect(after.sequenceNumber > before).toBe(true)
  } finally {
    await reopened.close()
  }
}

describe('crash safety (SIGKILL under load)', () => {
  it('keeps every acknowledged record without --sync', async () => {
    await crashAndCheck([])
  }, 60_000)

  it('keeps every acknowledged record with --sync', async () => {
    await crashAndCheck(['--sync'])
  }, 60_000)
})
