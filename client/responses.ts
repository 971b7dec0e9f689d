import type {
  AccountSettingsResponse,
  ChildShard,
  EnhancedMonitoringResponse,
  GetResourcePolicyResponse,
  ListTagsForResourceResponse,
  MinimumThroughputBillingCommitment,
  Consumer,
  ListStreamConsumersResponse,
  SubscribeToShardEvent,
  DescribeStreamResponse,
  DescribeStreamSummaryResponse,
  DescribeLimitsResponse,
  EmptyResponse,
  EnhancedMetrics,
  GetRecordsResponse,
  GetShardIteratorResponse,
  HashKeyRange,
  ListShardsResponse,
  ListStreamsResponse,
  ListTagsForStreamResponse,
  PutRecordResponse,
  PutRecordsResponse,
  PutRecordsResultEntry,
  SequenceNumberRange,
  Shard,
  StreamDescription,
  StreamDescriptionSummary,
  StreamModeDetails,
  StreamRecord,
  StreamSummary,
  Tag,
  UpdateShardCountResponse,
  UpdateStreamWarmThroughputResponse,
  WarmThroughput
} from './types.js'

/*
 * The server encodes with proto3 defaults, so a field holding its zero value ('', 0, false,
 * an empty list, the first enum value) may be missing from what proto-loader decodes. These
 * functions put the zero values back so callers can rely on the public types.
 */

/** A decoded message as proto-loader returns it with `defaults: false`: any field may be missing. */
export type Wire<T> =
  T extends Buffer ? T
    : T extends ReadonlyArray<infer U> ? Array<Wire<U>>
      : T extends object ? { [K in keyof T]?: Wire<T[K]> }
        : T

export function toEmptyResponse (): EmptyResponse {
  return {}
}

export function toDescribeStreamResponse (wire: Wire<DescribeStreamResponse>): DescribeStreamResponse {
  return { streamDescription: toStreamDescription(wire.streamDescription ?? {}) }
}

export function toDescribeStreamSummaryResponse (wire: Wire<DescribeStreamSummaryResponse>): DescribeStreamSummaryResponse {
  return { streamDescriptionSummary: toStreamDescriptionSummary(wire.streamDescriptionSummary ?? {}) }
}

export function toListStreamsResponse (wire: Wire<ListStreamsResponse>): ListStreamsResponse {
  return compact({
    streamNames: wire.streamNames ?? [],
    hasMoreStreams: wire.hasMoreStreams ?? false,
    nextToken: optional(wire.nextToken),
    streamSummaries: (wire.streamSummaries ?? []).map(toStreamSummary)
  })
}

export function toListShardsResponse (wire: Wire<ListShardsResponse>): ListShardsResponse {
  return compact({
    shards: (wire.shards ?? []).map(toShard),
    nextToken: optional(wire.nextToken)
  })
}

export function toListTagsForStreamResponse (wire: Wire<ListTagsForStreamResponse>): ListTagsForStreamResponse {
  return {
    tags: (wire.tags ?? []).map(toTag),
    hasMoreTags: wire.hasMoreTags ?? false
  }
}

export function toPutRecordResponse (wire: Wire<PutRecordResponse>): PutRecordResponse {
  return {
    shardId: wire.shardId ?? '',
    sequenceNumber: wire.sequenceNumber ?? '',
    encryptionType: wire.encryptionType ?? 'NONE'
  }
}

export function toPutRecordsResponse (wire: Wire<PutRecordsResponse>): PutRecordsResponse {
  return {
    failedRecordCount: wire.failedRecordCount ?? 0,
    records: (wire.records ?? []).map(toPutRecordsResultEntry),
    encryptionType: wire.encryptionType ?? 'NONE'
  }
}

export function toGetShardIteratorResponse (wire: Wire<GetShardIteratorResponse>): GetShardIteratorResponse {
  return { shardIterator: wire.shardIterator ?? '' }
}

export function toGetRecordsResponse (wire: Wire<GetRecordsResponse>): GetRecordsResponse {
  return compact({
    records: (wire.records ?? []).map(toStreamRecord),
    nextShardIterator: optional(wire.nextShardIterator),
    millisBehindLatest: wire.millisBehindLatest ?? 0,
    childShards: (wire.childShards ?? []).map(toChildShard)
  })
}

