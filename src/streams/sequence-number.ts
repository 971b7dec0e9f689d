/**
 * Sequence numbers in AWS's layout, so that code reading Kinesis's numbers (the shard they
 * name, their arrival second, their order) reads shardline's alike. A number is 47 hex
 * digits, written as a 56-digit decimal (always 56: it lies between 2^185 and 1.5 * 2^185):
 *
 *   2 | shard epoch, s (9) | shard index, low digit (1) | counter (16) | 00 | arrival, s (9) | shard index (8) | 2
 *
 * The leading and trailing 2 are the layout's version. The shard epoch is the second the
 * shard was created in plus its generation, so a child shard's epoch exceeds its parents'
 * and every child number exceeds every parent number. The counter is the stream's: it
 * grows with every record the stream takes, so within a shard numbers strictly increase,
 * and the records of one call to one shard are numbered one after the other, as AWS does.
 * Constant width makes string order numeric order.
 *
 * Kinesis has issued two older layouts (versions 0 and 1); parseSequenceNumber knows all
 * three, so a number can be refused the way AWS refuses it.
 */

const P36 = 1n << 36n
const P80 = 1n << 80n
const P124 = 1n << 124n
const P129 = 1n << 129n
const P185 = 1n << 185n
const P185_AND_HALF = P185 + (P185 >> 1n)

/** The counter AWS gives a closed shard's ending sequence number: the largest there is. */
export const ENDING_COUNTER = (1n << 63n) - 1n

/** Epochs from this second on (the year 2477) are refused, as AWS refuses them. */
const MAX_EPOCH_SECONDS = 16_025_175_000

/** The second a shard's numbers start from: its creation second, plus one per generation. */
export function shardEpochSeconds (createdAtMs: number, generation: number): number {
  return Math.floor(createdAtMs / 1000) + generation
}

/**
 * Formats the numbers of one shard. The parts that never change for the shard are worked
 * out once, and the arrival second's part once per second: GetRecords formats up to
 * 10,000 numbers per call.
 */
export class ShardSequenceFormatter {
  private readonly base: bigint
  private lastSecond = -1
  private lastSecondBase = 0n

  constructor (readonly epochSeconds: number, readonly shardIndex: number) {
    const index = BigInt(shardIndex)
    this.base = (2n << 184n) | (BigInt(epochSeconds) << 148n) | ((index & 0xfn) << 144n) | ((index & 0xffffffffn) << 4n) | 2n
  }

  /** The number of the record that arrived at `ts` (ms) with the stream counter `counter`. */
  format (ts: number, counter: number | bigint): string {
    const second = Math.floor(ts / 1000)
    if (second !== this.lastSecond) {
      this.lastSecond = second
      this.lastSecondBase = this.base + BigInt(second) * P36
    }
    return (this.lastSecondBase + BigInt(counter) * P80).toString()
  }

  /** The shard's starting sequence number: counter 0 at the shard's epoch. */
  get starting (): string {
    return (this.base + BigInt(this.epochSeconds) * P36).toString()
  }

  /** A closed shard's ending sequence number: the largest counter, at the second it closed. */
  ending (closedMs: number): string {
    return (this.base + BigInt(Math.floor(closedMs / 1000)) * P36 + ENDING_COUNTER * P80).toString()
  }
}

export interface SequenceParts {
  /** The layout: 2 is the current one, which shardline issues. */
  readonly version: 0 | 1 | 2
  readonly epochSeconds: number
  /** The shard index it names (negative when its top bit is set, as AWS reads it). */
  readonly shardIndex: number
  readonly counter: bigint
  /** The arrival second (0 for version 0, which has none). */
  readonly seconds: number
}

function hexField (hex: string, from: number, to: number): number {
  return parseInt(hex.slice(from, to), 16)
}

/**
 * The fields of a sequence number, or undefined when AWS would call it invalid (no known
 * layout, a counter or shard epoch out of range). `text` has passed the member pattern:
 * decimal digits without leading zeros.
 */
export function parseSequenceNumber (text: string): SequenceParts | undefined {
  let n = BigInt(text)
  // The oldest layout wrote numbers without its leading digit.
  if (n < P124) n += P124
  const hex = n.toString(16)
  if (n < P129) {
    const epochSeconds = hexField(hex, 1, 10)
    if (epochSeconds >= MAX_EPOCH_SECONDS) return undefined
    return { version: 0, epochSeconds, shardIndex: hexField(hex, 28, 32), counter: 0n, seconds: 0 }
  }
  if (n <= P185 || n >= P185_AND_HALF) return undefined
  const version = hexField(hex, 46, 47)
  if (version === 1) {
    return { version, epochSeconds: hexField(hex, 1, 10), shardIndex: hexField(hex, 38, 46), counter: BigInt(hexField(hex, 36, 38)), seconds: hexField(hex, 13, 22) }
  }
  if (version !== 2) return undefined
  const counterHex = hex.slice(11, 27)
  if (hexField(counterHex, 0, 1) > 7) return undefined
  const epochSeconds = hexField(hex, 1, 10)
  if (epochSeconds >= MAX_EPOCH_SECONDS) return undefined
  const indexHex = hex.slice(38, 46)
  const index = parseInt(indexHex, 16)
  return {
    version,
    epochSeconds,
    shardIndex: index > 0x7fffffff ? -index : index,
    counter: BigInt(`0x${counterHex}`),
    seconds: hexField(hex, 29, 38)
  }
}
