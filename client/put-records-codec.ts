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

const WIRE_VARINT = 0
const WIRE_BYTES = 2

type Serializer = (value: object) => Buffer
type Deserializer = (bytes: Buffer) => object

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

function varintBytes (value: number): number {
  let n = 1
  while (value >= 128) {
    value = Math.floor(value / 128)
    n++
  }
  return n
}

function writeVarint (buf: Buffer, at: number, value: number): number {
  while (value >= 128) {
    buf[at++] = (value % 128) | 128
    value = Math.floor(value / 128)
  }
  buf[at++] = value
  return at
}

/** Bytes of a length-delimited field holding `bytes` bytes, tag included (tags here are one byte). */
function fieldBytes (bytes: number): number {
  return 1 + varintBytes(bytes) + bytes
}

function stringBytes (text: string | null | undefined): number {
  return text === undefined || text === null ? 0 : fieldBytes(Buffer.byteLength(text, 'utf8'))
}

function writeStringField (buf: Buffer, at: number, field: number, text: string | null | undefined): number {
  if (text === undefined || text === null) return at
  buf[at++] = (field << 3) | WIRE_BYTES
  const bytes = Buffer.byteLength(text, 'utf8')
  at = writeVarint(buf, at, bytes)
  return at + buf.write(text, at, bytes, 'utf8')
}

/** Wraps proto-loader's serializer for PutRecordsRequest; `generic` takes what this does not. */
export function putRecordsSerializer (generic: Serializer): Serializer {
  return (value) => {
    const request = value as { records?: unknown, streamName?: unknown, streamArn?: unknown }
    const records = request.records
    if (!Array.isArray(records) || !records.every(isPlainEntry) || !isStringOrAbsent(request.streamName) || !isStringOrAbsent(request.streamArn)) return generic(value)
    const n = records.length
    const bodies = new Array<number>(n)
    let total = stringBytes(request.streamName) + stringBytes(request.streamArn)
    for (let i = 0; i < n; i++) {
      const e = records[i]!
      const data = e.data as Uint8Array | null | undefined
      const body = (data === undefined || data === null ? 0 : fieldBytes(data.byteLength)) +
        stringBytes(e.explicitHashKey as string | undefined) + stringBytes(e.partitionKey as string | undefined)
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
      at = writeStringField(out, at, 2, e.explicitHashKey as string | undefined)
      at = writeStringField(out, at, 3, e.partitionKey as string | undefined)
    }
    at = writeStringField(out, at, 2, request.streamName)
    at = writeStringField(out, at, 3, request.streamArn)
    return out
  }
}

const cursor = { at: 0 }

/** A varint below 2^31 at `at` (the cursor moves past it); -1 when truncated or larger. */
function readVarint (buf: Buffer, at: number, end: number): number {
  let value = 0
  let scale = 1
  for (let i = 0; i < 5; i++) {
    if (at >= end) return -1
    const byte = buf[at++]!
    value += (byte & 0x7f) * scale
    if (byte < 0x80) {
      cursor.at = at
      return value < 2 ** 31 ? value : -1
    }
    scale *= 128
  }
  return -1
}

interface ResultEntryIn {
  sequenceNumber?: string
  shardId?: string
  errorCode?: string
  errorMessage?: string
}

const ENCRYPTION_TYPES = ['NONE', 'KMS'] as const

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
      if (tag === ((1 << 3) | WIRE_VARINT)) {
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