function toStreamDescription (wire: Wire<StreamDescription>): StreamDescription {
  return compact({
    streamName: wire.streamName ?? '',
    streamArn: wire.streamArn ?? '',
    streamStatus: wire.streamStatus ?? 'STREAM_STATUS_UNSPECIFIED',
    streamModeDetails: toStreamModeDetails(wire.streamModeDetails),
    shards: (wire.shards ?? []).map(toShard),
    hasMoreShards: wire.hasMoreShards ?? false,
    retentionPeriodHours: wire.retentionPeriodHours ?? 0,
    streamCreationTimestamp: wire.streamCreationTimestamp ?? 0,
    enhancedMonitoring: (wire.enhancedMonitoring ?? []).map(toEnhancedMetrics),
    encryptionType: wire.encryptionType ?? 'NONE',
    keyId: optional(wire.keyId),
    partitionHash: wire.partitionHash ?? 'MURMUR3'
  })
}

function toStreamDescriptionSummary (wire: Wire<StreamDescriptionSummary>): StreamDescriptionSummary {
  return compact({
    streamName: wire.streamName ?? '',
    streamArn: wire.streamArn ?? '',
    streamStatus: wire.streamStatus ?? 'STREAM_STATUS_UNSPECIFIED',
    streamModeDetails: toStreamModeDetails(wire.streamModeDetails),
    retentionPeriodHours: wire.retentionPeriodHours ?? 0,
    streamCreationTimestamp: wire.streamCreationTimestamp ?? 0,
    enhancedMonitoring: (wire.enhancedMonitoring ?? []).map(toEnhancedMetrics),
    encryptionType: wire.encryptionType ?? 'NONE',
    keyId: optional(wire.keyId),
    openShardCount: wire.openShardCount ?? 0,
    consumerCount: wire.consumerCount ?? 0,
    partitionHash: wire.partitionHash ?? 'MURMUR3',
    maxRecordSizeInKiB: wire.maxRecordSizeInKiB ?? 0,
    warmThroughput: wire.warmThroughput === undefined ? undefined : toWarmThroughput(wire.warmThroughput)
  })
}

function toWarmThroughput (wire: Wire<WarmThroughput>): WarmThroughput {
  return compact({ targetMiBps: wire.targetMiBps, currentMiBps: wire.currentMiBps ?? 0 })
}

function toStreamSummary (wire: Wire<StreamSummary>): StreamSummary {
  return {
    streamName: wire.streamName ?? '',
    streamArn: wire.streamArn ?? '',
    streamStatus: wire.streamStatus ?? 'STREAM_STATUS_UNSPECIFIED',
    streamModeDetails: toStreamModeDetails(wire.streamModeDetails),
    streamCreationTimestamp: wire.streamCreationTimestamp ?? 0
  }
}

function toStreamModeDetails (wire: Wire<StreamModeDetails> | undefined): StreamModeDetails {
  return { streamMode: wire?.streamMode ?? 'STREAM_MODE_UNSPECIFIED' }
}

function toShard (wire: Wire<Shard>): Shard {
  return compact({
    shardId: wire.shardId ?? '',
    parentShardId: optional(wire.parentShardId),
    adjacentParentShardId: optional(wire.adjacentParentShardId),
    hashKeyRange: toHashKeyRange(wire.hashKeyRange),
    sequenceNumberRange: toSequenceNumberRange(wire.sequenceNumberRange)
  })
}

function toChildShard (wire: Wire<ChildShard>): ChildShard {
  return {
    shardId: wire.shardId ?? '',
    parentShards: wire.parentShards ?? [],
    hashKeyRange: toHashKeyRange(wire.hashKeyRange)
  }
}

function toHashKeyRange (wire: Wire<HashKeyRange> | undefined): HashKeyRange {
  return {
    startingHashKey: wire?.startingHashKey ?? '',
    endingHashKey: wire?.endingHashKey ?? ''
  }
}

function toSequenceNumberRange (wire: Wire<SequenceNumberRange> | undefined): SequenceNumberRange {
  return compact({
    startingSequenceNumber: wire?.startingSequenceNumber ?? '',
    endingSequenceNumber: optional(wire?.endingSequenceNumber)
  })
}

function toEnhancedMetrics (wire: Wire<EnhancedMetrics>): EnhancedMetrics {
  return { shardLevelMetrics: wire.shardLevelMetrics ?? [] }
}

function toTag (wire: Wire<Tag>): Tag {
  return { key: wire.key ?? '', value: wire.value ?? '' }
}

function toStreamRecord (wire: Wire<StreamRecord>): StreamRecord {
  return {
    sequenceNumber: wire.sequenceNumber ?? '',
    approximateArrivalTimestamp: wire.approximateArrivalTimestamp ?? 0,
    data: wire.data ?? Buffer.alloc(0),
    partitionKey: wire.partitionKey ?? '',
    encryptionType: wire.encryptionType ?? 'NONE'
  }
}

