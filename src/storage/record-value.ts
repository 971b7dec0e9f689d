/**
 * Binary values of the records sublevel: partition key length u16 | partition key UTF-8 |
 * data. The arrival time and sequence number live in the key, so nothing is repeated and
 * nothing on the hot path goes through JSON or base64.
 */

export interface RecordBody {
  readonly partitionKey: string
  readonly data: Uint8Array
}

export function encodeRecordValue (partitionKey: string, data: Uint8Array): Buffer {
  const keyBytes = Buffer.byteLength(partitionKey, 'utf8')
  const value = Buffer.allocUnsafe(2 + keyBytes + data.byteLength)
  value.writeUInt16BE(keyBytes, 0)
  value.write(partitionKey, 2, keyBytes, 'utf8')
  value.set(data, 2 + keyBytes)
  return value
}

export function decodeRecordValue (value: Uint8Array): RecordBody {
  const buf = Buffer.from(value.buffer, value.byteOffset, value.byteLength)
  const keyBytes = buf.readUInt16BE(0)
  return {
    partitionKey: buf.toString('utf8', 2, 2 + keyBytes),
    data: buf.subarray(2 + keyBytes)
  }
}
