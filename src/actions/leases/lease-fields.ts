/**
 * Field schemas and the output shape shared by the LeaseService operations.
 */
import { Type } from '@sinclair/typebox'
import { ERROR_METADATA, ServiceError } from '../../errors.js'
import type { HashRange, Lease } from '../../leases/lease-model.js'
import { LeaseCounterMismatch } from '../../leases/lease-table.js'
import { HashKey, ShardId } from '../streams/fields.js'
import { Timestamp } from '../schema.js'

export const LeaseTableName = Type.String({ minLength: 1, maxLength: 128, pattern: '^[a-zA-Z0-9_.-]+$' })
export const LeaseKey = Type.String({ minLength: 1, maxLength: 256 })
/** A worker id; the empty string means nobody. */
export const LeaseOwner = Type.String({ maxLength: 256 })
/** A sequence number or one of the positions a consumer can resume from. */
export const Checkpoint = Type.String({ minLength: 1, maxLength: 128, pattern: '^([0-9]{1,128}|TRIM_HORIZON|LATEST|AT_TIMESTAMP|SHARD_END)$' })
export const SubSequenceNumber = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })
export const CheckpointTimestamp = Timestamp
/** 1 ms to 24 h. */
export const LeaseDurationMs = Type.Integer({ minimum: 1, maximum: 86_400_000 })
/** Counters start at 1, so 0 (which proto3 cannot tell from absent) never matches. */
export const LeaseCounter = Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER })
/** A shard has at most two parents (a merge) and two children (a split). */
export const ShardIdPair = Type.Array(ShardId, { maxItems: 2 })
export const HashKeyRangeInput = Type.Object({ starting_hash_key: HashKey, ending_hash_key: HashKey })

export function hashRangeOf (range: { starting_hash_key: string, ending_hash_key: string } | undefined): HashRange | undefined {
  return range === undefined ? undefined : { start: range.starting_hash_key, end: range.ending_hash_key }
}

/** A lease_owner needs a lease_duration_ms: an owned lease without expiry could never be taken over. */
export function requireDurationWithOwner (owner: string | undefined, durationMs: number | undefined): void {
  if (owner !== undefined && owner !== '' && durationMs === undefined) {
    throw new ServiceError('VALIDATION_FAILED', '1 validation error detected: Value null at \'lease_duration_ms\' failed to satisfy constraint: Member must not be null when lease_owner is set (1 to 86400000 ms).')
  }
}

export function leaseShape (lease: Lease): Record<string, unknown> {
  return {
    lease_table: lease.table,
    lease_key: lease.key,
    lease_owner: lease.owner,
    lease_counter: lease.counter,
    checkpoint: lease.checkpoint,
    checkpoint_sub_sequence_number: lease.checkpointSubSequenceNumber,
    checkpoint_timestamp: lease.checkpointTimestamp,
    owner_switches_since_checkpoint: lease.ownerSwitchesSinceCheckpoint,
    parent_shard_ids: [...lease.parentShardIds],
    child_shard_ids: [...lease.childShardIds],
    ...(lease.hashKeyRange === undefined ? {} : { hash_key_range: { starting_hash_key: lease.hashKeyRange.start, ending_hash_key: lease.hashKeyRange.end } }),
    expires_at: lease.expiresAt,
    updated_at: lease.updatedAt
  }
}

/** Attaches the current lease to a counter mismatch, in the shape every transport encodes. */
export async function withCurrentLease<T> (write: Promise<T>): Promise<T> {
  try {
    return await write
  } catch (err) {
    if (!(err instanceof LeaseCounterMismatch)) throw err
    throw new ServiceError(err.code, err.message, {
      cause: err,
      attachment: { metadataKey: ERROR_METADATA.currentLease, messageType: 'shardline.v1.Lease', value: leaseShape(err.current) }
    })
  }
}
