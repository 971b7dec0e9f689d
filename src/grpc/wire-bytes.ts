/**
 * Byte-level protobuf writing shared by the hand-rolled encoders (records-encoder.ts,
 * put-records-codec.ts): varint sizes and writes, UTF-8 lengths, one reusable buffer, and
 * the serializer both are built on.
 */

/** Bytes of a varint holding a non-negative integer below 2^53. */
export function varintBytes (value: number): number {
  let n = 1
  while (value >= 128) {
    value = Math.floor(value / 128)
    n++
  }
  return n
}

/** Bytes of `text` in UTF-8. */
export function utf8Bytes (text: string): number {
  // Natively, not char by char in JavaScript: sequence numbers arrive as concatenated
  // (cons) strings, which V8 would first copy into a flat one for charCodeAt; its own
  // length and write routines walk them in place. Measured: about half the time per string.
  return Buffer.byteLength(text, 'utf8')
}

/** Writes `text`, whose UTF-8 length is `bytes`; when that equals its length, it is ASCII and written as Latin-1 (a plain copy). */
export function writeString (buf: Buffer, offset: number, text: string, bytes: number): number {
  return offset + buf.write(text, offset, bytes, bytes === text.length ? 'latin1' : 'utf8')
}

/**
 * The encoded message is built in one buffer kept for the next call. grpc-js copies a
 * serializer's result into its own frame (length prefix included) before it returns
 * (ServerInterceptingCall.serializeMessage, grpc-js 1.14), so the buffer is free again at
 * once; a fresh 10 MiB buffer per call would cost more in page faults than the copy.
 * Serializers run synchronously, so the GetRecords and PutRecords encoders share it.
 * test/get-records.test.ts reads concurrent pages of different data, and the producer
 * tests run concurrent PutRecords and check every answer, to catch a grpc-js that starts
 * to hold on to it.
 */
const MIB = 1024 * 1024
let scratch = Buffer.allocUnsafe(0)

export function scratchOf (bytes: number): Buffer {
  // Whole MiBs, so pages of slightly different sizes do not each grow it.
  if (scratch.byteLength < bytes) scratch = Buffer.allocUnsafe(Math.ceil(bytes / MIB) * MIB)
  return scratch.subarray(0, bytes)
}

export function writeVarint (buf: Buffer, offset: number, value: number): number {
  while (value >= 128) {
    buf[offset++] = (value % 128) | 128
    value = Math.floor(value / 128)
  }
  buf[offset++] = value
  return offset
}

/**
 * The UTF-8 lengths of the string fields one message holds: measured once while the
 * message is sized, and read back in the same order while it is written.
 */
export class StringFields {
  private readonly lengths: number[] = []
  private next = 0

  /** Bytes of a string field (one-byte tag, length, UTF-8); 0 when it is absent. */
  size (text: string | undefined): number {
    if (text === undefined) return 0
    const bytes = utf8Bytes(text)
    this.lengths.push(bytes)
    return 1 + varintBytes(bytes) + bytes
  }

  /** Writes a field that `size` measured, in the order it measured them. */
  write (out: Buffer, at: number, tag: number, text: string | undefined): number {
    if (text === undefined) return at
    const bytes = this.lengths[this.next++]!
    out[at++] = tag
    return writeString(out, writeVarint(out, at, bytes), text, bytes)
  }
}

export type Serializer = (value: object) => Buffer

export interface RepeatedField<T> {
  /** The output key of the repeated message field, e.g. 'records'. */
  readonly name: string
  /** Its one-byte tag (field number and length-delimited wire type). */
  readonly tag: number
  /** Items of exactly the expected JavaScript types; one that is not sends the whole message the generic way. */
  readonly accepts: (item: unknown) => item is T
  /** Bytes of an item's body; string fields are measured through `strings`. */
  readonly size: (item: T, strings: StringFields) => number
  /** Writes an item's body at `at`, its string fields through `strings`, in the order `size` measured them. */
  readonly write: (out: Buffer, at: number, item: T, strings: StringFields) => number
}

/**
 * Wraps proto-loader's serializer: one repeated message field is written by hand, sized
 * first so everything lands once in the reusable buffer, and the rest of the message
 * goes through `generic` and is appended (a protobuf message is its fields in any order,
 * so the two parts decode as one). proto-loader would make a message object per item and
 * queue a writer operation per field.
 */
export function repeatedFieldSerializer<T> (generic: Serializer, field: RepeatedField<T>): Serializer {
  return (value) => {
    const items = (value as Record<string, unknown>)[field.name]
    if (!Array.isArray(items) || items.length === 0 || !items.every(field.accepts)) return generic(value)
    const rest = generic({ ...value, [field.name]: [] })
    const strings = new StringFields()
    const bodies = new Array<number>(items.length)
    let total = rest.byteLength
    for (let i = 0; i < items.length; i++) {
      const body = field.size(items[i]!, strings)
      bodies[i] = body
      total += 1 + varintBytes(body) + body
    }
    const out = scratchOf(total)
    let at = 0
    for (let i = 0; i < items.length; i++) {
      out[at++] = field.tag
      at = writeVarint(out, at, bodies[i]!)
      at = field.write(out, at, items[i]!, strings)
    }
    rest.copy(out, at)
    return out
  }
}
