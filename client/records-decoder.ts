/**
 * A hand-rolled decoder for GetRecordsResponse, the largest answer a client receives (up
 * to 10,000 records and 10 MiB), and for SubscribeToShardEvent, whose decoding is on a
 * fan-out consumer's put-to-delivery path. proto-loader's generic path makes a protobufjs message per
 * record and then copies it into a plain object; here each record becomes one object read
 * straight from the bytes, in the shape proto-loader gives (camelCase, int64 as number,
 * enums as names, `data` a view of the message).
 *
 * The other fields (iterator or continuation, lag, child shards) are few and small: their bytes are
 * gathered and decoded by the generic path (a protobuf message is its fields in any
 * order). Anything the fast path does not cover (an unexpected wire type, a number past
 * 2^53, an unknown enum value, truncation) hands the whole message to the generic path.
 *
 * Wire format (proto/shardline/v1/streams.proto): records = 1 in both messages, and fields
 * 2-4 have the same wire types (string, int64, repeated ChildShard); Record.
 * sequence_number = 1 (string), approximate_arrival_timestamp = 2 (int64), data = 3
 * (bytes), partition_key = 4 (string), encryption_type = 5 (enum).
 */

import { cursor, ENCRYPTION_TYPES, readVarint, WIRE_BYTES, WIRE_VARINT, type Deserializer } from './wire-bytes.js'

interface WireRecord {
  sequenceNumber?: string
  approximateArrivalTimestamp?: number
  data?: Buffer
  partitionKey?: string
  encryptionType?: string
}

function decodeRecord (buf: Buffer, start: number, end: number): WireRecord | undefined {
  const record: WireRecord = {}
  let at = start
  while (at < end) {
    const tag = readVarint(buf, at, end)
    if (tag < 0) return undefined
    const field = Math.floor(tag / 8)
    const wireType = tag % 8
    const value = readVarint(buf, cursor.at, end)
    if (value < 0) return undefined
    at = cursor.at
    if (wireType === WIRE_VARINT) {
      if (field === 2) record.approximateArrivalTimestamp = value
      else if (field === 5 && value < ENCRYPTION_TYPES.length) record.encryptionType = ENCRYPTION_TYPES[value]
      else return undefined
      continue
    }
    if (wireType !== WIRE_BYTES || at + value > end) return undefined
    const to = at + value
    if (field === 1) record.sequenceNumber = buf.toString('utf8', at, to)
    else if (field === 3) record.data = buf.subarray(at, to)
    else if (field === 4) record.partitionKey = buf.toString('utf8', at, to)
    else return undefined
    at = to
  }
  return record
}

/**
 * Wraps proto-loader's deserializer for GetRecordsResponse or SubscribeToShardEvent;
 * `generic` handles what this does not (and names fields 2-4 as its message does).
 */
export function recordsDeserializer (generic: Deserializer): Deserializer {
  return (bytes) => {
    const records: WireRecord[] = []
    const rest: Buffer[] = []
    let at = 0
    const end = bytes.byteLength
    while (at < end) {
      const fieldStart = at
      const tag = readVarint(bytes, at, end)
      if (tag < 0) return generic(bytes)
      const wireType = tag % 8
      const value = readVarint(bytes, cursor.at, end)
      if (value < 0) return generic(bytes)
      at = cursor.at
      const field = Math.floor(tag / 8)
      // protobufjs reads a known field by its schema type, whatever its wire type says;
      // such a message is left to it whole, so the two paths agree on it too.
      if (field >= 1 && field <= 4 && wireType !== (field === 3 ? WIRE_VARINT : WIRE_BYTES)) return generic(bytes)
      if (wireType === WIRE_BYTES) {
        if (at + value > end) return generic(bytes)
        if (field === 1) {
          const record = decodeRecord(bytes, at, at + value)
          if (record === undefined) return generic(bytes)
          records.push(record)
        } else {
          rest.push(bytes.subarray(fieldStart, at + value))
        }
        at += value
      } else if (wireType === WIRE_VARINT) {
        rest.push(bytes.subarray(fieldStart, at))
      } else {
        return generic(bytes)
      }
    }
    const others = generic(rest.length === 1 ? rest[0]! : Buffer.concat(rest)) as { records?: unknown }
    return records.length === 0 ? others : { ...others, records }
  }
}