function toPutRecordsResultEntry (wire: Wire<PutRecordsResultEntry>): PutRecordsResultEntry {
  return compact({
    sequenceNumber: optional(wire.sequenceNumber),
    shardId: optional(wire.shardId),
    errorCode: optional(wire.errorCode),
    errorMessage: optional(wire.errorMessage)
  })
}

/** Proto3 cannot tell an unset string from an empty one, so both read as absent. */
function optional (value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

/**
 * Drops keys whose value is undefined, so absent optional fields are absent, not undefined.
 * Copies the defined ones into a new object rather than deleting: `delete` turns an object
 * into a slow dictionary, and a PutRecords answer makes one of these per record.
 */
function compact<T extends object> (value: T): T {
  const out: Partial<T> = {}
  for (const key of Object.keys(value) as Array<keyof T>) {
    if (value[key] !== undefined) out[key] = value[key]
  }
  return out as T
}

export function toDescribeLimitsResponse (wire: Wire<DescribeLimitsResponse>): DescribeLimitsResponse {
  return {
    shardLimit: wire.shardLimit ?? 0,
    openShardCount: wire.openShardCount ?? 0,
    onDemandStreamCount: wire.onDemandStreamCount ?? 0,
    onDemandStreamCountLimit: wire.onDemandStreamCountLimit ?? 0
  }
}

export function toUpdateShardCountResponse (wire: Wire<UpdateShardCountResponse>): UpdateShardCountResponse {
  return {
    streamName: wire.streamName ?? '',
    streamArn: wire.streamArn ?? '',
    currentShardCount: wire.currentShardCount ?? 0,
    targetShardCount: wire.targetShardCount ?? 0
  }
}

export function toUpdateStreamWarmThroughputResponse (wire: Wire<UpdateStreamWarmThroughputResponse>): UpdateStreamWarmThroughputResponse {
  return {
    streamArn: wire.streamArn ?? '',
    streamName: wire.streamName ?? '',
    warmThroughput: toWarmThroughput(wire.warmThroughput ?? {})
  }
}

function toConsumer (wire: Wire<Consumer> | undefined): Consumer {
  return compact({
    consumerName: wire?.consumerName ?? '',
    consumerArn: wire?.consumerArn ?? '',
    consumerStatus: wire?.consumerStatus ?? 'CREATING',
    consumerCreationTimestamp: wire?.consumerCreationTimestamp ?? 0,
    streamArn: optional(wire?.streamArn)
  })
}

export function toConsumerResponse<K extends string> (key: K): (wire: Partial<Record<K, Wire<Consumer>>>) => Record<K, Consumer> {
  return (wire) => ({ [key]: toConsumer(wire[key]) }) as Record<K, Consumer>
}

export function toListStreamConsumersResponse (wire: Wire<ListStreamConsumersResponse>): ListStreamConsumersResponse {
  return compact({
    consumers: (wire.consumers ?? []).map((c) => toConsumer(c)),
    nextToken: optional(wire.nextToken)
  })
}

export function toSubscribeToShardEvent (wire: Wire<SubscribeToShardEvent>): SubscribeToShardEvent {
  return {
    records: (wire.records ?? []).map(toStreamRecord),
    continuationSequenceNumber: wire.continuationSequenceNumber ?? '',
    millisBehindLatest: wire.millisBehindLatest ?? 0,
    childShards: (wire.childShards ?? []).map(toChildShard)
  }
}

export function toListTagsForResourceResponse (wire: Wire<ListTagsForResourceResponse>): ListTagsForResourceResponse {
  return { tags: (wire.tags ?? []).map(toTag) }
}

export function toEnhancedMonitoringResponse (wire: Wire<EnhancedMonitoringResponse>): EnhancedMonitoringResponse {
  return {
    streamName: wire.streamName ?? '',
    streamArn: wire.streamArn ?? '',
    currentShardLevelMetrics: wire.currentShardLevelMetrics ?? [],
    desiredShardLevelMetrics: wire.desiredShardLevelMetrics ?? []
  }
}

export function toGetResourcePolicyResponse (wire: Wire<GetResourcePolicyResponse>): GetResourcePolicyResponse {
  return { policy: wire.policy ?? '' }
}

export function toAccountSettingsResponse (wire: Wire<AccountSettingsResponse>): AccountSettingsResponse {
  const commitment: Wire<MinimumThroughputBillingCommitment> = wire.minimumThroughputBillingCommitment ?? {}
  return {
    minimumThroughputBillingCommitment: compact({
      // The server always sends the status; a missing one is its zero value, which no answer means.
      status: commitment.status ?? 'DISABLED',
      startedAt: commitment.startedAt,
      endedAt: commitment.endedAt,
      earliestAllowedEndAt: commitment.earliestAllowedEndAt
    })
  }
}
