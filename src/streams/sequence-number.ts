/**
 * Sequence numbers: 56-digit decimal strings, as wide as Kinesis's, built from fields:
 *
 *   '4' | generation (6) | arrival ms (15) | counter (22) | shard index (12)
 *
 * Within a shard the generation and shard index are fixed and (ms, counter) increases
 * strictly, so numbers increase strictly. A child shard's generation exceeds its parents',
 * so every child number exceeds every parent number. Constant width makes string order
 * equal numeric order. The shard index lets a number be checked against the shard it is
 * used with, as Kinesis does.
 */
import type { ShardPosition } from '../storage/record-key.js'

export const SEQUENCE_NUMBER_DIGITS = 56

export interface SequenceParts extends ShardPosition {
  readonly generation: number
  readonly shard: number
}

const PATTERN = /^4(\d{6})(\d{15})(\d{22})(\d{12})$/

export function formatSequenceNumber (parts: SequenceParts): string {
  return new ShardSequenceFormatter(parts.generation, parts.shard).format(parts.ts, parts.counter)
}

/**
 * Formats the numbers of one shard as formatSequenceNumber does. The generation and shard
 * index never change and consecutive records mostly share their arrival ms, so per record
 * only the counter is padded; GetRecords formats up to 10,000 numbers per call.
 */
export class ShardSequenceFormatter {
  private readonly head: string
  private readonly tail: string
  private lastTs = -1
  private lastTsText = ''

  constructor (generation: number, shard: number) {
    this.head = '4' + String(generation).padStart(6, '0')
    this.tail = String(shard).padStart(12, '0')
  }

  format (ts: number, counter: number): string {
    if (ts !== this.lastTs) {
      this.lastTs = ts
      this.lastTsText = String(ts).padStart(15, '0')
    }
    return this.head + this.lastTsText + String(counter).padStart(22, '0') + this.tail
  }
}

/** Undefined when the text is not a sequence number shardline could have issued. */
export function parseSequenceNumber (text: string): SequenceParts | undefined {
  const match = PATTERN.exec(text)
  if (match === null) return undefined
  const counter = Number(match[3])
  // Counters stay far below 2^53; anything larger was not issued here.
  if (!Number.isSafeInteger(counter)) return undefined
  return {
    generation: Number(match[1]),
    ts: Number(match[2]),
    counter,
    shard: Number(match[4])
  }
}
