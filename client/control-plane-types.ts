/**
 * Control-plane requests and responses of the stream service: creating, describing,
 * listing and deleting streams, retention and tags.
 */
import type { EmptyResponse, EncryptionType, EnhancedMetrics, PartitionHash, Shard, ShardFilterType, StreamModeDetails, StreamRef, StreamStatus, Tag, Timestamp, WarmThroughput } from './stream-shapes.js'

export interface CreateStreamRequest {
  streamName: string
  /** 1 to 10,000. Required for PROVISIONED streams; ON_DEMAND streams start with 4 shards. */
  shardCount?: number
  streamModeDetails?: StreamModeDetails
  tags?: Record<string, string>
  /** Default: the server's --partition-hash (MURMUR3 unless set). */
  partitionHash?: PartitionHash
  /** The largest record (data plus partition key), 1,024 to 10,240 KiB; default 1,024. */
  maxRecordSizeInKiB?: number
  /** ON_DEMAND only: start with room for this many MiB/s (at least 4 shards). */
  warmThroughputMiBps?: number
}
export type CreateStreamResponse = EmptyResponse

export interface DeleteStreamRequest extends StreamRef {
  enforceConsumerDeletion?: boolean
}
export type DeleteStreamResponse = EmptyResponse

export interface DescribeStreamRequest extends StreamRef {
  /** 1 to 10,000 shards per page; default 100. */
  limit?: number
  exclusiveStartShardId?: string
}
export interface StreamDescription {
  streamName: string
  streamArn: string
  streamStatus: StreamStatus
  streamModeDetails: StreamModeDetails
  shards: Shard[]
  hasMoreShards: boolean
  retentionPeriodHours: number
  streamCreationTimestamp: number
  enhancedMonitoring: EnhancedMetrics[]
  encryptionType: EncryptionType
  keyId?: string
  partitionHash: PartitionHash
}
export interface DescribeStreamResponse {
  streamDescription: StreamDescription
}

export type DescribeStreamSummaryRequest = StreamRef
export interface StreamDescriptionSummary {
  streamName: string
  streamArn: string
  streamStatus: StreamStatus
  streamModeDetails: StreamModeDetails
  retentionPeriodHours: number
  streamCreationTimestamp: number
  enhancedMonitoring: EnhancedMetrics[]
  encryptionType: EncryptionType
  keyId?: string
  openShardCount: number
  consumerCount: number
  partitionHash: PartitionHash
  /** The largest record (data plus partition key) the stream takes, in KiB. */
  maxRecordSizeInKiB: number
  /** ON_DEMAND streams only. */
  warmThroughput?: WarmThroughput
}
export interface DescribeStreamSummaryResponse {
  streamDescriptionSummary: StreamDescriptionSummary
}

/** The account's quotas and what counts against them (open shards of every stream, ON_DEMAND streams). */
export interface DescribeLimitsResponse {
  shardLimit: number
  openShardCount: number
  onDemandStreamCount: number
  onDemandStreamCountLimit: number
}

export interface ListStreamsRequest {
  /** 1 to 10,000 names per page; default 100. */
  limit?: number
  exclusiveStartStreamName?: string
  nextToken?: string
}
export interface StreamSummary {
  streamName: string
  streamArn: string
  streamStatus: StreamStatus
  streamModeDetails: StreamModeDetails
  streamCreationTimestamp: number
}
export interface ListStreamsResponse {
  streamNames: string[]
  hasMoreStreams: boolean
  nextToken?: string
  streamSummaries: StreamSummary[]
}

export interface ShardFilter {
  type: ShardFilterType
  shardId?: string
  timestamp?: Timestamp
}
export interface ListShardsRequest extends StreamRef {
  /** Continues an earlier listing; give it without streamName or streamArn. */
  nextToken?: string
  exclusiveStartShardId?: string
  /** 1 to 10,000 shards per page; default 1,000. */
  maxResults?: number
  streamCreationTimestamp?: Timestamp
  shardFilter?: ShardFilter
}
export interface ListShardsResponse {
  shards: Shard[]
  nextToken?: string
}

export interface IncreaseStreamRetentionPeriodRequest extends StreamRef {
  /** 24 to 8,760 hours. */
  retentionPeriodHours: number
}
export type IncreaseStreamRetentionPeriodResponse = EmptyResponse

export interface DecreaseStreamRetentionPeriodRequest extends StreamRef {
  /** 24 to 8,760 hours. */
  retentionPeriodHours: number
}
export type DecreaseStreamRetentionPeriodResponse = EmptyResponse

export interface AddTagsToStreamRequest extends StreamRef {
  /** 1 to 10 tags per call, at most 50 per stream. */
  tags: Record<string, string>
}
export type AddTagsToStreamResponse = EmptyResponse

export interface RemoveTagsFromStreamRequest extends StreamRef {
  /** 1 to 10 keys per call. */
  tagKeys: string[]
}
export type RemoveTagsFromStreamResponse = EmptyResponse

export interface ListTagsForStreamRequest extends StreamRef {
  exclusiveStartTagKey?: string
  /** 1 to 50 tags per page; default 50. */
  limit?: number
}
export interface ListTagsForStreamResponse {
  tags: Tag[]
  hasMoreTags: boolean
}

/** A stream's ARN, or a registered consumer's (`<stream arn>/consumer/<name>:<epoch s>`). */
export interface ResourceRef {
  resourceArn: string
}

export interface TagResourceRequest extends ResourceRef {
  /** 1 to 200 tags per call, at most 50 per resource. */
  tags: Record<string, string>
}
export type TagResourceResponse = EmptyResponse

export interface UntagResourceRequest extends ResourceRef {
  /** 1 to 50 keys per call. */
  tagKeys: string[]
}
export type UntagResourceResponse = EmptyResponse

export type ListTagsForResourceRequest = ResourceRef
export interface ListTagsForResourceResponse {
  /** Every tag, by key. */
  tags: Tag[]
}
