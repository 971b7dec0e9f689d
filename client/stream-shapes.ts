/**
 * The shapes the stream service's requests and responses share: enums, stream and shard
 * references, shards, records.
 */

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
