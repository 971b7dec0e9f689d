/**
 * Request and response shapes of shardline.v1.StreamService, with the proto field names in
 * lowerCamelCase. Responses are normalised: lists are always arrays, numbers numbers,
 * booleans booleans and enums their proto zero value when the server left them out; strings
 * that are only sometimes set stay optional.
 */

// ---------------------------------------------------------------------------------------
// Shared shapes

export type StreamStatus = 'STREAM_STATUS_UNSPECIFIED' | 'CREATING' | 'DELETING' | 'ACTIVE' | 'UPDATING'

export type EncryptionType = 'NONE' | 'KMS'

/** MURMUR3 hashes partition keys with MurmurHash3 x64_128; MD5 places them as AWS Kinesis does. */
export type PartitionHash = 'MURMUR3' | 'MD5'

export type StreamMode = 'STREAM_MODE_UNSPECIFIED' | 'PROVISIONED' | 'ON_DEMAND'

export type ShardFilterType =
  | 'AFTER_SHARD_ID'
  | 'AT_TRIM_HORIZON'
  | 'FROM_TRIM_HORIZON'
  | 'AT_LATEST'
  | 'AT_TIMESTAMP'
  | 'FROM_TIMESTAMP'

export type ShardIteratorType =
  | 'AT_SEQUENCE_NUMBER'
  | 'AFTER_SEQUENCE_NUMBER'
  | 'TRIM_HORIZON'
  | 'LATEST'
  | 'AT_TIMESTAMP'

/** Milliseconds since the epoch, or a Date. Responses always carry plain numbers. */
export type Timestamp = number | Date

/** Record payload; a string is sent as its UTF-8 bytes. */
export type RecordData = Uint8Array | string

/** Every call that names a stream takes its name or its ARN; give one of them. */
export interface StreamRef {
  streamName?: string
  streamArn?: string
}

export interface StreamModeDetails {
  streamMode: StreamMode
}

/** The write throughput, in MiB/s, an ON_DEMAND stream keeps room for (target) and takes now (current). */
export interface WarmThroughput {
  targetMiBps?: number
  currentMiBps: number
}

/** Hash keys are decimal strings in [0, 2^128 - 1]. */
export interface HashKeyRange {
  startingHashKey: string
  endingHashKey: string
}

export interface SequenceNumberRange {
  startingSequenceNumber: string
  /** Set once the shard is closed. */
  endingSequenceNumber?: string
}

export interface Shard {
  shardId: string
  parentShardId?: string
  adjacentParentShardId?: string
  hashKeyRange: HashKeyRange
  sequenceNumberRange: SequenceNumberRange
}

export interface ChildShard {
  shardId: string
  parentShards: string[]
  hashKeyRange: HashKeyRange
}

export interface EnhancedMetrics {
  shardLevelMetrics: string[]
}

export interface Tag {
  key: string
  value: string
}

/** The proto's `Record`, renamed so that it does not shadow TypeScript's `Record`. */
export interface StreamRecord {
  sequenceNumber: string
  approximateArrivalTimestamp: number
  data: Buffer
  partitionKey: string
  encryptionType: EncryptionType
}

/** Responses that carry no fields; an object rather than void so fields can be added later. */
export type EmptyResponse = Record<string, never>

// ---------------------------------------------------------------------------------------
// Control plane

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

// ---------------------------------------------------------------------------------------
// Encryption, monitoring, resource policies, record size, account settings

export interface StreamEncryptionRequest extends StreamRef {
  /** KMS, the only type these calls take. */
  encryptionType: EncryptionType
  /** A key ARN, an alias ARN, an alias name (`alias/aws/kinesis` is Kinesis's own) or a key id. */
  keyId: string
}
export type StartStreamEncryptionRequest = StreamEncryptionRequest
export type StartStreamEncryptionResponse = EmptyResponse
export type StopStreamEncryptionRequest = StreamEncryptionRequest
export type StopStreamEncryptionResponse = EmptyResponse

export type ShardLevelMetric =
  | 'IncomingBytes'
  | 'IncomingRecords'
  | 'OutgoingBytes'
  | 'OutgoingRecords'
  | 'WriteProvisionedThroughputExceeded'
  | 'ReadProvisionedThroughputExceeded'
  | 'IteratorAgeMilliseconds'

