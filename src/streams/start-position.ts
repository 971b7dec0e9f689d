/**
 * Where a shard iterator (GetShardIterator) or a subscription (SubscribeToShard) starts,
 * with AWS's checks and words for every way a request can get it wrong.
 */
import { ServiceError } from '../errors.js'
import { positionAfter, type ShardPosition } from '../storage/record-key.js'
import type { Store } from '../storage/store.js'
import { parseLegacySequenceNumber } from './legacy-sequence-number.js'
import { parseSequenceNumber } from './sequence-number.js'
import { awsShardId, type Shard, type Stream } from './stream-model.js'

export type ShardIteratorType = 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER' | 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP'

export interface IteratorRequest {
  readonly type: ShardIteratorType
  readonly sequenceNumber?: string | undefined
  readonly timestamp?: number | undefined
}

const START: ShardPosition = { ts: 0, counter: 0 }

/** Records read per step while looking for a sequence number's record. */
const SCAN_STEP = 1000

function mustEither (type: ShardIteratorType, given: boolean): ServiceError {
  return new ServiceError('INVALID_ARGUMENT', 'Must either specify (1) AT_SEQUENCE_NUMBER or AFTER_SEQUENCE_NUMBER and StartingSequenceNumber or ' +
    `(2) TRIM_HORIZON or LATEST and no StartingSequenceNumber. Request specified ${type} and ${given ? 'also a' : 'no'} StartingSequenceNumber.`)
}

export class StartPositions {
  constructor (private readonly store: Store) {}

  /** `operation` names the call in AWS's messages (GetShardIterator, SubscribeToShard). */
  async of (stream: Stream, shard: Shard, request: IteratorRequest, now: number, operation: string): Promise<ShardPosition> {
    const { type, sequenceNumber, timestamp } = request
    const hasSequenceNumber = sequenceNumber !== undefined && sequenceNumber !== ''
    switch (type) {
      case 'TRIM_HORIZON':
        if (hasSequenceNumber) throw mustEither(type, true)
        // The retention cutoff is applied at read time, so the oldest retained record is
        // always the first one returned.
        return START
      case 'LATEST':
        if (hasSequenceNumber) throw mustEither(type, true)
        // After the last *committed* record: records still being written get higher
        // positions, so none of them can be skipped.
        return shard.committed === undefined ? START : positionAfter(shard.committed)
      case 'AT_TIMESTAMP':
        if (hasSequenceNumber) throw mustEither(type, true)
        if (timestamp === undefined) {
          throw new ServiceError('INVALID_ARGUMENT', 'Must specify timestampInMillis parameter for iterator of type AT_TIMESTAMP. Current request has no timestamp parameter.')
        }
        if (timestamp > now) {
          throw new ServiceError('INVALID_ARGUMENT', `The timestampInMillis parameter cannot be greater than the currentTimestampInMillis. timestampInMillis: ${timestamp}, currentTimestampInMillis: ${now}`)
        }
        return { ts: Math.max(0, timestamp), counter: 0 }
      default: {
        if (!hasSequenceNumber) throw mustEither(type, false)
        const legacy = this.legacyPosition(stream, shard, sequenceNumber, operation)
        if (legacy !== undefined) return type === 'AT_SEQUENCE_NUMBER' ? legacy : positionAfter(legacy)
        const counter = this.checked(stream, shard, sequenceNumber, operation)
        const at = type === 'AT_SEQUENCE_NUMBER' ? counter.value : counter.value + 1
        return await this.positionOf(stream, shard, at, counter.seconds)
      }
    }
  }

  /**
   * The storage position a number of shardline's legacy layout names (checkpoints and
   * positions kept from before AWS's layout), checked against the shard as a current
   * number is; undefined when the number is not of that layout.
   */
  private legacyPosition (stream: Stream, shard: Shard, text: string, operation: string): ShardPosition | undefined {
    const parts = parseLegacySequenceNumber(text)
    if (parts === undefined) return undefined
    if (parts.shardIndex !== shard.index) {
      throw new ServiceError('INVALID_SEQUENCE_NUMBER', `Invalid StartingSequenceNumber. It encodes ${awsShardId(parts.shardIndex)}, while it was used in a call to a shard with ${shard.id}`)
    }
    if (parts.generation !== shard.doc.generation) {
      throw new ServiceError('INVALID_SEQUENCE_NUMBER', `StartingSequenceNumber ${text} used in ${operation} on shard ${shard.id} in stream ${stream.name} under account ${stream.scope.accountId} is invalid because it did not come from this stream.`)
    }
    return parts.position
  }

  /** The counter and arrival second of a sequence number of this shard; AWS's errors otherwise. */
  private checked (stream: Stream, shard: Shard, text: string, operation: string): { value: number, seconds: number } {
    const where = `${text} used in ${operation} on shard ${shard.id} in stream ${stream.name} under account ${stream.scope.accountId}`
    const parts = parseSequenceNumber(text)
    if (parts === undefined) throw new ServiceError('INVALID_SEQUENCE_NUMBER', `StartingSequenceNumber ${where} is invalid.`)
    if (parts.shardIndex !== shard.index) {
      throw new ServiceError('INVALID_SEQUENCE_NUMBER', `Invalid StartingSequenceNumber. It encodes ${awsShardId(parts.shardIndex)}, while it was used in a call to a shard with ${shard.id}`)
    }
    if (parts.version !== 2 || parts.epochSeconds !== shard.epochSeconds) {
      // AWS fails internally on a number of its oldest layout.
      if (parts.version === 0) throw new ServiceError('INTERNAL', `StartingSequenceNumber ${where} has a layout AWS retired (version 0).`)
      throw new ServiceError('INVALID_SEQUENCE_NUMBER', `StartingSequenceNumber ${where} is invalid because it did not come from this stream.`)
    }
    // Counters past what this server can have issued (2^53) still lie beyond every record.
    const value = parts.counter > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER - 1 : Number(parts.counter)
    return { value, seconds: parts.seconds }
  }

  /**
   * The position of the first record of the shard whose counter is at least `counter`.
   * A number carries its arrival second, not the millisecond the record is stored under,
   * so the records of that second are read until the counter is reached: a shard's
   * records are in counter order, and none at or past the counter arrived before it.
   */
  private async positionOf (stream: Stream, shard: Shard, counter: number, seconds: number): Promise<ShardPosition> {
    // Counter 0 is the shard's starting number, whose second is the shard's epoch.
    if (counter <= 1) return START
    const floor = seconds * 1000
    let from: ShardPosition = { ts: floor, counter: 0 }
    for (;;) {
      const records = await this.store.readRecords({ streamId: stream.id, shard: shard.index, from, limit: SCAN_STEP, maxBytes: 16 * 1024 * 1024 })
      for (const record of records) {
        // Past the number's second: a number no record of this shard has (another
        // shard's counter, or one never issued); the next record is where it would be.
        if (record.counter >= counter || record.ts >= floor + 1000) return { ts: record.ts, counter: record.counter }
      }
      const last = records[records.length - 1]
      if (last === undefined || records.length < SCAN_STEP) break
      from = positionAfter(last)
    }
    // Not written yet: later records have later times and higher counters.
    return { ts: Math.max(floor, shard.tail.ts), counter }
  }
}
