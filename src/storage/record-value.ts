/**
 * Binary values of the records sublevel: partition key length u16 | partition key UTF-8 |
 * data. The arrival time and sequence number live in the key, so nothing is repeated and
 * nothing on the hot path goes through JSON or base64.
 */

import type { ShardPosition } from './record-key.js'
import type { StoredRecord } from './store.js'

export function encodeRecordValue (partitionKey: string, data: Uint8Array): Buffer {
  const keyBytes = Buffer.byteLength(partitionKey, 'utf8')
  const value = Buffer.allocUnsafe(2 + keyBytes + data.byteLength)
  value.writeUInt16BE(keyBytes, 0)
  value.write(partitionKey, 2, keyBytes, 'utf8')
  value.set(data, 2 + keyBytes)
  return value
}

/**
 * The read path's decoder: `value` is a Buffer straight from LevelDB, so it is read in
 * place (no view over it), and the record object is built once with its position.
 */
export function readStoredRecord (position: ShardPosition, value: Buffer): StoredRecord {
  const keyEnd = 2 + value.readUInt16BE(0)
  return { ts: position.ts, counter: position.counter, partitionKey: value.toString('utf8', 2, keyEnd), data: value.subarray(keyEnd) }
}
