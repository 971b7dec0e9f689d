/**
 * Request and response shapes of shardline.v1.LeaseService, with the proto field names in
 * lowerCamelCase. Leases are normalised: every field is present (zero values filled in)
 * except `hashKeyRange`, which is present only when the lease has one.
 */
import type { HashKeyRange } from './types.js'

export interface Lease {
  leaseTable: string
  /** The shard id. */
  leaseKey: string
  /** Worker id of the holder; '' when nobody holds the lease. */
  leaseOwner: string
  /** 1 on creation, +1 on every successful write: the compare-and-set token. */
  leaseCounter: number
  /** A sequence number, or TRIM_HORIZON, LATEST, AT_TIMESTAMP or SHARD_END. */
  checkpoint: string
  checkpointSubSequenceNumber: number
  /** With checkpoint AT_TIMESTAMP: the timestamp, ms. */
  checkpointTimestamp: number
  ownerSwitchesSinceCheckpoint: number
  parentShardIds: string[]
  childShardIds: string[]
  hashKeyRange?: HashKeyRange
  /** Server clock, ms; 0 when unowned. Compare with a response's serverTimeMs, never the local clock. */
  expiresAt: number
  /** Server clock, ms, of the last successful write. */
  updatedAt: number
}

export type LeaseChangeType = 'SNAPSHOT' | 'SYNCED' | 'CREATED' | 'UPDATED' | 'DELETED' | 'EXPIRED' | 'HEARTBEAT'

export interface LeaseChange {
  type: LeaseChangeType
  /** The lease after the change (before it, for DELETED); absent for SYNCED and HEARTBEAT. */
  lease?: Lease
  serverTimeMs: number
}

export interface CreateLeaseIfAbsentInput {
  /** 1 to 128 characters: letters, digits, '_', '-', '.'. */
  leaseTable: string
  /** 1 to 256 characters. */
  leaseKey: string
  /** Default TRIM_HORIZON. */
  checkpoint?: string
  checkpointSubSequenceNumber?: number
  checkpointTimestamp?: number
  parentShardIds?: string[]
  childShardIds?: string[]
  hashKeyRange?: HashKeyRange
  /** Omitted or '': created unowned. */
  leaseOwner?: string
  /** Required with a leaseOwner: 1 ms to 24 h. */
  leaseDurationMs?: number
}

export interface CreateLeaseIfAbsentOutput {
  /** The lease now in the table: the new one, or the one that was already there. */
  lease: Lease
  created: boolean
  serverTimeMs: number
}

/** Fields left out keep their current value. */
export interface UpdateLeaseInput {
  leaseTable: string
  leaseKey: string
  /** The leaseCounter last seen; a different current counter fails with LEASE_COUNTER_MISMATCH. */
  expectedLeaseCounter: number
  /** '' releases the lease (expiresAt becomes 0). A non-empty owner needs leaseDurationMs. */
  leaseOwner?: string
  /** Renews (or, with a new owner, takes) the lease until server now + this. 1 ms to 24 h. */
  leaseDurationMs?: number
  checkpoint?: string
  checkpointSubSequenceNumber?: number
  checkpointTimestamp?: number
  /** Replaces the list ([] clears it). */
  childShardIds?: string[]
}

export interface UpdateLeaseOutput {
  lease: Lease
  serverTimeMs: number
}

export interface DeleteLeaseInput {
  leaseTable: string
  leaseKey: string
  expectedLeaseCounter: number
}

export interface DeleteLeaseOutput {
  serverTimeMs: number
}

export interface ListLeasesInput {
  leaseTable: string
  /** Only leases held by this owner; '' selects unowned leases. */
  leaseOwner?: string
}

export interface ListLeasesOutput {
  /** Ordered by leaseKey. */
  leases: Lease[]
  serverTimeMs: number
}

export interface WatchLeasesInput {
  leaseTable: string
  /** First every lease as SNAPSHOT, then SYNCED, then live changes. */
  sendInitial: boolean
}
