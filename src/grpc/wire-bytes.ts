/**
 * Byte-level protobuf writing shared by the hand-rolled encoders (records-encoder.ts,
 * put-records-codec.ts): varint sizes and writes, UTF-8 lengths, and one reusable buffer.
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
