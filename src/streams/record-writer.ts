/**
 * The write path: route each record to its shard, apply the shard's limits, give it a
 * sequence number, and acknowledge it once its group-committed batch is written.
 */
import type { ServerConfig } from '../config.js'
import { ServiceError } from '../errors.js'
import { comparePositions, type ShardPosition } from '../storage/record-key.js'
import type { Store, WriteBatch } from '../storage/store.js'
import { hashPartitionKey, parseHashKey } from './hash-key.js'
import { parseSequenceNumber, type SequenceParts } from './sequence-number.js'
import type { Shard, ShardCommit, Stream } from './stream-model.js'

export interface PutEntry {
  readonly partitionKey: string
  readonly data: Uint8Array
  readonly explicitHashKey?: string | undefined
  /** Data plus partition key in bytes, as the caller's size check measured it; the throttle counts it. */
  readonly bytes: number
}

export type PutResult =
  | { readonly ok: true, readonly shardId: string, readonly sequenceNumber: string }
  | { readonly ok: false, readonly errorCode: string, readonly errorMessage: string }

type CommittedRecord = ShardCommit['records'][number]

/**
 * Records of internal streams and documents, staged together into one WriteBatch and
 * committed atomically: a queue's message with the state-log event that goes with it, a
 * dead-letter move's record in one queue with its `moved` event in another. Staging
 * numbers each record at once (`shard.nextPosition`), so the records must be appended and
 * the batch committed in the same turn of the event loop, as `put` does: commit order then
 * equals position order. No Kinesis limit applies.
 */
export class StagedRecords {
  readonly batch: WriteBatch
  private readonly appended: Array<{ readonly shard: Shard, readonly record: CommittedRecord }> = []
  private committing = false

  constructor (private readonly store: Store) {
    this.batch = store.batch()
  }

  /** How many records are staged. */
  get size (): number {
    return this.appended.length
  }

  /** Stages one record at the shard's next position, and returns the position. */
  append (stream: Stream, shard: Shard, partitionKey: string, data: Uint8Array, now: number): ShardPosition {
    if (this.committing) throw new TypeError('records were appended to a batch already committed')
    const position = shard.nextPosition(now)
    this.batch.putRecord(stream.id, shard.index, position.ts, position.counter, partitionKey, data)
    this.appended.push({ shard, record: { ts: position.ts, counter: position.counter, partitionKey, data } })
    return position
  }

  /**
   * Commits everything staged. Once written, and before anyone is acknowledged, the
   * shards' committed positions move and their listeners (GetRecords waiters,
   * SubscribeToShard) hear of the new records, exactly as after `put`; then
   * `onCommitted` runs.
   */
  commit (onCommitted?: () => void): Promise<void> {
    this.committing = true
    const appended = this.appended
    return this.store.commit(this.batch, () => {
      if (appended.length > 0) {
        const commits = new Map<Shard, { before: ShardPosition | undefined, records: CommittedRecord[] }>()
        for (const { shard, record } of appended) {
          if (shard.watched) {
            let commit = commits.get(shard)
            if (commit === undefined) {
              commit = { before: shard.committed, records: [] }
              commits.set(shard, commit)
            }
            commit.records.push(record)
          }
          shard.markCommitted(record)
        }
        for (const [shard, commit] of commits) shard.notify(commit)
      }
      onCommitted?.()
    })
  }
}

export class RecordWriter {
  constructor (private readonly store: Store, private readonly config: ServerConfig) {}

  /** A new set of staged records (for internal streams) and documents; see StagedRecords. */
  stage (): StagedRecords {
    return new StagedRecords(this.store)
  }