export interface EnhancedMonitoringRequest extends StreamRef {
  /** 1 to 7 metric names; `ALL` stands for every one. */
  shardLevelMetrics: Array<ShardLevelMetric | 'ALL'>
}
export interface EnhancedMonitoringResponse {
  streamName: string
  streamArn: string
  /** The metrics on before the call. */
  currentShardLevelMetrics: string[]
  /** The metrics on after it. */
  desiredShardLevelMetrics: string[]
}
export type EnableEnhancedMonitoringRequest = EnhancedMonitoringRequest
export type EnableEnhancedMonitoringResponse = EnhancedMonitoringResponse
export type DisableEnhancedMonitoringRequest = EnhancedMonitoringRequest
export type DisableEnhancedMonitoringResponse = EnhancedMonitoringResponse

export interface PutResourcePolicyRequest extends ResourceRef {
  /** A JSON policy document; kept and returned, not enforced. */
  policy: string
}
export type PutResourcePolicyResponse = EmptyResponse
export type GetResourcePolicyRequest = ResourceRef
export interface GetResourcePolicyResponse {
  /** The policy as it was put, or `{}` when there is none. */
  policy: string
}
export type DeleteResourcePolicyRequest = ResourceRef
export type DeleteResourcePolicyResponse = EmptyResponse

export interface UpdateMaxRecordSizeRequest {
  streamArn: string
  /** 1,024 to 10,240 KiB: the largest record, data plus partition key. */
  maxRecordSizeInKiB: number
}
export type UpdateMaxRecordSizeResponse = EmptyResponse

export type MinimumThroughputBillingCommitmentStatus = 'ENABLED' | 'DISABLED' | 'ENABLED_UNTIL_EARLIEST_ALLOWED_END'

export interface MinimumThroughputBillingCommitment {
  status: MinimumThroughputBillingCommitmentStatus
  /** Milliseconds since the epoch. */
  startedAt?: number
  endedAt?: number
  earliestAllowedEndAt?: number
}
export interface AccountSettingsResponse {
  minimumThroughputBillingCommitment: MinimumThroughputBillingCommitment
}
export type DescribeAccountSettingsResponse = AccountSettingsResponse
export interface UpdateAccountSettingsRequest {
  minimumThroughputBillingCommitment: { status: 'ENABLED' | 'DISABLED' }
}
export type UpdateAccountSettingsResponse = AccountSettingsResponse

// ---------------------------------------------------------------------------------------
// Resharding

export interface SplitShardRequest extends StreamRef {
  shardToSplit: string
  /** Decimal hash key: the first key of the upper child. */
  newStartingHashKey: string
}
export type SplitShardResponse = EmptyResponse

export interface MergeShardsRequest extends StreamRef {
  shardToMerge: string
  adjacentShardToMerge: string
}
export type MergeShardsResponse = EmptyResponse

export type ScalingType = 'UNIFORM_SCALING'

export interface UpdateShardCountRequest extends StreamRef {
  targetShardCount: number
  scalingType: ScalingType
}
export interface UpdateShardCountResponse {
  streamName: string
  streamArn: string
  currentShardCount: number
  targetShardCount: number
}

/** The stream is named by ARN only, as in Kinesis. */
export interface UpdateStreamModeRequest {
  streamArn: string
  streamModeDetails: StreamModeDetails
  /** Only when switching to ON_DEMAND. */
  warmThroughputMiBps?: number
}
export type UpdateStreamModeResponse = EmptyResponse

export interface UpdateStreamWarmThroughputRequest extends StreamRef {
  /** 0 to 10,240; 0 clears it. */
  warmThroughputMiBps: number
}
export interface UpdateStreamWarmThroughputResponse {
  streamArn: string
  streamName: string
  /** `currentMiBps`: what the stream took before the call. */
  warmThroughput: WarmThroughput
}

// ---------------------------------------------------------------------------------------
// Enhanced fan-out

export type ConsumerStatus = 'CREATING' | 'DELETING' | 'ACTIVE'

