import type {
  GetShardIteratorRequest,
  ListShardsRequest,
  PutRecordRequest,
  PutRecordsRequest,
  RecordData,
  Timestamp
} from './types.js'

/*
 * proto-loader encodes the other requests as they are; these carry values the public types
 * accept in friendlier forms than the wire does.
 */

export function encodePutRecord (request: PutRecordRequest): object {
  return { ...request, data: toBytes(request.data) }
}

export function encodePutRecords (request: PutRecordsRequest): object {
  return { ...request, records: request.records.map((entry) => ({ ...entry, data: toBytes(entry.data) })) }
}

export function encodeGetShardIterator (request: GetShardIteratorRequest): object {
  return { ...request, timestamp: toMillis(request.timestamp) }
}

export function encodeListShards (request: ListShardsRequest): object {
  const filter = request.shardFilter
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
