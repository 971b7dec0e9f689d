/**
 * Binary values of the records sublevel. A value holds one record or a segment of them.
 *
 * - One record: partition key length u16 | partition key UTF-8 | data. Its key is its
 *   position (record-key.ts), so the value repeats nothing.
 * - A segment: SEGMENT_MARK | record count u16 | per record: arrival ms f64 | counter f64 |
 *   partition key length u16 | data length u32 | partition key UTF-8 | data. The records
 *   are the ones one commit wrote to one shard, in position order, and the key is the
 *   position of the last.
 *
 * Why segments: a GetRecords page of 10,000 small records was 10,000 LevelDB entries, and
 * the read's cost was mostly per entry (two buffers made for each in native code, their
 * JavaScript objects, their garbage), not per byte. A segment of SEGMENT_BYTES turns
 * that into one entry per few dozen records, and a PutRecords call into a few writes.
 *
 * Keying a segment by its last record keeps every range rule of single records: a seek
 * to a position finds the first entry whose last record is at or after it (the reader
 * skips the segment's records before it); the newest entry's key is the shard's last
 * position; and deleting the keys before a time deletes exactly the entries whose
 * records are all older.
 *
 * A one-byte mark tells the two apart: a single record's value starts with the high byte
 * of its key length, at most 4 (256 characters of up to 4 UTF-8 bytes).
 */

import type { ShardPosition } from './record-key.js'
import type { StoredRecord } from './store.js'

const SEGMENT_MARK = 0xff
/** Records are put in one segment until it holds this many bytes of keys and data. */
export const SEGMENT_BYTES = 64 * 1024
const MAX_SEGMENT_RECORDS = 0xffff
const SEGMENT_HEADER_BYTES = 3
const RECORD_HEADER_BYTES = 22

/** A record on its way into a value. */
export interface RecordToWrite {
  readonly ts: number
  readonly counter: number
  readonly partitionKey: string
  readonly data: Uint8Array
}

function encodeRecordValue (partitionKey: string, data: Uint8Array): Buffer {
  const keyBytes = Buffer.byteLength(partitionKey, 'utf8')
  const value = Buffer.allocUnsafe(2 + keyBytes + data.byteLength)
  value.writeUInt16BE(keyBytes, 0)
  value.write(partitionKey, 2, keyBytes, 'utf8')
  value.set(data, 2 + keyBytes)
  return value
}

/** One shard's records of one commit, in position order, as values of at most SEGMENT_BYTES (or one record). */
export function encodeRecordValues (records: readonly RecordToWrite[], emit: (last: RecordToWrite, value: Buffer) => void): void {
  let start = 0
  while (start < records.length) {
    let end = start
    let bytes = 0
    const keyBytes: number[] = []
    // At least one record; more while they fit.
    while (end < records.length && end - start < MAX_SEGMENT_RECORDS) {
      const record = records[end]!
      const keyLength = Buffer.byteLength(record.partitionKey, 'utf8')
      const size = keyLength + record.data.byteLength
      if (end > start && bytes + size > SEGMENT_BYTES) break
      keyBytes.push(keyLength)
      bytes += size
      end++
    }
    const last = records[end - 1]!
    emit(last, end - start === 1 ? encodeRecordValue(last.partitionKey, last.data) : encodeSegment(records, start, end, keyBytes, bytes))
    start = end
  }
}

function encodeSegment (records: readonly RecordToWrite[], start: number, end: number, keyBytes: readonly number[], bytes: number): Buffer {
  const value = Buffer.allocUnsafe(SEGMENT_HEADER_BYTES + (end - start) * RECORD_HEADER_BYTES + bytes)
  value[0] = SEGMENT_MARK
  value.writeUInt16BE(end - start, 1)
  let off = SEGMENT_HEADER_BYTES
  for (let i = start; i < end; i++) {
    const record = records[i]!
    const keyLength = keyBytes[i - start]!
    // Doubles hold both exactly: arrival times and counters stay below 2^53.
    value.writeDoubleBE(record.ts, off)
    value.writeDoubleBE(record.counter, off + 8)
    value.writeUInt16BE(keyLength, off + 16)
    value.writeUInt32BE(record.data.byteLength, off + 18)
    off += RECORD_HEADER_BYTES
    off += value.write(record.partitionKey, off, keyLength, 'utf8')
    value.set(record.data, off)
    off += record.data.byteLength
  }
  return value
}

/**
 * Walks the records of one value, a single record or a segment, in order, without making
 * an object for the ones the reader skips: `next()` moves to the next record, whose
 * position and size are then in the fields. A single record's position is its key's
 * (`position`); a segment's records carry their own.
 */
export class RecordCursor implements ShardPosition {
  ts = 0
  counter = 0
  /** Partition key plus data bytes, as GetRecords counts a record. */
  size = 0
  private keyStart = 0
  private keyEnd = 0
  private dataEnd = 0
  private left: number
  private readonly segment: boolean

  constructor (private readonly value: Buffer, private readonly position: ShardPosition) {
    this.segment = value[0] === SEGMENT_MARK
    this.left = this.segment ? value.readUInt16BE(1) : 1
    this.dataEnd = this.segment ? SEGMENT_HEADER_BYTES : 0
  }

  next (): boolean {
    if (this.left === 0) return false
    this.left--
    const value = this.value
    if (this.segment) {
      const off = this.dataEnd
      this.ts = value.readDoubleBE(off)
      this.counter = value.readDoubleBE(off + 8)
      this.keyStart = off + RECORD_HEADER_BYTES
      this.keyEnd = this.keyStart + value.readUInt16BE(off + 16)
      this.dataEnd = this.keyEnd + value.readUInt32BE(off + 18)
    } else {
      this.ts = this.position.ts
      this.counter = this.position.counter
      this.keyStart = 2
      this.keyEnd = 2 + value.readUInt16BE(0)
      this.dataEnd = value.byteLength
    }
    this.size = this.dataEnd - this.keyStart
    return true
  }

  /**
   * The current record. The value is a Buffer straight from LevelDB, read in place: its
   * data is a view of the value, not a copy.
   */
  record (): StoredRecord {
    return { ts: this.ts, counter: this.counter, partitionKey: this.value.toString('utf8', this.keyStart, this.keyEnd), data: this.value.subarray(this.keyEnd, this.dataEnd) }
  }
}
