/**
 * WatchLeases: the initial snapshot, live changes in commit order, EXPIRED from the server
 * clock, heartbeats, cancellation and shutdown.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LeaseClient, isShardlineError, type LeaseChange, type LeaseWatch } from '../client/index.js'
import { expectSerializationFailed, message, tag, varint, WireType } from './helpers/protowire.js'
import { expectCode, ManualClock, startServer, uniqueName, type TestServer } from './helpers/server.js'

const HEARTBEAT_MS = 300
const clock = new ManualClock()
let srv: TestServer
let leases: LeaseClient

beforeAll(async () => {
  srv = await startServer({ clock: clock.now, leaseWatchHeartbeatMs: HEARTBEAT_MS })
  leases = new LeaseClient({ endpoint: srv.endpoint })
})

afterAll(async () => {
  leases?.close()
  await srv?.close()
})

/** Reads a watch in the background; `next(filter)` waits for the next matching change. */
class Reader {
  readonly seen: LeaseChange[] = []
  private waiters: Array<() => void> = []
  private cursor = 0
  failure: unknown
  ended = false
  readonly done: Promise<void>

  constructor (readonly watch: LeaseWatch) {
    this.done = (async () => {
      try {
        for await (const change of watch) {
          this.seen.push(change)
          this.notify()
        }
      } catch (err) {
        this.failure = err
      } finally {
        this.ended = true
        this.notify()
      }
    })()
  }

