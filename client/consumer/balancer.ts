/**
 * Decides, from the lease table as this worker sees it, which leases to take and which to
 * steal. A pure function: every worker runs it on its own view and acts only for itself.
 *
 * Fair share: with n processable leases and w live workers each worker ends with ⌊n/w⌋ or
 * ⌈n/w⌉. Free and expired leases are taken first, up to ⌈n/w⌉. Stealing happens only when
 * nothing is free or in transit, and only from a worker above the share: a worker below ⌊n/w⌋
 * takes from the most loaded donors (several in one pass), and a worker at ⌊n/w⌋ takes from a
 * donor above ⌈n/w⌉. A donor never drops below ⌊n/w⌋ because of one stealer, and a worker
 * within the share is never a donor, so once every count is ⌊n/w⌋ or ⌈n/w⌉ nothing moves
 * again, and no lease moves twice on the way there.
 */
import { isOwned, isPresenceKey, SHARD_END, type Lease } from './lease-api.js'

export interface BalanceInput {
  me: string
  /** Every lease of the table, presence leases included. */
  leases: Iterable<Lease>
  now: number
  maxLeases: number
  /** Local time at which each lease last changed hands; stealing prefers the longest held. */
  ownerSince: (leaseKey: string) => number
  /** Leases this worker is processing. Others in its name are a previous run's: taken back first. */
  running?: ReadonlySet<string>
}

export interface BalancePlan {
  /** Leases held in this worker's name that it is not processing (a restart with the same id). */
  recover: Lease[]
  take: Lease[]
  steal: Lease[]
  workers: number
  leases: number
  held: number
  target: { min: number, max: number }
}

/** A child is processed only once every parent it lists is checkpointed at SHARD_END (or gone). */
export function isReady (lease: Lease, table: ReadonlyMap<string, Lease>): boolean {
  if (lease.checkpoint === SHARD_END) return false
  return lease.parentShardIds.every((parent) => {
    const parentLease = table.get(parent)
    return parentLease === undefined || parentLease.checkpoint === SHARD_END
  })
}

/** A stable pseudo-random order per worker, so concurrent takers reach for different leases. */
function spread (me: string, key: string): number {
  let h = 2166136261
  for (const ch of me + '\u0000' + key) {
    h ^= ch.charCodeAt(0)
    h = Math.imul(h, 16777619)
  }
  return h >>> 0
}

export function planBalance (input: BalanceInput): BalancePlan {
  const { me, now } = input
  const table = new Map<string, Lease>()
  const workers = new Set<string>([me])
  for (const lease of input.leases) {
    if (isPresenceKey(lease.leaseKey)) {
      if (isOwned(lease, now)) workers.add(lease.leaseOwner)
    } else {
      table.set(lease.leaseKey, lease)
    }
  }
  const active = [...table.values()].filter((lease) => isReady(lease, table))
  const n = active.length
  const w = workers.size
  const min = Math.floor(n / w)
  const max = Math.ceil(n / w)
  const cap = Math.min(max, input.maxLeases)

  const counts = new Map<string, Lease[]>()
  for (const worker of workers) counts.set(worker, [])
  const free: Lease[] = []
  let inTransit = 0
  for (const lease of active) {
    if (!isOwned(lease, now)) free.push(lease)
    else if (workers.has(lease.leaseOwner)) counts.get(lease.leaseOwner)!.push(lease)
    // Held by a worker that has left the group but not yet released or expired: wait for it.
    else inTransit++
  }
  const mine = counts.get(me)!.length
  const running = input.running
  const recover = running === undefined ? [] : counts.get(me)!.filter((lease) => !running.has(lease.leaseKey))
  const plan: BalancePlan = { recover, take: [], steal: [], workers: w, leases: n, held: mine, target: { min, max } }

  if (free.length > 0 || inTransit > 0) {
    free.sort((a, b) => spread(me, a.leaseKey) - spread(me, b.leaseKey))
    plan.take = free.slice(0, Math.max(0, cap - mine))
    return plan
  }

  const donors = new Map<string, Lease[]>()
  for (const [worker, held] of counts) if (worker !== me) donors.set(worker, [...held])
  let have = mine
  while (have < cap) {
    let donor: string | undefined
    let most = -1
    for (const [worker, held] of donors) {
      if (held.length > most || (held.length === most && donor !== undefined && worker < donor)) {
        donor = worker
        most = held.length
      }
    }
    if (donor === undefined) break
    if (!(most > max || (have < min && most > min))) break
    const held = donors.get(donor)!
    held.sort((a, b) => (input.ownerSince(a.leaseKey) - input.ownerSince(b.leaseKey)) || (spread(me, a.leaseKey) - spread(me, b.leaseKey)))
    plan.steal.push(held.shift()!)
    have++
  }
  return plan
}
