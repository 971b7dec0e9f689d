/**
 * Graceful shutdown: on SIGINT or SIGTERM the server stops taking calls, lets in-flight
 * writes finish, closes the database and exits within 5 s; nothing acknowledged is lost.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { StreamClient, isShardlineError } from '../client/index.js'
import { startChildServer } from './helpers/child-server.js'
import { startServer } from './helpers/server.js'

let dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
  dirs = []
})

async function tempDir (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shardline-shutdown-'))
  dirs.push(dir)
  return dir
}

/** Reads every record of a one-shard stream and returns their sequence numbers. */
async function storedSequenceNumbers (dataDir: string, streamName: string): Promise<Set<string>> {
  const server = await startServer({ dataDir })
  try {
    let { shardIterator } = await server.client.getShardIterator({ streamName, shardId: 'shardId-000000000000', shardIteratorType: 'TRIM_HORIZON' })
    const out = new Set<string>()
    for (;;) {
      const page = await server.client.getRecords({ shardIterator })
      for (const r of page.records) out.add(r.sequenceNumber)
      if (page.records.length === 0) return out
      shardIterator = page.nextShardIterator!
    }
  } finally {
    await server.close()
  }
}

describe.each(['SIGTERM', 'SIGINT'] as const)('%s', (signal) => {
  it('exits 0 within 5 s under load and keeps every acknowledged write', async () => {
    const dataDir = await tempDir()
    const child = await startChildServer(['--data', dataDir, '--limits', 'off'])
    const client = new StreamClient({ endpoint: child.endpoint, deadlineMs: 5000 })
    await client.createStream({ streamName: 'orders', shardCount: 1 })
    const acked: string[] = []
    let refused = 0
    const run = { stop: false }
    const writers = Array.from({ length: 16 }, async (_, w) => {
      while (!run.stop) {
        try {
          const r = await client.putRecord({ streamName: 'orders', partitionKey: `w${w}`, data: Buffer.alloc(512, w) })
          acked.push(r.sequenceNumber)
        } catch (err) {
          if (!isShardlineError(err)) throw err
          refused += 1
          return
        }
      }
    })
    await sleep(500)
    const signalledAt = Date.now()
    child.process.kill(signal)
    const code = await child.exited
    const exitMs = Date.now() - signalledAt
    run.stop = true
    await Promise.all(writers)
    client.close()

    expect(code).toBe(0)
    expect(exitMs).toBeLessThan(5000)
    expect(child.stdout()).toContain(`${signal}, shutting down`)
    expect(acked.length).toBeGreaterThan(100)
    expect(refused).toBeGreaterThan(0)
    const stored = await storedSequenceNumbers(dataDir, 'orders')
    for (const seq of acked) expect(stored.has(seq), `acknowledged ${seq} lost`).toBe(true)
  }, 30_000)
})

describe('createServer().close()', () => {
  it('finishes writes already in flight before closing the database', async () => {
    const dataDir = await tempDir()
    const t = await startServer({ dataDir, limits: 'off' })
    await t.client.createStream({ streamName: 'inflight', shardCount: 1 })
    const puts = Array.from({ length: 500 }, (_, i) => t.client.putRecord({ streamName: 'inflight', partitionKey: `k${i}`, data: `v${i}` }))
    // Close as soon as the first write is acknowledged, while the rest are being written.
    await Promise.race(puts)
    const closing = t.server.close()
    const settled = await Promise.allSettled(puts)
    await closing
    t.client.close()
    const acked = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value.sequenceNumber] : []))
    expect(acked.length).toBeGreaterThan(1)
    const stored = await storedSequenceNumbers(dataDir, 'inflight')
    for (const seq of acked) expect(stored.has(seq)).toBe(true)
  })

  it('is idempotent', async () => {
    const t = await startServer()
    await Promise.all([t.server.close(), t.server.close()])
    await t.server.close()
    t.client.close()
    await expect(t.client.listStreams({})).rejects.toThrow()
  })
})