  /** The next change (after those already taken) that is not a HEARTBEAT. */
  async next (timeoutMs = 10_000, includeHeartbeats = false): Promise<LeaseChange> {
    const giveUp = Date.now() + timeoutMs
    for (;;) {
      while (this.cursor < this.seen.length) {
        const change = this.seen[this.cursor++]!
        if (includeHeartbeats || change.type !== 'HEARTBEAT') return change
      }
      if (this.ended) throw new Error(`the watch ended (${String(this.failure)}) while a change was expected`)
      const left = giveUp - Date.now()
      if (left <= 0) throw new Error(`no change within ${timeoutMs} ms; seen ${JSON.stringify(this.seen.map((c) => c.type))}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.waiters.push(() => { clearTimeout(timer); resolve() })
      })
    }
  }

  private notify (): void {
    const waiters = this.waiters
    this.waiters = []
    for (const w of waiters) w()
  }
}

async function syncedReader (leaseTable: string): Promise<{ reader: Reader, snapshot: LeaseChange[] }> {
  const reader = new Reader(leases.watchLeases({ leaseTable, sendInitial: true }))
  const snapshot: LeaseChange[] = []
  for (;;) {
    const change = await reader.next()
    if (change.type === 'SYNCED') return { reader, snapshot }
    snapshot.push(change)
  }
}

describe('WatchLeases', () => {
  it('sends every lease as SNAPSHOT in key order, then SYNCED without a lease', async () => {
    const leaseTable = uniqueName('app')
    await leases.createLeaseIfAbsent({ leaseTable, leaseKey: 'b', leaseOwner: 'w', leaseDurationMs: 60_000 })
    await leases.createLeaseIfAbsent({ leaseTable, leaseKey: 'a' })
    const { reader, snapshot } = await syncedReader(leaseTable)
    try {
      expect(snapshot.map((c) => [c.type, c.lease?.leaseKey])).toEqual([['SNAPSHOT', 'a'], ['SNAPSHOT', 'b']])
      expect(snapshot[1]!.lease!.leaseOwner).toBe('w')
      expect(snapshot[0]!.serverTimeMs).toBe(clock.time)
      const synced = reader.seen.find((c) => c.type === 'SYNCED')!
      expect(synced.lease).toBeUndefined()
      expect(synced.serverTimeMs).toBe(clock.time)
    } finally {
      reader.watch.cancel()
      await reader.done
    }
  })

  it('streams CREATED, UPDATED and DELETED as writes commit, with the lease after (before, for DELETED) the change', async () => {
    const leaseTable = uniqueName('app')
    const { reader, snapshot } = await syncedReader(leaseTable)
    try {
      expect(snapshot).toEqual([])
      const { lease: created } = await leases.createLeaseIfAbsent({ leaseTable, leaseKey: 'k' })
      expect(await reader.next()).toEqual({ type: 'CREATED', lease: created, serverTimeMs: clock.time })
      // A create that finds the lease writes nothing and reports nothing.
      await leases.createLeaseIfAbsent({ leaseTable, leaseKey: 'k' })
      const { lease: taken } = await leases.updateLease({ leaseTable, leaseKey: 'k', expectedLeaseCounter: 1, leaseOwner: 'w', leaseDurationMs: 60_000 })
      expect(await reader.next()).toEqual({ type: 'UPDATED', lease: taken, serverTimeMs: clock.time })
      await expectCode(leases.updateLease({ leaseTable, leaseKey: 'k', expectedLeaseCounter: 1, checkpoint: '1' }), 'LEASE_COUNTER_MISMATCH')
      await leases.deleteLease({ leaseTable, leaseKey: 'k', expectedLeaseCounter: 2 })
      expect(await reader.next()).toEqual({ type: 'DELETED', lease: taken, serverTimeMs: clock.time })
      // Other tables are not reported.
      await leases.createLeaseIfAbsent({ leaseTable: `${leaseTable}-other`, leaseKey: 'k' })
      await leases.createLeaseIfAbsent({ leaseTable, leaseKey: 'last' })
      expect((await reader.next()).lease!.leaseKey).toBe('last')
    } finally {
      reader.watch.cancel()
      await reader.done
    }
  })

  it('without send_initial, sends only live changes', async () => {
    const leaseTable = uniqueName('app')
    await leases.createLeaseIfAbsent({ leaseTable, leaseKey: 'old' })
    const reader = new Reader(leases.watchLeases({ leaseTable, sendInitial: false }))
    try {
      // The watch is live once a heartbeat arrives.
      expect((await reader.next(10_000, true)).type).toBe('HEARTBEAT')
      await leases.createLeaseIfAbsent({ leaseTable, leaseKey: 'new' })
      const change = await reader.next()
      expect([change.type, change.lease!.leaseKey]).toEqual(['CREATED', 'new'])
      expect(reader.seen.some((c) => c.type === 'SNAPSHOT' || c.type === 'SYNCED')).toBe(false)
    } finally {
      reader.watch.cancel()
      await reader.done
    }
  })

  it('reports EXPIRED once when the server clock passes expires_at without a renewal, and again after a renewal expires', async () => {
    const leaseTable = uniqueName('app')
    const { lease } = await leases.createLeaseIfAbsent({ leaseTable, leaseKey: 'k', leaseOwner: 'w', leaseDurationMs: 10_000 })
    await leases.createLeaseIfAbsent({ leaseTable, leaseKey: 'unowned' })
    const { reader } = await syncedReader(leaseTable)
    try {
      clock.advance(9_999)
      await new Promise((resolve) => setTimeout(resolve, 600))
      expect(reader.seen.filter((c) => c.type === 'EXPIRED')).toEqual([])
      clock.advance(1)
      const expired = await reader.next()
      expect(expired).toEqual({ type: 'EXPIRED', lease, serverTimeMs: lease.expiresAt })
      // Once per expiry: no repeat while nothing changes.
      clock.advance(5000)
      await new Promise((resolve) => setTimeout(resolve, 600))
      expect(reader.seen.filter((c) => c.type === 'EXPIRED')).toHaveLength(1)
      // A take renews it; its new expiry is reported in its turn.
      const { lease: taken } = await leases.updateLease({ leaseTable, leaseKey: 'k', expectedLeaseCounter: 1, leaseOwner: 'v', leaseDurationMs: 2000 })
      expect((await reader.next()).type).toBe('UPDATED')
      clock.advance(2000)
      expect(await reader.next()).toEqual({ type: 'EXPIRED', lease: taken, serverTimeMs: clock.time })
      // Released leases never expire.
      await leases.updateLease({ leaseTable, leaseKey: 'k', expectedLeaseCounter: 2, leaseOwner: '' })
      expect((await reader.next()).type).toBe('UPDATED')
      clock.advance(100_000)
      await new Promise((resolve) => setTimeout(resolve, 600))
      expect(reader.seen.filter((c) => c.type === 'EXPIRED')).toHaveLength(2)
    } finally {
      reader.watch.cancel()
      await reader.done
    }
  })

  it('reports a lease that expired while nobody watched to the next watcher', async () => {
    const leaseTable = uniqueName('app')
    const { lease } = await leases.createLeaseIfAbsent({ leaseTable, leaseKey: 'k', leaseOwner: 'w', leaseDurationMs: 1000 })
    clock.advance(1000)
    const { reader } = await syncedReader(leaseTable)
    try {
      const change = await reader.next()
      expect([change.type, change.lease]).toEqual(['EXPIRED', lease])
    } finally {
      reader.watch.cancel()
      await reader.done
    }
  })

  it('sends HEARTBEAT with the server time when idle', async () => {
    const leaseTable = uniqueName('app')
    const { reader } = await syncedReader(leaseTable)
    try {
      const started = Date.now()
      const beat = await reader.next(10_000, true)
      expect(beat.type).toBe('HEARTBEAT')
      expect(beat.lease).toBeUndefined()
      expect(beat.serverTimeMs).toBe(clock.time)
      expect(Date.now() - started).toBeGreaterThanOrEqual(HEARTBEAT_MS - 50)
    } finally {
      reader.watch.cancel()
      await reader.done
    }
  })

  it('serves many watchers of one table, each with every change', async () => {
    const leaseTable = uniqueName('app')
    const readers = await Promise.all(Array.from({ length: 5 }, async () => (await syncedReader(leaseTable)).reader))
    try {
      for (let i = 0; i < 10; i++) await leases.createLeaseIfAbsent({ leaseTable, leaseKey: `k${i}` })
      for (const reader of readers) {
        const keys: string[] = []
        for (let i = 0; i < 10; i++) keys.push((await reader.next()).lease!.leaseKey)
        expect(keys).toEqual(Array.from({ length: 10 }, (_, i) => `k${i}`))
      }
    } finally {
      for (const reader of readers) reader.watch.cancel()
      await Promise.all(readers.map((r) => r.done))
    }
  })

  it('ends quietly on cancel, and keeps serving other watchers', async () => {
    const leaseTable = uniqueName('app')
    const { reader: leaving } = await syncedReader(leaseTable)
    const { reader: staying } = await syncedReader(leaseTable)
    leaving.watch.cancel()
    await leaving.done
    expect(leaving.failure).toBeUndefined()
    await leases.createLeaseIfAbsent({ leaseTable, leaseKey: 'k' })
    expect((await staying.next()).type).toBe('CREATED')
    staying.watch.cancel()
    await staying.done
  })

  it('ends when the iterating loop breaks', async () => {
    const leaseTable = uniqueName('app')
    await leases.createLeaseIfAbsent({ leaseTable, leaseKey: 'k' })
    const types: string[] = []
    for await (const change of leases.watchLeases({ leaseTable, sendInitial: true })) {
      types.push(change.type)
      if (change.type === 'SYNCED') break
    }
    expect(types).toEqual(['SNAPSHOT', 'SYNCED'])
  })

  it('rejects a bad table name with VALIDATION_FAILED and an undecodable request with SERIALIZATION_FAILED', async () => {
    const reader = new Reader(leases.watchLeases({ leaseTable: 'no spaces', sendInitial: true }))
    await reader.done
    expect(isShardlineError(reader.failure) && reader.failure.code).toBe('VALIDATION_FAILED')
    const { Client, credentials } = await import('@grpc/grpc-js')
    const raw = new Client(srv.endpoint, credentials.createInsecure())
    const result = await new Promise<{ code: number, details: string, metadata: Record<string, string> }>((resolve) => {
      const call = raw.makeServerStreamRequest('/shardline.v1.LeaseService/WatchLeases', (b: Buffer) => b, (b: Buffer) => b, message(tag(1, WireType.VARINT), varint(1)))
      call.on('data', () => {})
      call.on('error', (err: { code: number, details: string, metadata: { getMap: () => Record<string, unknown> } }) => {
        const metadata: Record<string, string> = {}
        for (const [k, v] of Object.entries(err.metadata.getMap())) metadata[k] = String(v)
        resolve({ code: err.code, details: err.details, metadata })
      })
    })
    raw.close()
    expectSerializationFailed(result)
  })
})

describe('WatchLeases with a slow reader', () => {
  it('holds the latest change per lease instead of every write, and loses no final state', async () => {
    const leaseTable = uniqueName('app')
    await leases.createLeaseIfAbsent({ leaseTable, leaseKey: 'hot' })
    await leases.createLeaseIfAbsent({ leaseTable, leaseKey: 'cold' })
    const iterator = leases.watchLeases({ leaseTable, sendInitial: true })[Symbol.asyncIterator]()
    const types: string[] = []
    while (types.at(-1) !== 'SYNCED') types.push((await iterator.next()).value!.type)
    // Nobody reads while the writes go on: flow control stops the server, which keeps only
    // the newest change of each lease.
    const writes = 3000
    for (let counter = 1; counter <= writes; counter++) {
      await leases.updateLease({ leaseTable, leaseKey: 'hot', expectedLeaseCounter: counter, checkpoint: String(counter) })
    }
    const { lease: cold } = await leases.updateLease({ leaseTable, leaseKey: 'cold', expectedLeaseCounter: 1, checkpoint: 'SHARD_END' })
    let updates = 0
    let hot = 0
    let coldSeen = false
    while (hot < writes + 1 || !coldSeen) {
      const change = (await iterator.next()).value!
      if (change.type === 'HEARTBEAT') continue
      expect(change.type).toBe('UPDATED')
      updates++
      if (change.lease!.leaseKey === 'hot') {
        expect(change.lease!.leaseCounter).toBeGreaterThan(hot)
        hot = change.lease!.leaseCounter
      } else {
        expect(change.lease).toEqual(cold)
        coldSeen = true
      }
    }
    expect(updates).toBeLessThan(writes)
    await iterator.return?.()
  })
})

describe('WatchLeases and shutdown', () => {
  it('ends watches with SHUTTING_DOWN when the server closes', async () => {
    const own = await startServer({ clock: clock.now })
    const client = new LeaseClient({ endpoint: own.endpoint })
    const leaseTable = uniqueName('app')
    const reader = new Reader(client.watchLeases({ leaseTable, sendInitial: true }))
    expect((await reader.next()).type).toBe('SYNCED')
    const started = Date.now()
    await own.server.close()
    await reader.done
    // Well inside the 3 s grace period: the watch did not hold the shutdown up.
    expect(Date.now() - started).toBeLessThan(2500)
    expect(isShardlineError(reader.failure) && reader.failure.code).toBe('SHUTTING_DOWN')
    expect(isShardlineError(reader.failure) && reader.failure.retriable).toBe(true)
    client.close()
  })
})