export interface Consumer {
  consumerName: string
  /** `<stream arn>/consumer/<name>:<creation epoch seconds>` */
  consumerArn: string
  consumerStatus: ConsumerStatus
  consumerCreationTimestamp: number
  /** Set by describeStreamConsumer. */
  streamArn?: string
}

export interface RegisterStreamConsumerRequest {
  streamArn: string
  consumerName: string
  /** The consumer's tags, as tagResource sets them. */
  tags?: Record<string, string>
}
export interface RegisterStreamConsumerResponse {
  consumer: Consumer
}

/** Name the consumer by consumerArn, or by streamArn and consumerName. */
export interface ConsumerRef {
  streamArn?: string
  consumerName?: string
  consumerArn?: string
}
export type DescribeStreamConsumerRequest = ConsumerRef
export interface DescribeStreamConsumerResponse {
  consumerDescription: Consumer
}
export type DeregisterStreamConsumerRequest = ConsumerRef
export type DeregisterStreamConsumerResponse = EmptyResponse

export interface ListStreamConsumersRequest {
  streamArn: string
  nextToken?: string
  maxResults?: number
  streamCreationTimestamp?: Timestamp
}
export interface ListStreamConsumersResponse {
  consumers: Consumer[]
  nextToken?: string
}

export type StartingPositionType = 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER' | 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP'

export interface StartingPosition {
  type: StartingPositionType
  sequenceNumber?: string
  timestamp?: Timestamp
}

export interface SubscribeToShardRequest {
  consumerArn: string
  shardId: string
  startingPosition: StartingPosition
}

export interface SubscribeToShardEvent {
  records: StreamRecord[]
  /** Resubscribe with AFTER_SEQUENCE_NUMBER and this number to miss and repeat nothing. */
  continuationSequenceNumber: string
  millisBehindLatest: number
  /** Set on the last event of a closed shard. */
  childShards: ChildShard[]
}

// ---------------------------------------------------------------------------------------
// Data plane

export interface PutRecordRequest extends StreamRef {
  /** Up to the stream's largest record (1 MiB unless updateMaxRecordSize raised it) together with the partition key. */
  data: RecordData
  /** 1 to 256 Unicode characters. */
  partitionKey: string
  /** A decimal in [0, 2^128 - 1]; overrides the hash of the partition key. */
  explicitHashKey?: string
  /** The sequence number of the previous record of this key: the new record gets a greater one. */
  sequenceNumberForOrdering?: string
}
export interface PutRecordResponse {
  shardId: string
  sequenceNumber: string
  encryptionType: EncryptionType
}

export interface PutRecordsRequestEntry {
  data: RecordData
  explicitHashKey?: string
  partitionKey: string
}
export interface PutRecordsRequest extends StreamRef {
  /** 1 to 500 records, at most 10 MiB in all. */
  records: PutRecordsRequestEntry[]
}
export interface PutRecordsResultEntry {
  /** Set for a stored record. */
  sequenceNumber?: string
  shardId?: string
  /** Set for a failed record: ProvisionedThroughputExceededException or InternalFailure. */
  errorCode?: string
  errorMessage?: string
}
export interface PutRecordsResponse {
  failedRecordCount: number
  /** One entry per request record, in request order. */
  records: PutRecordsResultEntry[]
  encryptionType: EncryptionType
}

export interface GetShardIteratorRequest extends StreamRef {
  shardId: string
  shardIteratorType: ShardIteratorType
  /** For AT_SEQUENCE_NUMBER and AFTER_SEQUENCE_NUMBER. */
  startingSequenceNumber?: string
  /** For AT_TIMESTAMP. */
  timestamp?: Timestamp
}
export interface GetShardIteratorResponse {
  shardIterator: string
}

export interface GetRecordsRequest {
  shardIterator: string
  /** 1 to 10,000; default 10,000. */
  limit?: number
  streamArn?: string
}
export interface GetRecordsResponse {
  records: StreamRecord[]
  /** Unset once a closed shard has been read to its end. */
  nextShardIterator?: string
  millisBehindLatest: number
  childShards: ChildShard[]
}
