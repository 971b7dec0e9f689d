import type {
  CreateStreamRequest,
  GetShardIteratorRequest,
  ListShardsRequest,
  PutRecordRequest,
  PutRecordsRequest,
  ListStreamConsumersRequest,
  SubscribeToShardRequest,
  UpdateShardCountRequest,
  UpdateStreamModeRequest,
  RecordData,
  StreamEncryptionRequest,
  Timestamp,
  UpdateAccountSettingsRequest
} from './types.js'

/*
 * proto-loader encodes the other requests as they are; these carry values the public types
 * accept in friendlier forms than the wire does.
 */

/**
 * protobufjs drops an enum string it does not know and sends the default instead, which
 * would turn a typo into a silently different request; refuse it before sending. Every
 * name the proto defines passes, so the server judges the rest.
 */
function checkEnum (field: string, value: string | undefined, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value)) {
    throw new TypeError(`${field} must be one of ${allowed.join(', ')}, got '${String(value)}'`)
  }
}

export function encodeCreateStream (request: CreateStreamRequest): object {
  checkEnum('partitionHash', request.partitionHash, ['MURMUR3', 'MD5'])
  checkEnum('streamModeDetails.streamMode', request.streamModeDetails?.streamMode, ['STREAM_MODE_UNSPECIFIED', 'PROVISIONED', 'ON_DEMAND'])
  return request
}

export function encodeStreamEncryption (request: StreamEncryptionRequest): object {
  checkEnum('encryptionType', request.encryptionType, ['NONE', 'KMS'])
  return request
}

export function encodeUpdateAccountSettings (request: UpdateAccountSettingsRequest): object {
  checkEnum('minimumThroughputBillingCommitment.status', request.minimumThroughputBillingCommitment?.status,
    ['MINIMUM_THROUGHPUT_BILLING_COMMITMENT_STATUS_UNSPECIFIED', 'ENABLED', 'DISABLED', 'ENABLED_UNTIL_EARLIEST_ALLOWED_END'])
  return request
}

export function encodeUpdateShardCount (request: UpdateShardCountRequest): object {
  checkEnum('scalingType', request.scalingType, ['SCALING_TYPE_UNSPECIFIED', 'UNIFORM_SCALING'])
  return request
}

export function encodeUpdateStreamMode (request: UpdateStreamModeRequest): object {
  checkEnum('streamModeDetails.streamMode', request.streamModeDetails?.streamMode, ['STREAM_MODE_UNSPECIFIED', 'PROVISIONED', 'ON_DEMAND'])
  return request
}

export function encodeListStreamConsumers (request: ListStreamConsumersRequest): object {
  return { ...request, streamCreationTimestamp: toMillis(request.streamCreationTimestamp) }
}

export function encodeSubscribeToShard (request: SubscribeToShardRequest): object {
  const position = request.startingPosition
  checkEnum('startingPosition.type', position?.type, ['TYPE_UNSPECIFIED', 'AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER', 'TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'])
  return { ...request, startingPosition: position === undefined ? undefined : { ...position, timestamp: toMillis(position.timestamp) } }
}

export function encodePutRecord (request: PutRecordRequest): object {
  return { ...request, data: toBytes(request.data) }
}

export function encodePutRecords (request: PutRecordsRequest): object {
  return { ...request, records: request.records.map((entry) => ({ ...entry, data: toBytes(entry.data) })) }
}

export function encodeGetShardIterator (request: GetShardIteratorRequest): object {
  checkEnum('shardIteratorType', request.shardIteratorType, ['SHARD_ITERATOR_TYPE_UNSPECIFIED', 'AT_SEQUENCE_NUMBER', 'AFTER_SEQUENCE_NUMBER', 'TRIM_HORIZON', 'LATEST', 'AT_TIMESTAMP'])
  return { ...request, timestamp: toMillis(request.timestamp) }
}

export function encodeListShards (request: ListShardsRequest): object {
  const filter = request.shardFilter
  checkEnum('shardFilter.type', filter?.type, ['TYPE_UNSPECIFIED', 'AFTER_SHARD_ID', 'AT_TRIM_HORIZON', 'FROM_TRIM_HORIZON', 'AT_LATEST', 'AT_TIMESTAMP', 'FROM_TIMESTAMP'])
  return {
    ...request,
    streamCreationTimestamp: toMillis(request.streamCreationTimestamp),
    shardFilter: filter === undefined ? undefined : { ...filter, timestamp: toMillis(filter.timestamp) }
  }
}

/** protobufjs would read a string as base64, so strings are turned into UTF-8 bytes here. */
function toBytes (data: RecordData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8')
  if (Buffer.isBuffer(data)) return data
  return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
}

function toMillis (timestamp: Timestamp | undefined): number | undefined {
  return timestamp instanceof Date ? timestamp.getTime() : timestamp
}
