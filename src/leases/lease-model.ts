/**
 * A lease and the rules of a write, without storage or concurrency: what a new lease looks
 * like, and what an update does to the server-maintained fields.
 */

export interface HashRange {
  readonly start: string
  readonly end: string
}

export interface Lease {
  readonly table: string
  readonly key: string
  /** Empty when nobody holds the lease. */
  readonly owner: string
  /** 1 on creation, +1 on every write; the compare-and-set revision. */
  readonly counter: number
  readonly checkpoint: string
  readonly checkpointSubSequenceNumber: number
  readonly checkpointTimestamp: number
  readonly ownerSwitchesSinceCheckpoint: number
  readonly parentShardIds: readonly string[]
  readonly childShardIds: readonly string[]
  readonly hashKeyRange?: HashRange | undefined
  /** Server clock, ms; 0 when unowned. */
  readonly expiresAt: number
  /** Server clock, ms, of the last write. */
  readonly updatedAt: number
}

export interface NewLease {
  readonly key: string
  readonly checkpoint?: string | undefined
  readonly checkpointSubSequenceNumber?: number | undefined
  readonly checkpointTimestamp?: number | undefined
  readonly parentShardIds?: readonly string[] | undefined
  readonly childShardIds?: readonly string[] | undefined
  readonly hashKeyRange?: HashRange | undefined
  readonly owner?: string | undefined
  readonly durationMs?: number | undefined
}

/** Fields left undefined keep their current value. */
export interface LeaseUpdate {
  readonly owner?: string | undefined
  readonly durationMs?: number | undefined
  readonly checkpoint?: string | undefined
  readonly checkpointSubSequenceNumber?: number | undefined
  readonly checkpointTimestamp?: number | undefined
  readonly childShardIds?: readonly string[] | undefined
}

export const DEFAULT_CHECKPOINT = 'TRIM_HORIZON'

/** expires_at for a write that leaves `owner`: renewed when it carries a duration, 0 when unowned. */
function expiryAfter (owner: string, durationMs: number | undefined, now: number, previous: number): number {
  if (owner === '') return 0
  return durationMs === undefined ? previous : now + durationMs
}

export function newLease (table: string, input: NewLease, now: number): Lease {
  const owner = input.owner ?? ''
  return {
    table,
    key: input.key,
    owner,
    counter: 1,
    checkpoint: input.checkpoint ?? DEFAULT_CHECKPOINT,
    checkpointSubSequenceNumber: input.checkpointSubSequenceNumber ?? 0,
    checkpointTimestamp: input.checkpointTimestamp ?? 0,
    ownerSwitchesSinceCheckpoint: 0,
    parentShardIds: [...(input.parentShardIds ?? [])],
    childShardIds: [...(input.childShardIds ?? [])],
    ...(input.hashKeyRange === undefined ? {} : { hashKeyRange: input.hashKeyRange }),
    expiresAt: expiryAfter(owner, input.durationMs, now, 0),
    updatedAt: now
  }
}

/**
 * The lease after a successful write. Owner switches count, as in the KCL, only a change
 * from one holder to a different one: taking an unowned (released or new) lease is not a
 * switch. Writing the checkpoint resets the count, even in the same write as a switch,
 * since the new owner has then made progress.
 */
export function applyUpdate (current: Lease, update: LeaseUpdate, now: number): Lease {
  const owner = update.owner ?? current.owner
  const switched = current.owner !== '' && owner !== '' && owner !== current.owner
  const checkpointed = update.checkpoint !== undefined
  return {
    ...current,
    owner,
    counter: current.counter + 1,
    checkpoint: update.checkpoint ?? current.checkpoint,
    checkpointSubSequenceNumber: update.checkpointSubSequenceNumber ?? current.checkpointSubSequenceNumber,
    checkpointTimestamp: update.checkpointTimestamp ?? current.checkpointTimestamp,
    ownerSwitchesSinceCheckpoint: checkpointed ? 0 : current.ownerSwitchesSinceCheckpoint + (switched ? 1 : 0),
    childShardIds: update.childShardIds === undefined ? current.childShardIds : [...update.childShardIds],
    expiresAt: expiryAfter(owner, update.durationMs, now, current.expiresAt),
    updatedAt: now
  }
}
