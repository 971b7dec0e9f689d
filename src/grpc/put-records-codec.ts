/**
 * Hand-rolled decoding of PutRecordsRequest and encoding of its response's entries: the
 * call the write path lives on. proto-loader's generic path decodes each record into a
 * protobufjs message, then copies it into a plain object (toObject), and on the way back
 * builds a message object and a queued writer operation per field of every result entry.
 * That garbage was a large part of the server's GC time under PutRecords load.
 *
 * The decoder yields exactly what proto-loader would (keepCase, defaults false: a field
 * is there when it was on the wire; `data` a view of the request's bytes). It returns
 * undefined for anything it does not fully cover (unknown fields, unexpected wire types,
 * truncation, strings that are not plain ASCII), and the generic path then decodes or
 * refuses the request exactly as before.
 *
 * Wire format (proto/shardline/v1/streams.proto): PutRecordsRequest.records = 1 (message),
 * stream_name = 2, stream_arn = 3 (strings); PutRecordsRequestEntry.data = 1 (bytes),
 * explicit_hash_key = 2, partition_key = 3 (strings). PutRecordsResponse.records = 2
 * (message); PutRecordsResultEntry.sequence_number = 1, shard_id = 2, error_code = 3,
 * error_message = 4 (strings).
 */
import { repeatedFieldSerializer, type Serializer } from './wire-bytes.js'

const WIRE_BYTES = 2

interface EntryIn {
  data?: Uint8Array
  explicit_hash_key?: string
  partition_key?: string
}

interface RequestIn {
  records?: EntryIn[]
  stream_name?: string
  stream_arn?: string
}

/**
 * Reads a varint at `at` (moving `out.at` past it); -1 when it is truncated, runs past 5
 * bytes, or is 2^32 or more: tags and lengths are 32-bit, and anything larger is left to
 * the generic decoder to refuse.
 */
function readLength (buf: Uint8Array, at: number, end: number, out: { at: number }): number {
  let value = 0
  for (let shift = 0; shift < 35; shift += 7) {
    if (at >= end) return -1
    const byte = buf[at++]!
    value += (byte & 0x7f) * 2 ** shift
    if (byte < 0x80) {
      out.at = at
      return value < 2 ** 32 ? value : -1
    }
  }
  return -1
}

/** Plain ASCII only: anything else goes to protobufjs's decoder, so both paths agree on every byte. */
function asciiString (buf: Buffer, start: number, end: number): string | undefined {
  for (let i = start; i < end; i++) {
    if (buf[i]! >= 0x80) return undefined
  }
  return buf.toString('latin1', start, end)
}

const cursor = { at: 0 }

/**
 * Each field of a message body in [start, end): `field` is called with the field number
 * and the bounds of its length-delimited value, and returns false to give up. Only
 * length-delimited fields occur in these messages; any other wire type gives up.
 */
function eachField (buf: Buffer, start: number, end: number, field: (id: number, from: number, to: number) => boolean): boolean {
  let at = start
  while (at < end) {
    const tag = readLength(buf, at, end, cursor)
    if (tag < 0 || (tag & 7) !== WIRE_BYTES || tag >>> 3 === 0) return false
    const length = readLength(buf, cursor.at, end, cursor)
    if (length < 0 || cursor.at + length > end) return false
    const from = cursor.at
    at = from + length
    if (!field(tag >>> 3, from, at)) return false
  }
  return true
}

function decodeEntry (buf: Buffer, start: number, end: number): EntryIn | undefined {
  const entry: EntryIn = {}
  const complete = eachField(buf, start, end, (id, from, to) => {
    if (id === 1) {
      // What protobufjs's Uint8Array reader gives (see tolerantDeserializer): a plain view,
      // and for no bytes at all an empty Buffer.
      entry.data = from === to ? Buffer.alloc(0) : new Uint8Array(buf.buffer, buf.byteOffset + from, to - from)
      return true
    }
    if (id !== 2 && id !== 3) return false
    const text = asciiString(buf, from, to)
    if (text === undefined) return false
    if (id === 2) entry.explicit_hash_key = text
    else entry.partition_key = text
    return true
  })
  return complete ? entry : undefined
}

/** The request as proto-loader would decode it, or undefined to leave it to proto-loader. */
export function decodePutRecordsRequest (bytes: Uint8Array): object | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const request: RequestIn = {}
  const complete = eachField(buf, 0, buf.byteLength, (id, from, to) => {
    if (id === 1) {
      const entry = decodeEntry(buf, from, to)
      if (entry === undefined) return false
      ;(request.records ??= []).push(entry)
      return true
    }
    if (id !== 2 && id !== 3) return false
    const text = asciiString(buf, from, to)
    if (text === undefined) return false
    if (id === 2) request.stream_name = text
    else request.stream_arn = text
    return true
  })
  return complete ? request : undefined
}

interface ResultEntryOut {
  readonly sequence_number?: string
  readonly shard_id?: string
  readonly error_code?: string
  readonly error_message?: string
}

const TAG_RESPONSE_RECORDS = (2 << 3) | WIRE_BYTES
const TAG_SEQUENCE_NUMBER = (1 << 3) | WIRE_BYTES
const TAG_SHARD_ID = (2 << 3) | WIRE_BYTES
const TAG_ERROR_CODE = (3 << 3) | WIRE_BYTES
const TAG_ERROR_MESSAGE = (4 << 3) | WIRE_BYTES

function isStringOrAbsent (value: unknown): boolean {
  return value === undefined || typeof value === 'string'
}

function isPlainEntry (value: unknown): value is ResultEntryOut {
  if (typeof value !== 'object' || value === null) return false
  const o = value as ResultEntryOut
  return isStringOrAbsent(o.sequence_number) && isStringOrAbsent(o.shard_id) && isStringOrAbsent(o.error_code) && isStringOrAbsent(o.error_message)
}

/**
 * Wraps proto-loader's serializer for PutRecordsResponse: the result entries are written
 * by hand, the rest (failed count, encryption type) by `generic`.
 */
export function putRecordsSerializer (generic: Serializer): Serializer {
  return repeatedFieldSerializer(generic, {
    name: 'records',
    tag: TAG_RESPONSE_RECORDS,
    accepts: isPlainEntry,
    size: (r, strings) => strings.size(r.sequence_number) + strings.size(r.shard_id) + strings.size(r.error_code) + strings.size(r.error_message),
    write: (out, at, r, strings) => {
      at = strings.write(out, at, TAG_SEQUENCE_NUMBER, r.sequence_number)
      at = strings.write(out, at, TAG_SHARD_ID, r.shard_id)
      at = strings.write(out, at, TAG_ERROR_CODE, r.error_code)
      return strings.write(out, at, TAG_ERROR_MESSAGE, r.error_message)
    }
  })
}
