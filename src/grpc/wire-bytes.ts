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

/**
 * Bytes of `text` in UTF-8, walking it in JavaScript: sequence numbers and most partition
 * keys are short ASCII, for which this beats a call into C++ per string.
 */
export function utf8Bytes (text: string): number {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) >= 0x80) return Buffer.byteLength(text, 'utf8')
  }
  return text.length
}

/** Writes `text`, whose UTF-8 length is `bytes`; ASCII (length equal) is copied char by char. */
export function writeString (buf: Buffer, offset: number, text: string, bytes: number): number {
  if (bytes !== text.length) return offset + buf.write(text, offset, bytes, 'utf8')
  for (let i = 0; i < bytes; i++) buf[offset + i] = text.charCodeAt(i)
  return offset + bytes
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
