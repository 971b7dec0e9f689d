/**
 * Output shapes shared by several operations, in proto field names.
 */
import type { StoredRecord } from '../../storage/store.js'
import type { CommitmentState } from '../../streams/account-settings.js'
import type { RecordEncryption } from '../../streams/encryption.js'
import type { ChildShardInfo } from '../../streams/record-reader.js'
import { formatShardId, parseShardId, type Shard, type Stream } from '../../streams/stream-model.js'

export interface ShardShape {
  shard_id: string
  parent_shard_id?: string
  adjacent_parent_shard_id?: string
  hash_key_range: { starting_hash_key: string, ending_hash_key: string }
  sequence_number_range: { starting_sequence_number: string, ending_sequence_number?: string }
}

export function shardShape (stream: Stream, shard: Shard): ShardShape {
  const { parent, adjacentParent } = shard.doc
  return {
    shard_id: shard.id,
    // Parents keep being named after retention has removed them, as in Kinesis.
    ...(parent === undefined ? {} : { parent_shard_id: formatShardId(parent) }),
    ...(adjacentParent === undefined ? {} : { adjacent_parent_shard_id: formatShardId(adjacentParent) }),
    hash_key_range: { starting_hash_key: shard.doc.hashStart, ending_hash_key: shard.doc.hashEnd },
    sequence_number_range: {
      starting_sequence_number: shard.startingSequenceNumber,
      ...(shard.endingSequenceNumber === undefined ? {} : { ending_sequence_number: shard.endingSequenceNumber })
    }
  }
}

export function streamModeShape (stream: Stream): { stream_mode: string } {
  return { stream_mode: stream.doc.mode }
}

/**
 * Shards after an exclusive start id, in index order. Kinesis compares shard ids as
 * strings; ours are zero-padded, so string order is index order.
 */
export function shardsAfter (stream: Stream, exclusiveStartShardId: string | undefined): Shard[] {
  const shards = stream.shardList
  if (exclusiveStartShardId === undefined || exclusiveStartShardId === '') return shards
  const index = parseShardId(exclusiveStartShardId)
  const after = index === undefined ? exclusiveStartShardId : formatShardId(index)
  return shards.filter((s) => s.id > after)
}

/**
 * A record as GetRecords and SubscribeToShard return it. `encryption_type` is there only
 * for an encrypted record (AWS leaves it out otherwise), and last, where AWS puts it.
 */
export function recordShape (record: StoredRecord, sequenceNumber: string, encryption: RecordEncryption): Record<string, unknown> {
  return encryption === undefined
    ? {
        sequence_number: sequenceNumber,
        approximate_arrival_timestamp: record.ts,
        data: record.data,
        partition_key: record.partitionKey
      }
    : {
        sequence_number: sequenceNumber,
        approximate_arrival_timestamp: record.ts,
        data: record.data,
        partition_key: record.partitionKey,
        encryption_type: encryption
      }
}

/** The stream's encryption and key as DescribeStream and DescribeStreamSummary show them. */
export function encryptionShape (stream: Stream): { encryption_type: string, key_id?: string } {
  const encryption = stream.doc.encryption
  return encryption === undefined ? { encryption_type: 'NONE' } : { encryption_type: encryption.type, key_id: encryption.keyId }
}

export function enhancedMonitoringShape (stream: Stream): Array<{ shard_level_metrics: string[] }> {
  return [{ shard_level_metrics: stream.doc.shardLevelMetrics ?? [] }]
}

export function commitmentShape (state: CommitmentState): Record<string, unknown> {
  return {
    status: state.status,
    ...(state.startedAt === undefined ? {} : { started_at: state.startedAt }),
    ...(state.endedAt === undefined ? {} : { ended_at: state.endedAt }),
    ...(state.earliestAllowedEndAt === undefined ? {} : { earliest_allowed_end_at: state.earliestAllowedEndAt })
  }
}

export function childShardShape (child: ChildShardInfo): Record<string, unknown> {
  return {
    shard_id: child.shardId,
    parent_shards: child.parentShards,
    hash_key_range: { starting_hash_key: child.hashStart.toString(), ending_hash_key: child.hashEnd.toString() }
  }
}
