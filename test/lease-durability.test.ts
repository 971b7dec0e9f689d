/**
 * Lease writes are acknowledged only once durable: a server killed with SIGKILL while
 * workers race on compare-and-set loses no acknowledged write, and the counters it
 * restarts with still fence stale writers.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { LeaseClient, isShardlineError } from '../client/index.js'
import { startChildServer } from './helpers/child-server.js'
import { startServer } from './helpers/server.js'

const KEYS = ['shardId-000000000000', 'shardId-000000000001', 'shardId-000000000002']
const WORKERS = 4

it('keeps every acknowledged lease write across a SIGKILL', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'shardline-leases-'))
  const child = await startChildServer(['--data', dataDir])
  const client = new LeaseClient({ endpoint: child.endpoint })
  const leaseTable = 'crash-app'
  /** The highest counter the server acknowledged, per key, and the checkpoint it carried. */
  const acknowledged = new Map<string, { counter: number, checkpoint: string }>()
  // Shared with the workers, which run concurrently; an object keeps the linter from
  // reading the loops below as never-ending.
  const run = { stop: false, writes: 0 }
  try {
    for (const leaseKey of KEYS) {
      const { lease } = await client.createLeaseIfAbsent({ leaseTable, leaseKey })
      acknowledged.set(leaseKey, { counter: lease.leaseCounter, checkpoint: lease.checkpoint })
    }
    const workers = Array.from({ length: WORKERS }, async (_, w) => {
      let n = 0
      while (!run.stop) {
        const leaseKey = KEYS[n % KEYS.length]!
        const expected = acknowledged.get(leaseKey)!.counter
        const checkpoint = String(w * 1_000_000 + n++)
        try {
          const { lease } = await client.updateLease({ leaseTable, leaseKey, expectedLeaseCounter: expected, leaseOwner: `w${w}`, leaseDurationMs: 10_000, checkpoint })
          const known = acknowledged.get(leaseKey)!
          if (lease.leaseCounter > known.counter) acknowledged.set(leaseKey, { counter: lease.leaseCounter, checkpoint })
          run.writes++
        } catch (err) {
          if (!isShardlineError(err)) throw err
          if (err.code === 'LEASE_COUNTER_MISMATCH') continue
          return // the server is gone
        }
      }
    })
    const giveUp = Date.now() + 20_000
    while (run.writes < 200 && Date.now() < giveUp) await new Promise((resolve) => setTimeout(resolve, 10))
    expect(run.writes).toBeGreaterThanOrEqual(200)
    child.process.kill('SIGKILL')
    expect(await child.exited).toBe('SIGKILL')
    run.stop = true
    await Promise.all(workers)
  } finally {
    run.stop = true
    client.close()
    child.process.kill('SIGKILL')
  }

  const restarted = await startServer({ dataDir })
  const after = new LeaseClient({ endpoint: restarted.endpoint })
  try {
    const { leases } = await after.listLeases({ leaseTable })
    expect(leases.map((l) => l.leaseKey)).toEqual(KEYS)
    for (const lease of leases) {
      const known = acknowledged.get(lease.leaseKey)!
      // A write may have become durable without its answer arriving, so the stored counter
      // can be ahead of the acknowledged one, never behind it.
      expect(lease.leaseCounter).toBeGreaterThanOrEqual(known.counter)
      if (lease.leaseCounter === known.counter) expect(lease.checkpoint).toBe(known.checkpoint)
      const stale = after.updateLease({ leaseTable, leaseKey: lease.leaseKey, expectedLeaseCounter: lease.leaseCounter - 1, checkpoint: '1' })
      await expect(stale).rejects.toMatchObject({ code: 'LEASE_COUNTER_MISMATCH' })
    }
  } finally {
    after.close()
    await restarted.close()
    await rm(dataDir, { recursive: true, force: true })
  }
})
