import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { Checkpoint, CheckpointTimestamp, LeaseCounter, LeaseDurationMs, LeaseKey, LeaseOwner, LeaseTableName, ShardIdPair, SubSequenceNumber, leaseShape, requireDurationWithOwner, withCurrentLease } from './lease-fields.js'

export const updateLease = defineAction({
  name: 'UpdateLease',
  input: Type.Object({
    lease_table: LeaseTableName,
    lease_key: LeaseKey,
    expected_lease_counter: LeaseCounter,
    lease_owner: Type.Optional(LeaseOwner),
    lease_duration_ms: Type.Optional(LeaseDurationMs),
    checkpoint: Type.Optional(Checkpoint),
    checkpoint_sub_sequence_number: Type.Optional(SubSequenceNumber),
    checkpoint_timestamp: Type.Optional(CheckpointTimestamp),
    child_shard_ids: Type.Optional(Type.Object({ shard_ids: Type.Optional(ShardIdPair) }))
  }),
  async handle (ctx, input) {
    requireDurationWithOwner(input.lease_owner, input.lease_duration_ms)
    const lease = await withCurrentLease(ctx.leases.table(input.lease_table).update(input.lease_key, input.expected_lease_counter, {
      owner: input.lease_owner,
      durationMs: input.lease_duration_ms,
      checkpoint: input.checkpoint,
      checkpointSubSequenceNumber: input.checkpoint_sub_sequence_number,
      checkpointTimestamp: input.checkpoint_timestamp,
      // A present ShardIdList with no ids (proto3 sends nothing for an empty list) clears the list.
      childShardIds: input.child_shard_ids === undefined ? undefined : (input.child_shard_ids.shard_ids ?? [])
    }))
    return { lease: leaseShape(lease), server_time_ms: ctx.config.clock() }
  }
})
