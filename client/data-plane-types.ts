/**
 * Data-plane requests and responses: PutRecord(s), GetShardIterator and GetRecords.
 */
import type { ChildShard, EncryptionType, RecordData, ShardIteratorType, StreamRecord, StreamRef, Timestamp } from './stream-shapes.js'

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
