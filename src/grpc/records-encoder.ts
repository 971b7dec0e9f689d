/**
 * A hand-rolled encoder for the `records` of GetRecordsResponse, the largest message the
 * server sends (up to 10 MiB), and of SubscribeToShardEvent, the one it sends most often
 * to a fan-out consumer, where its cost is on the put-to-delivery path. proto-loader's generic path turns every record into a
 * protobufjs message object (fromObject), queues one writer operation per field, and
 * copies each record's data twice (into the writer's queue's final buffer via finish).
 * Here the exact size is computed first and every field is written once into one buffer
 * (repeatedFieldSerializer); everything but `records` (iterator, millis, child shards)
 * still goes through the generic serializer.
 *
 * Wire format (proto/shardline/v1/streams.proto): records = 1 (message) in both messages,
 * Record.sequence_number = 1 (string), approximate_arrival_timestamp = 2 (int64),
 * data = 3 (bytes), partition_key = 4 (string), encryption_type = 5 (enum; KMS = 1).
 */

import { repeatedFieldSerializer, varintBytes, writeVarint, type Serializer } from './wire-bytes.js'

/** The record shape the GetRecords action returns (src/actions/shapes.ts recordShape). */
interface RecordOut {
  readonly sequence_number: string
  readonly approximate_arrival_timestamp: number
  readonly data: Uint8Array
  readonly partition_key: string
  /** Set only on an encrypted record (recordShape). */
  readonly encryption_type?: 'KMS'
}

const WIRE_VARINT = 0
const WIRE_BYTES = 2
const TAG_RESPONSE_RECORDS = (1 << 3) | WIRE_BYTES
const TAG_SEQUENCE_NUMBER = (1 << 3) | WIRE_BYTES
const TAG_ARRIVAL = (2 << 3) | WIRE_VARINT
const TAG_DATA = (3 << 3) | WIRE_BYTES
const TAG_PARTITION_KEY = (4 << 3) | WIRE_BYTES
const TAG_ENCRYPTION_TYPE = (5 << 3) | WIRE_VARINT
const ENCRYPTION_KMS = 1

/**
 * Only records whose fields have exactly the expected JavaScript types take the fast path;
 * anything else (a value the generic encoder would convert or reject) is left to it.
 */
function isPlainRecord (r: unknown): r is RecordOut {
  if (typeof r !== 'object' || r === null) return false
  const o = r as Record<string, unknown>
  const ts = o.approximate_arrival_timestamp
  return typeof o.sequence_number === 'string' && typeof o.partition_key === 'string' && o.data instanceof Uint8Array &&
    typeof ts === 'number' && Number.isSafeInteger(ts) && ts >= 0 &&
    // An unencrypted record leaves the field out; anything else is the generic path's. Keys
    // outside the schema are ignored by both paths.
    (o.encryption_type === undefined || o.encryption_type === 'KMS')
}

/**
 * Wraps proto-loader's serializer for GetRecordsResponse or SubscribeToShardEvent (both have
 * `repeated Record records = 1`); `generic` takes everything the fast path does not.
 */
export function recordsSerializer (generic: Serializer): Serializer {
  return repeatedFieldSerializer(generic, {
    name: 'records',
    tag: TAG_RESPONSE_RECORDS,
    accepts: isPlainRecord,
    size: (r, strings) => strings.size(r.sequence_number) +
      1 + varintBytes(r.approximate_arrival_timestamp) +
      1 + varintBytes(r.data.byteLength) + r.data.byteLength +
      strings.size(r.partition_key) +
      (r.encryption_type === undefined ? 0 : 2),
    write: (out, at, r, strings) => {
      at = strings.write(out, at, TAG_SEQUENCE_NUMBER, r.sequence_number)
      out[at++] = TAG_ARRIVAL
      at = writeVarint(out, at, r.approximate_arrival_timestamp)
      out[at++] = TAG_DATA
      at = writeVarint(out, at, r.data.byteLength)
      out.set(r.data, at)
      at += r.data.byteLength
      at = strings.write(out, at, TAG_PARTITION_KEY, r.partition_key)
      if (r.encryption_type !== undefined) {
        out[at++] = TAG_ENCRYPTION_TYPE
        out[at++] = ENCRYPTION_KMS
      }
      return at
    }
  })
}
