/**
 * LeaseService wire shapes to the public types: proto-loader leaves zero values out
 * (defaults: false), so they are filled back in here.
 */
import type { Lease, LeaseChange, LeaseChangeType } from './lease-types.js'
import type { Wire } from './responses.js'

const CHANGE_TYPES: ReadonlySet<string> = new Set(['SNAPSHOT', 'SYNCED', 'CREATED', 'UPDATED', 'DELETED', 'EXPIRED', 'HEARTBEAT'])

export function toLease (wire: Wire<Lease>): Lease {
  const range = wire.hashKeyRange
  return {
    leaseTable: wire.leaseTable ?? '',
    leaseKey: wire.leaseKey ?? '',
    leaseOwner: wire.leaseOwner ?? '',
    leaseCounter: wire.leaseCounter ?? 0,
    checkpoint: wire.checkpoint ?? '',
    checkpointSubSequenceNumber: wire.checkpointSubSequenceNumber ?? 0,
    checkpointTimestamp: wire.checkpointTimestamp ?? 0,
    ownerSwitchesSinceCheckpoint: wire.ownerSwitchesSinceCheckpoint ?? 0,
    parentShardIds: wire.parentShardIds ?? [],
    childShardIds: wire.childShardIds ?? [],
    ...(range === undefined ? {} : { hashKeyRange: { startingHashKey: range.startingHashKey ?? '0', endingHashKey: range.endingHashKey ?? '0' } }),
    expiresAt: wire.expiresAt ?? 0,
    updatedAt: wire.updatedAt ?? 0
  }
}

/** Undefined for a type this client does not know (from a newer server): nothing to act on. */
export function toLeaseChange (wire: Wire<LeaseChange>): LeaseChange | undefined {
  const type = wire.type ?? 'TYPE_UNSPECIFIED'
  if (!CHANGE_TYPES.has(type)) return undefined
  return {
    type: type as LeaseChangeType,
    ...(wire.lease === undefined ? {} : { lease: toLease(wire.lease) }),
    serverTimeMs: wire.serverTimeMs ?? 0
  }
}
