/**
 * shardline's own sequence-number layout, issued before it took AWS's (sequence-number.ts).
 * Data directories, lease tables and applications written then still hold such numbers,
 * so they are still read: a legacy number names its record's exact storage position.
 *
 *   '4' | generation (6) | arrival ms (15) | counter (22) | shard index (12)
 *
 * 56 decimal digits, like AWS's, but always below 2^185 (4.9...e55) while every number of
 * AWS's current layout lies above it: the two cannot be taken for each other. The counter
 * was the shard's own; the records keep it as their storage position, so no conversion of
 * stored data is needed.
 */
import type { ShardPosition } from '../storage/record-key.js'

export interface LegacySequenceParts {
  readonly generation: number
  readonly shardIndex: number
  /** The record's storage position: arrival ms and counter. */
  readonly position: ShardPosition
}

const LEGACY = /^4(\d{6})(\d{15})(\d{22})(\d{12})$/
const P185 = 1n << 185n

/** The fields of a number of the legacy layout; undefined for any other text. */
export function parseLegacySequenceNumber (text: string): LegacySequenceParts | undefined {
  const match = LEGACY.exec(text)
  if (match === null || BigInt(text) >= P185) return undefined
  const counter = Number(match[3])
  // Counters stayed far below 2^53; a larger one was never issued.
  if (!Number.isSafeInteger(counter)) return undefined
  return { generation: Number(match[1]), position: { ts: Number(match[2]), counter }, shardIndex: Number(match[4]) }
}

/** A legacy number, as the old code wrote it (tests build old data directories with it). */
export function formatLegacySequenceNumber (generation: number, shardIndex: number, position: ShardPosition): string {
  return '4' + String(generation).padStart(6, '0') + String(position.ts).padStart(15, '0') + String(position.counter).padStart(22, '0') + String(shardIndex).padStart(12, '0')
}
