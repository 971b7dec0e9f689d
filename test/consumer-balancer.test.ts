/**
 * The balancing plan on its own: fair shares, several donors at once, no move out of a
 * balanced state, lineage and in-transit leases respected. (The lease protocol around it is
 * exercised against the real server in the consumer-* suites.)
 */
import { describe, expect, it } from 'vitest'
import type { Lease } from '../client/index.js'
import { planBalance } from '../client/consumer/balancer.js'

const NOW = 1_000_000

function lease (key: string, owner: string, extra: Partial<Lease> = {}): Lease {
  return {
    leaseTable: 't',
    leaseKey: key,
    leaseOwner: owner,
    leaseCounter: 1,
    checkpoint: 'TRIM_HORIZON',
    checkpointSubSequenceNumber: 0,
    checkpointTimestamp: 0,
    ownerSwitchesSinceCheckpoint: 0,
    parentShardIds: [],
    childShardIds: [],
    expiresAt: owner === '' ? 0 : NOW + 5000,
    updatedAt: NOW,
    ...extra
  }
}
const presence = (worker: string, alive = true): Lease => lease(`__worker__.${worker}`, worker, { expiresAt: alive ? NOW + 5000 : NOW - 1 })
const shards = (owners: string[]): Lease[] => owners.map((o, i) => lease(`shard-${i}`, o))

function plan (me: string, leases: Lease[], maxLeases = Infinity) {
  return planBalance({ me, leases, now: NOW, maxLeases, ownerSince: () => 0 })
}

describe('planBalance', () => {
  it('takes free leases up to ⌈n/w⌉', () => {
    const p = plan('a', [presence('a'), presence('b'), presence('c'), ...shards(['', '', '', '', '', '', '', ''])])
    expect(p.take).toHaveLength(3)
    expect(p.steal).toEqual([])
    expect(p.target).toEqual({ min: 2, max: 3 })
  })

  it('takes expired leases, and counts only live workers', () => {
    const leases = [presence('a'), presence('dead', false), ...shards(['dead', 'dead', 'a', 'a']).map((l) => l.leaseOwner === 'dead' ? { ...l, expiresAt: NOW - 1 } : l)]
    const p = plan('a', leases)
    expect(p.workers).toBe(1)
    expect(p.take.map((l) => l.leaseKey).sort()).toEqual(['shard-0', 'shard-1'])
  })

  it('respects maxLeasesForWorker', () => {
    expect(plan('a', [presence('a'), ...shards(['', '', '', ''])], 1).take).toHaveLength(1)
  })

  it('a newcomer steals from several donors in one pass, never below ⌊n/w⌋', () => {
    const p = plan('d', [presence('a'), presence('b'), presence('c'), presence('d'), ...shards(['a', 'a', 'a', 'a', 'b', 'b', 'b', 'b', 'c', 'c'])])
    // n = 10, w = 4: shares 2..3; a and b hold 4, c 2.
    const from = p.steal.map((l) => l.leaseOwner).sort()
    expect(from).toEqual(['a', 'b'])
  })

  it('steals nothing once every worker holds ⌊n/w⌋ or ⌈n/w⌉', () => {
    const leases = [presence('a'), presence('b'), presence('c'), presence('d'), ...shards(['a', 'a', 'a', 'b', 'b', 'b', 'c', 'c', 'd', 'd'])]
    for (const me of ['a', 'b', 'c', 'd']) {
      const p = plan(me, leases)
      expect(p.take).toEqual([])
      expect(p.steal).toEqual([])
    }
  })

  it('a worker at ⌊n/w⌋ steals only from a donor above ⌈n/w⌉', () => {
    const p = plan('b', [presence('a'), presence('b'), presence('c'), ...shards(['a', 'a', 'a', 'a', 'b', 'b', 'c', 'c'])])
    // n = 8, w = 3: shares 2..3; a holds 4.
    expect(p.steal.map((l) => l.leaseOwner)).toEqual(['a'])
  })

  it('does not steal while a departed worker still holds leases', () => {
    const p = plan('b', [presence('b'), ...shards(['gone', 'gone', 'b'])])
    expect(p.steal).toEqual([])
    expect(p.take).toEqual([])
  })

  it('leaves children until every parent is at SHARD_END, and ended shards out of the count', () => {
    const leases = [
      presence('a'),
      lease('p1', '', { checkpoint: 'SHARD_END' }),
      lease('p2', 'b', { expiresAt: NOW - 1 }),
      lease('child', '', { parentShardIds: ['p1', 'p2'] })
    ]
    expect(plan('a', leases).take.map((l) => l.leaseKey)).toEqual(['p2'])
    const done = leases.map((l) => l.leaseKey === 'p2' ? { ...l, checkpoint: 'SHARD_END' } : l)
    const p = plan('a', done)
    expect(p.take.map((l) => l.leaseKey)).toEqual(['child'])
    expect(p.leases).toBe(1)
  })

  it('takes back leases held in its own name that it is not processing (a restart under the same id)', () => {
    const leases = [presence('a'), ...shards(['a', 'a', 'b'])]
    const p = planBalance({ me: 'a', leases, now: NOW, maxLeases: Infinity, ownerSince: () => 0, running: new Set(['shard-0']) })
    expect(p.recover.map((l) => l.leaseKey)).toEqual(['shard-1'])
  })
})
