/**
 * What the consumer needs of the lease table, and the clock it judges expiry by.
 *
 * The consumer talks to LeaseService only through this narrow surface (LeaseClient fits it),
 * so the coordination logic can be read without the gRPC plumbing.
 */
import { isShardlineError, type ShardlineError } from '../errors.js'
import type { LeaseClient } from '../lease-client.js'
import type { Lease, LeaseChange } from '../lease-types.js'

export type { Lease, LeaseChange }

export type LeaseApi = Pick<LeaseClient, 'createLeaseIfAbsent' | 'updateLease' | 'deleteLease' | 'listLeases' | 'watchLeases'>

export const SHARD_END = 'SHARD_END'

/**
 * Keys of the workers' presence leases. A worker holds one while it runs, so every worker can
 * count the group (the divisor of a fair share) even when some hold no shard lease.
 */
export const PRESENCE_PREFIX = '__worker__.'

export function isPresenceKey (leaseKey: string): boolean {
  return leaseKey.startsWith(PRESENCE_PREFIX)
}

/**
 * The server's clock as seen from here: every response carries server_time_ms, and expiry is
 * judged against it (never the local clock), so skew between machines cannot make two owners.
 * Between observations it advances with the local monotonic clock.
 */
export class ServerClock {
  #serverMs = 0
  #localMs = 0

  observe (serverTimeMs: number): void {
    // Answers arrive out of order; a late one (older than the last seen) must not move the
    // clock back. Any newer one replaces the estimate, so local drift never accumulates.
    if (serverTimeMs > this.#serverMs) {
      this.#serverMs = serverTimeMs
      this.#localMs = performance.now()
    }
  }

  now (): number {
    if (this.#serverMs === 0) return Date.now()
    return this.#serverMs + (performance.now() - this.#localMs)
  }
}

/** True when the lease has an owner whose time has not run out. */
export function isOwned (lease: Lease, now: number): boolean {
  return lease.leaseOwner !== '' && lease.expiresAt > now
}

/** The error when it is a lost compare-and-set; it carries the lease as it is now. */
export function leaseCounterMismatch (err: unknown): ShardlineError | undefined {
  return isShardlineError(err) && err.code === 'LEASE_COUNTER_MISMATCH' ? err : undefined
}

/** The stable code of an error the clients reject with; undefined for anything else. */
export function errorCode (err: unknown): string | undefined {
  return isShardlineError(err) ? err.code : undefined
}

export function isRetriable (err: unknown): boolean {
  return isShardlineError(err) && err.retriable
}

export { sleep } from '../sleep.js'
