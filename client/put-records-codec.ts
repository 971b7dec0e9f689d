/**
 * Hand-rolled encoding of PutRecordsRequest and decoding of PutRecordsResponse, the call a
 * Producer makes all day. proto-loader's generic path builds a protobufjs message per record
 * (fromObject), queues a writer operation per field and copies every record's data once
 * more when it finishes; its answers become a message and then a plain object per record.
 * That garbage was a large part of a Producer's CPU.
 *
 * The encoder writes the same bytes protobufjs writes (fields in number order, a string
 * written whenever it is present, even empty), so the server cannot tell the two apart.
 * The decoder gives the shape proto-loader gives (camelCase, absent fields absent). Either
 * hands over to the generic path for anything it does not cover: a value of another type
 * (which protobufjs would convert or refuse), an unexpected wire type, truncation.
 *
 * Wire format (proto/shardline/v1/streams.proto): PutRecordsRequest.records = 1 (message),
 * stream_name = 2, stream_arn = 3; PutRecordsRequestEntry.data = 1 (bytes),
 * explicit_hash_key = 2, partition_key = 3; PutRecordsResponse.failed_record_count = 1
 * (int32), records = 2 (message), encryption_type = 3 (enum); PutRecordsResultEntry.
 * sequence_number = 1, shard_id = 2, error_code = 3, error_message = 4 (strings).
 */

import { cursor, ENCRYPTION_TYPES, readVarint, varintBytes, WIRE_BYTES, WIRE_VARINT, writeVarint, type Deserializer, type Serializer } from './wire-bytes.js'

/** An entry as `encodePutRecords` leaves it: data already bytes. */
interface EntryOut {
  readonly data?: unknown
  readonly explicitHashKey?: unknown
  readonly partitionKey?: unknown
}

function isStringOrAbsent (value: unknown): value is string | undefined {
  return value === undefined || value === null || typeof value === 'string'
}

function isPlainEntry (value: unknown): value is EntryOut {
  if (typeof value !== 'object' || value === null) return false
  const e = value as EntryOut
  return (e.data === undefined || e.data === null || e.data instanceof Uint8Array) && isStringOrAbsent(e.explicitHashKey) && isStringOrAbsent(e.partitionKey)
}

/** Bytes of a length-delimited field holding `bytes` bytes, tag included (tags here are one byte). */
function fieldBytes (bytes: number): number {
  return 1 + varintBytes(bytes) + bytes
}

/** UTF-8 bytes of an optional string; -1 when it is absent (protobufjs writes any present string, even empty). */
function utf8Length (text: string | null | undefined): number {
  return text === undefined || text === null ? -1 : Buffer.byteLength(text, 'utf8')
}

/** A string field measured by utf8Length; nothing when `bytes` is -1. */
function writeStringField (buf: Buffer, at: number, field: number, text: string | null | undefined, bytes: number): number {
  if (bytes < 0) return at
  buf[at++] = (field << 3) | WIRE_BYTES
  at = writeVarint(buf, at, bytes)
  return at + buf.write(text!, at, bytes, 'utf8')
}

function stringFieldBytes (bytes: number): number {
  return bytes < 0 ? 0 : fieldBytes(bytes)
}