  /**
   * Stores the entries and reports each one's fate. Everything from routing to sequence
   * numbering happens synchronously in one turn of the event loop, so the entries of one
   * call keep their order and no control-plane change can land in between. `now` is the
   * arrival time they are given (unless a shard's last record is later).
   */
  async put (stream: Stream, entries: readonly PutEntry[], orderAfter?: string, now = this.config.clock()): Promise<PutResult[]> {
    const hashKeys = entries.map((entry) => this.hashKeyOf(stream, entry))
    const floor = orderAfter === undefined || orderAfter === '' ? undefined : this.parseOrdering(stream, orderAfter)
    const limited = this.config.limits === 'aws'
    const batch = this.store.batch()
    const accepted: Array<{ shard: Shard, position: ShardPosition, entry: PutEntry }> = []
    // Once a shard refuses a record, it refuses the rest of this call's records too, so a
    // producer retrying the failures cannot reorder a partition key.
    const refused = new Set<Shard>()
    const results = entries.map((entry, i): PutResult => {
      const shard = stream.route(hashKeys[i]!)
      if (limited && (refused.has(shard) || !shard.throttle.admitWrite(entry.bytes))) {
        refused.add(shard)
        return {
          ok: false,
          errorCode: 'ProvisionedThroughputExceededException',
          errorMessage: `Rate exceeded for shard ${shard.id} in stream ${stream.name} under account ${stream.scope.accountId}: a shard takes 1 MiB/s and 1,000 records/s.`
        }
      }
      // Numbers of an older generation (a parent shard) are already below this shard's.
      const position = shard.nextPosition(now, floor?.generation === shard.doc.generation ? floor : undefined)
      batch.putRecord(stream.id, shard.index, position.ts, position.counter, entry.partitionKey, entry.data)
      accepted.push({ shard, position, entry })
      return { ok: true, shardId: shard.id, sequenceNumber: shard.sequenceNumber(position) }
    })
    if (accepted.length > 0) {
      await this.store.commit(batch, () => {
        // Subscribers are woken once per shard per call, before any put is acknowledged,
        // and handed the records so a caught-up one need not read them back from storage.
        const commits = new Map<Shard, ShardCommit & { records: Array<ShardCommit['records'][number]> }>()
        for (const { shard, position, entry } of accepted) {
          // Most shards have no subscriber; their records need no description.
          if (shard.watched) {
            let commit = commits.get(shard)
            if (commit === undefined) {
              commit = { before: shard.committed, records: [] }
              commits.set(shard, commit)
            }
            commit.records.push({ ts: position.ts, counter: position.counter, partitionKey: entry.partitionKey, data: entry.data })
          }
          shard.markCommitted(position)
        }
        for (const [shard, commit] of commits) shard.notify(commit)
      })
    }
    return results
  }

  private hashKeyOf (stream: Stream, entry: PutEntry): bigint {
    if (entry.explicitHashKey === undefined || entry.explicitHashKey === '') {
      return hashPartitionKey(entry.partitionKey, stream.doc.partitionHash)
    }
    const key = parseHashKey(entry.explicitHashKey)
    if (key === undefined) {
      throw new ServiceError('INVALID_HASH_KEY', `Invalid explicit_hash_key ${entry.explicitHashKey}: it must be a decimal integer in [0, 2^128 - 1].`)
    }
    return key
  }

  /**
   * The sequence number a record put with SequenceNumberForOrdering must exceed. It must
   * be one this stream issued (a shard it has, at or before that shard's last position):
   * a forged number from the future would otherwise push the shard's clock and counter
   * out of range.
   */
  private parseOrdering (stream: Stream, sequenceNumber: string): SequenceParts {
    const parts = parseSequenceNumber(sequenceNumber)
    const shard = parts === undefined ? undefined : stream.shards.get(parts.shard)
    if (parts === undefined || shard === undefined || parts.generation !== shard.doc.generation || comparePositions(parts, shard.tail) > 0) {
      throw new ServiceError('INVALID_SEQUENCE_NUMBER', `Invalid sequence_number_for_ordering ${sequenceNumber}: it must be a sequence number this stream returned for an earlier put.`)
    }
    return parts
  }
}
