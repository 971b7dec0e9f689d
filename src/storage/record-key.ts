/**
 * Binary keys of the records sublevel.
 *
 * Layout (24 bytes, big-endian): stream id u32 | shard index u32 | arrival ms u64 |
 * counter u64. Big-endian fixed width makes LevelDB's byte order equal to the numeric
 * order of (stream, shard, time, counter), so one seek finds the first record at or after
 * a timestamp (AT_TIMESTAMP in O(log n)) and retention trimming is one range delete.
 */

export const RECORD_KEY_BYTES = 24

/** A position inside one shard: the record at (ts, counter) or the first one after it. */
export interface ShardPosition {
  readonly ts: number
  readonly counter: number
}

const TWO_32 = 0x1_0000_0000

/** Writes a u64 below 2^53 as two u32 halves. */
export function writeU64 (buf: Buffer, value: number, offset: number): void {
  // Both fields stay below 2^53, so two u32 halves are exact and cheaper than BigInt.
  buf.writeUInt32BE(Math.floor(value / TWO_32), offset)
  buf.writeUInt32BE(value >>> 0, offset + 4)
}

export function readU64 (buf: Uint8Array, offset: number): number {
  const view = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength)
  return view.readUInt32BE(offset) * TWO_32 + view.readUInt32BE(offset + 4)
}

/** Writes a record key at `offset` of `key` (which may start with a namespace prefix). */
export function writeRecordKey (key: Buffer, offset: number, streamId: number, shard: number, ts: number, counter: number): Buffer {
  key.writeUInt32BE(streamId, offset)
  key.writeUInt32BE(shard, offset + 4)
  writeU64(key, ts, offset + 8)
  writeU64(key, counter, offset + 16)
  return key
}

export function decodeRecordKey (key: Uint8Array, offset = 0): { streamId: number, shard: number } & ShardPosition {
  const view = Buffer.from(key.buffer, key.byteOffset, key.byteLength)
  return {
    streamId: view.readUInt32BE(offset),
    shard: view.readUInt32BE(offset + 4),
    ts: readU64(key, offset + 8),
    counter: readU64(key, offset + 16)
  }
}

/**
 * The (ts, counter) of a record key read back from LevelDB, which is already a Buffer:
 * read in place, without the views decodeRecordKey makes for a plain Uint8Array. This
 * runs once per record on every read.
 */
export function readRecordPosition (key: Buffer, offset: number): ShardPosition {
  return {
    ts: key.readUInt32BE(offset + 8) * TWO_32 + key.readUInt32BE(offset + 12),
    counter: key.readUInt32BE(offset + 16) * TWO_32 + key.readUInt32BE(offset + 20)
  }
}

/** Positions compare as (ts, counter) pairs. */
export function comparePositions (a: ShardPosition, b: ShardPosition): number {
  return a.ts !== b.ts ? a.ts - b.ts : a.counter - b.counter
}

/** The position just after `p`: counters are integers, so nothing lies in between. */
export function positionAfter (p: ShardPosition): ShardPosition {
  return { ts: p.ts, counter: p.counter + 1 }
}
