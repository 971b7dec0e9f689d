/**
 * The Kinesis operations (StreamService), by their AWS action names.
 */
import type { AnyAction, AnyStreamingAction } from '../action.js'
import { addTagsToStream } from './add-tags-to-stream.js'
import { createStream } from './create-stream.js'
import { deleteStream } from './delete-stream.js'
import { describeLimits } from './describe-limits.js'
import { describeStream } from './describe-stream.js'
import { describeStreamSummary } from './describe-stream-summary.js'
import { getRecords } from './get-records.js'
import { getShardIterator } from './get-shard-iterator.js'
import { listShards } from './list-shards.js'
import { listStreams } from './list-streams.js'
import { listTagsForStream } from './list-tags-for-stream.js'
import { putRecord } from './put-record.js'
import { putRecords } from './put-records.js'
import { mergeShards } from './merge-shards.js'
import { registerStreamConsumer } from './register-stream-consumer.js'
import { describeStreamConsumer } from './describe-stream-consumer.js'
import { listStreamConsumers } from './list-stream-consumers.js'
import { deregisterStreamConsumer } from './deregister-stream-consumer.js'
import { subscribeToShard } from './subscribe-to-shard.js'
import { removeTagsFromStream } from './remove-tags-from-stream.js'
import { decreaseStreamRetentionPeriod, increaseStreamRetentionPeriod } from './retention-period.js'
import { splitShard } from './split-shard.js'
import { updateShardCount } from './update-shard-count.js'
import { startStreamEncryption, stopStreamEncryption } from './stream-encryption.js'
import { disableEnhancedMonitoring, enableEnhancedMonitoring } from './enhanced-monitoring.js'
import { putResourcePolicy } from './put-resource-policy.js'
import { getResourcePolicy } from './get-resource-policy.js'
import { deleteResourcePolicy } from './delete-resource-policy.js'
import { tagResource } from './tag-resource.js'
import { untagResource } from './untag-resource.js'
import { listTagsForResource } from './list-tags-for-resource.js'
import { describeAccountSettings } from './describe-account-settings.js'
import { updateAccountSettings } from './update-account-settings.js'
import { updateMaxRecordSize } from './update-max-record-size.js'
import { updateStreamMode } from './update-stream-mode.js'
import { updateStreamWarmThroughput } from './update-stream-warm-throughput.js'

export const STREAM_ACTIONS: readonly AnyAction[] = [
  createStream,
  deleteStream,
  describeStream,
  describeStreamSummary,
  describeLimits,
  listStreams,
  listShards,
  increaseStreamRetentionPeriod,
  decreaseStreamRetentionPeriod,
  addTagsToStream,
  removeTagsFromStream,
  listTagsForStream,
  tagResource,
  untagResource,
  listTagsForResource,
  startStreamEncryption,
  stopStreamEncryption,
  enableEnhancedMonitoring,
  disableEnhancedMonitoring,
  putResourcePolicy,
  getResourcePolicy,
  deleteResourcePolicy,
  describeAccountSettings,
  updateAccountSettings,
  updateMaxRecordSize,
  splitShard,
  mergeShards,
  updateShardCount,
  updateStreamMode,
  updateStreamWarmThroughput,
  registerStreamConsumer,
  describeStreamConsumer,
  listStreamConsumers,
  deregisterStreamConsumer,
  putRecord,
  putRecords,
  getShardIterator,
  getRecords
]

/** Server-streaming operations. */
export const STREAM_STREAMING_ACTIONS: readonly AnyStreamingAction[] = [subscribeToShard]