/** Wraps proto-loader's serializer for PutRecordsRequest; `generic` takes what this does not. */
export function putRecordsSerializer (generic: Serializer): Serializer {
  return (value) => {
    const request = value as { records?: unknown, streamName?: unknown, streamArn?: unknown }
    const records = request.records
    if (!Array.isArray(records) || !records.every(isPlainEntry) || !isStringOrAbsent(request.streamName) || !isStringOrAbsent(request.streamArn)) return generic(value)
    const n = records.length
    // Each string is measured once, here, and written with that length below.
    const hashKeyBytes = new Array<number>(n)
    const partitionKeyBytes = new Array<number>(n)
    const bodies = new Array<number>(n)
    const streamNameBytes = utf8Length(request.streamName)
    const streamArnBytes = utf8Length(request.streamArn)
    let total = stringFieldBytes(streamNameBytes) + stringFieldBytes(streamArnBytes)
    for (let i = 0; i < n; i++) {
      const e = records[i]!
      const data = e.data as Uint8Array | null | undefined
      hashKeyBytes[i] = utf8Length(e.explicitHashKey as string | undefined)
      partitionKeyBytes[i] = utf8Length(e.partitionKey as string | undefined)
      const body = (data === undefined || data === null ? 0 : fieldBytes(data.byteLength)) +
        stringFieldBytes(hashKeyBytes[i]!) + stringFieldBytes(partitionKeyBytes[i]!)
      bodies[i] = body
      total += fieldBytes(body)
    }
    const out = Buffer.allocUnsafe(total)
    let at = 0
    for (let i = 0; i < n; i++) {
      const e = records[i]!
      out[at++] = (1 << 3) | WIRE_BYTES
      at = writeVarint(out, at, bodies[i]!)
      const data = e.data as Uint8Array | null | undefined
      if (data !== undefined && data !== null) {
        out[at++] = (1 << 3) | WIRE_BYTES
        at = writeVarint(out, at, data.byteLength)
        out.set(data, at)
        at += data.byteLength
      }
      at = writeStringField(out, at, 2, e.explicitHashKey as string | undefined, hashKeyBytes[i]!)
      at = writeStringField(out, at, 3, e.partitionKey as string | undefined, partitionKeyBytes[i]!)
    }
    at = writeStringField(out, at, 2, request.streamName, streamNameBytes)
    at = writeStringField(out, at, 3, request.streamArn, streamArnBytes)
    return out
  }
}

interface ResultEntryIn {
  sequenceNumber?: string
  shardId?: string
  errorCode?: string
  errorMessage?: string
}

function decodeEntry (buf: Buffer, start: number, end: number): ResultEntryIn | undefined {
  const entry: ResultEntryIn = {}
  let at = start
  while (at < end) {
    const tag = readVarint(buf, at, end)
    if (tag < 0 || tag % 8 !== WIRE_BYTES) return undefined
    const length = readVarint(buf, cursor.at, end)
    if (length < 0 || cursor.at + length > end) return undefined
    const text = buf.toString('utf8', cursor.at, cursor.at + length)
    at = cursor.at + length
    const field = Math.floor(tag / 8)
    if (field === 1) entry.sequenceNumber = text
    else if (field === 2) entry.shardId = text
    else if (field === 3) entry.errorCode = text
    else if (field === 4) entry.errorMessage = text
    else return undefined
  }
  return entry
}

/** Wraps proto-loader's deserializer for PutRecordsResponse; `generic` takes what this does not. */
export function putRecordsDeserializer (generic: Deserializer): Deserializer {
  return (bytes) => {
    const response: { failedRecordCount?: number, records?: ResultEntryIn[], encryptionType?: string } = {}
    let at = 0
    const end = bytes.byteLength
    while (at < end) {
      const tag = readVarint(bytes, at, end)
      if (tag < 0) return generic(bytes)
      const value = readVarint(bytes, cursor.at, end)
      if (value < 0) return generic(bytes)
      at = cursor.at
      // An int32 of 2^31 or more (or a negative one, 10 bytes) is left to proto-loader's wrapping.
      if (tag === ((1 << 3) | WIRE_VARINT) && value < 2 ** 31) {
        response.failedRecordCount = value
      } else if (tag === ((3 << 3) | WIRE_VARINT) && value < ENCRYPTION_TYPES.length) {
        response.encryptionType = ENCRYPTION_TYPES[value]
      } else if (tag === ((2 << 3) | WIRE_BYTES) && at + value <= end) {
        const entry = decodeEntry(bytes, at, at + value)
        if (entry === undefined) return generic(bytes)
        ;(response.records ??= []).push(entry)
        at += value
      } else {
        return generic(bytes)
      }
    }
    return response
  }
}
