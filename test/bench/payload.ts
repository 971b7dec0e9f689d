/**
 * Record payloads and partition keys. Random bytes are drawn once and sliced into 1 KiB
 * views so that producing a request costs the client almost nothing, and partition keys
 * cover many values so every shard of a stream gets its share.
 */
import { randomBytes } from 'node:crypto'
import type { PutRecordsRequestEntry } from '../../client/index.js'

export const RECORD_BYTES = 1024
const DISTINCT_PAYLOADS = 256
const DISTINCT_KEYS = 100_000
/** PutRecords bodies to rotate through; each holds different payload/key pairings. */
const DISTINCT_BATCHES = 16

const pool = randomBytes(RECORD_BYTES * DISTINCT_PAYLOADS)
const payloads: Buffer[] = Array.from({ length: DISTINCT_PAYLOADS }, (_, i) => pool.subarray(i * RECORD_BYTES, (i + 1) * RECORD_BYTES))
// Random rather than sequential suffixes, so the keys' hashes are not correlated with call order.
const keys: string[] = Array.from({ length: DISTINCT_KEYS }, () => `pk-${randomBytes(6).toString('hex')}`)

export function payload (i: number): Buffer {
  return payloads[i % DISTINCT_PAYLOADS]!
}

export function partitionKey (i: number): string {
  return keys[i % DISTINCT_KEYS]!
}

const batches = new Map<number, PutRecordsRequestEntry[][]>()

/** A ready PutRecords entry list of `size` records; successive i give different lists. */
export function batchOf (size: number, i: number): PutRecordsRequestEntry[] {
  let lists = batches.get(size)
  if (lists === undefined) {
    lists = Array.from({ length: DISTINCT_BATCHES }, (_, b) => Array.from({ length: size }, (_, r) => {
      const n = b * size + r
      // 7919 is prime, so keys and payloads pair differently in every list.
      return { partitionKey: partitionKey(n * 7919), data: payload(n) }
    }))
    batches.set(size, lists)
  }
  return lists[i % DISTINCT_BATCHES]!
}
