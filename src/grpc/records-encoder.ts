/**
 * A hand-rolled encoder for the `records` of GetRecordsResponse, the largest message the
 * server sends (up to 10 MiB). proto-loader's generic path turns every record into a
 * protobufjs message object (fromObject), queues one writer operation per field, and
 * copies each record's data twice (into the writer's queue's final buffer via finish).
 * Here the exact size is computed first and every field is written once into one buffer.
 *
 * Everything but `records` (iterator, millis, child shards) still goes through the generic
 * serializer and is appended: a protobuf message is the concatenation of its fields in any
 * order, so the two parts together decode as one message.
 *
 * Wire format (proto/shardline/v1/streams.proto): GetRecordsResponse.records = 1 (message),
 * Record.sequence_number = 1 (string), approximate_arrival_timestamp = 2 (int64),
 * data = 3 (bytes), partition_key = 4 (string).
 */

import { scratchOf, utf8Bytes, varintBytes, writeString, writeVarint } from './wire-bytes.js'

/** The record shape the GetRecords action returns (src/actions/shapes.ts recordShape). */
interface RecordOut {
  readonly sequence_number: string
  readonly approximate_arrival_timestamp: number
  readonly data: Uint8Array
  readonly partition_key: string
}

const WIRE_VARINT = 0
const WIRE_BYTES = 2
const TAG_RESPONSE_RECORDS = (1 << 3) | WIRE_BYTES
const TAG_SEQUENCE_NUMBER = (1 << 3) | WIRE_BYTES
const TAG_ARRIVAL = (2 << 3) | WIRE_VARINT
const TAG_DATA = (3 << 3) | WIRE_BYTES
const TAG_PARTITION_KEY = (4 << 3) | WIRE_BYTES

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
    // The one Record field the fast path does not write; keys outside the schema are ignored by both paths.
    o.encryption_type === undefined
}

/**
 * Wraps proto-loader's serializer for GetRecordsResponse. `generic` serializes the same
 * message the slow way; it is used for everything the fast path does not cover.
 */
export function getRecordsSerializer (generic: (value: object) => Buffer): (value: object) => Buffer {
  return (value) => {
    const records = (value as { records?: unknown }).records
    if (!Array.isArray(records) || records.length === 0 || !records.every(isPlainRecord)) return generic(value)
    const rest = generic({ ...value, records: [] })

    // Pass 1: sizes. String byte lengths are kept so pass 2 need not measure again.
    const n = records.length
    const bodies = new Array<number>(n)
    const seqBytes = new Array<number>(n)
    const keyBytes = new Array<number>(n)
    let total = rest.byteLength
    for (let i = 0; i < n; i++) {
      const r = records[i]!
      const s = utf8Bytes(r.sequence_number)
      const k = utf8Bytes(r.partition_key)
      const d = r.data.byteLength
      const body = 1 + varintBytes(s) + s +
        1 + varintBytes(r.approximate_arrival_timestamp) +
        1 + varintBytes(d) + d +
        1 + varintBytes(k) + k
      seqBytes[i] = s
      keyBytes[i] = k
      bodies[i] = body
      total += 1 + varintBytes(body) + body
    }

    // Pass 2: one buffer, each field written once.
    const out = scratchOf(total)
    let at = 0
    for (let i = 0; i < n; i++) {
      const r = records[i]!
      out[at++] = TAG_RESPONSE_RECORDS
      at = writeVarint(out, at, bodies[i]!)
      out[at++] = TAG_SEQUENCE_NUMBER
      at = writeVarint(out, at, seqBytes[i]!)
      at = writeString(out, at, r.sequence_number, seqBytes[i]!)
      out[at++] = TAG_ARRIVAL
      at = writeVarint(out, at, r.approximate_arrival_timestamp)
      out[at++] = TAG_DATA
      at = writeVarint(out, at, r.data.byteLength)
      out.set(r.data, at)
      at += r.data.byteLength
      out[at++] = TAG_PARTITION_KEY
      at = writeVarint(out, at, keyBytes[i]!)
      at = writeString(out, at, r.partition_key, keyBytes[i]!)
    }
    rest.copy(out, at)
    return out
  }
}
