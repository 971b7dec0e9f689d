/**
 * Byte-level protobuf reading and writing shared by the client's hand-rolled codecs
 * (records-decoder.ts, put-records-codec.ts). The server has its own (src/grpc/wire-bytes.ts):
 * the client never imports the server.
 */

export const WIRE_VARINT = 0
export const WIRE_BYTES = 2

/** EncryptionType by its number, as proto-loader names it (enums as strings). */
export const ENCRYPTION_TYPES = ['NONE', 'KMS'] as const

export type Serializer = (value: object) => Buffer
export type Deserializer = (bytes: Buffer) => object

/** Where the last readVarint ended. Decoding is synchronous, so one serves every call. */
export const cursor = { at: 0 }

/**
 * A varint at `at` below 2^53 (int64 timestamps, tags, lengths); `cursor.at` moves past
 * it. -1 when it is truncated or larger, which the codecs answer by handing the message
 * to proto-loader.
 */
export function readVarint (buf: Buffer, at: number, end: number): number {
  let value = 0
  let scale = 1
  for (let i = 0; i < 8; i++) {
    if (at >= end) return -1
    const byte = buf[at++]!
    value += (byte & 0x7f) * scale
    if (byte < 0x80) {
      cursor.at = at
      return value <= Number.MAX_SAFE_INTEGER ? value : -1
    }
    scale *= 128
  }
  return -1
}

export function varintBytes (value: number): number {
  let n = 1
  while (value >= 128) {
    value = Math.floor(value / 128)
    n++
  }
  return n
}

export function writeVarint (buf: Buffer, at: number, value: number): number {
  while (value >= 128) {
    buf[at++] = (value % 128) | 128
    value = Math.floor(value / 128)
  }
  buf[at++] = value
  return at
}
