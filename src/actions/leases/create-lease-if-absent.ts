import { Type } from '@sinclair/typebox'
import { defineAction } from '../action.js'
import { Checkpoint, CheckpointTimestamp, HashKeyRangeInput, LeaseDurationMs, LeaseKey, LeaseOwner, LeaseTableName, ShardIdPair, SubSequenceNumber, hashRangeOf, leaseShape, requireDurationWithOwner } from './lease-fields.js'

export const createLeaseIfAbsent = defineAction({
  name: 'CreateLeaseIfAbsent',
  input: Type.Object({
    lease_table: LeaseTableName,
    lease_key: LeaseKey,
    checkpoint: Type.Optional(Checkpoint),
    checkpoint_sub_sequence_number: Type.Optional(SubSequenceNumber),
    checkpoint_timestamp: Type.Optional(CheckpointTimestamp),
    parent_shard_ids: Type.Optional(ShardIdPair),
    child_shard_ids: Type.Optional(ShardIdPair),
    hash_key_range: Type.Optional(HashKeyRangeInput),
    lease_owner: Type.Optional(LeaseOwner),
    lease_duration_ms: Type.Optional(LeaseDurationMs)
  }),
  async handle (ctx, input) {
    requireDurationWithOwner(input.lease_owner, input.lease_duration_ms)
    const { lease, created } = await ctx.leases.table(input.lease_table).createIfAbsent({
      key: input.lease_key,
      checkpoint: input.checkpoint,
      checkpointSubSequenceNumber: input.checkpoint_sub_sequence_number,
      checkpointTimestamp: input.checkpoint_timestamp,
      parentShardIds: input.parent_shard_ids,
      childShardIds: input.child_shard_ids,
      hashKeyRange: hashRangeOf(input.hash_key_range),
      owner: input.lease_owner,
      durationMs: input.lease_duration_ms
    })
    return { lease: leaseShape(lease), created, server_time_ms: ctx.config.clock() }
  }
})
