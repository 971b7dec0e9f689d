/**
 * Partition keys map to 128-bit hash keys; shards own contiguous ranges of that space.
 */
import { createHash } from 'node:crypto'
import murmur from 'murmurhash3js-revisited'

export type PartitionHash = 'MURMUR3' | 'MD5'

export const HASH_KEY_MAX = (1n << 128n) - 1n

export interface HashRange {
  readonly start: bigint
  readonly end: bigint
}

/**
 * The key's UTF-8 bytes are written here rather than into a new array per record: hashing
 * is synchronous, so one buffer serves every call. 256 characters take at most 768 bytes
 * (a UTF-16 unit is at most 3 UTF-8 bytes); longer keys, refused upstream, get their own.
 */
const scratch = Buffer.allocUnsafe(1024)

function utf8Bytes (text: string): Uint8Array {
  if (text.length * 3 > scratch.length) return Buffer.from(text, 'utf8')
  return scratch.subarray(0, scratch.write(text, 0, 'utf8'))
}

/**
 * MURMUR3: MurmurHash3 x64_128 of the key's UTF-8 bytes, read as an unsigned big-endian
 * integer (the library prints h1 then h2 as big-endian hex). MD5: the digest read the same
 * way, which is how AWS Kinesis places keys.
 */
export function hashPartitionKey (partitionKey: string, algorithm: PartitionHash): bigint {
  const hex = algorithm === 'MD5'
    ? createHash('md5').update(partitionKey, 'utf8').digest('hex')
    : murmur.x64.hash128(utf8Bytes(partitionKey))
  return BigInt('0x' + hex)
}

/**
 * Splits the hash space the way Kinesis does: each of n shards gets floor(2^128 / n) keys
 * and the last shard also takes the remainder, so ranges end at 2^128 - 1 exactly.
 */
export function evenHashRanges (count: number, within: HashRange = { start: 0n, end: HASH_KEY_MAX }): HashRange[] {
  const size = within.end - within.start + 1n
  const step = size / BigInt(count)
  const ranges: HashRange[] = []
  for (let i = 0; i < count; i++) {
    const start = within.start + step * BigInt(i)
    const end = i === count - 1 ? within.end : start + step - 1n
    ranges.push({ start, end })
  }
  return ranges
}

/** Parses a decimal hash key; undefined when it is not an integer in [0, 2^128 - 1]. */
export function parseHashKey (text: string): bigint | undefined {
  if (!/^(0|[1-9]\d{0,38})$/.test(text)) return undefined
  const value = BigInt(text)
  return value <= HASH_KEY_MAX ? value : undefined
}
