/**
 * The write path: route each record to its shard, apply the shard's limits, give it a
 * sequence number, and acknowledge it once its group-committed batch is written.
 */
import type { ServerConfig } from '../config.js'
import { ServiceError } from '../errors.js'
import type { ShardPosition } from '../storage/record-key.js'
import type { Store, WriteBatch } from '../storage/store.js'
import { hashPartitionKey, parseHashKey } from './hash-key.js'
import { parseLegacySequenceNumber } from './legacy-sequence-number.js'
import { parseSequenceNumber } from './sequence-number.js'
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
    const position = shard.nextPosition(now, stream.nextCounter(shard))
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
   *
   * `orderAfter` (SequenceNumberForOrdering) is checked as AWS checks it. It needs no
   * other effect: every number the stream issued is below every number it issues next.
   */
  async put (stream: Stream, entries: readonly PutEntry[], orderAfter?: string, now = this.config.clock()): Promise<PutResult[]> {
    const hashKeys = entries.map((entry) => this.hashKeyOf(stream, entry))
    if (orderAfter !== undefined && orderAfter !== '') this.checkOrdering(stream, orderAfter, now)
    const limited = this.config.limits === 'aws'
    // Once a shard refuses a record, it refuses the rest of this call's records too, so a
    // producer retrying the failures cannot reorder a partition key.
    const refused = limited ? new Set<Shard>() : undefined
    const shards = new Array<Shard | undefined>(entries.length)
    const results = new Array<PutResult>(entries.length)
    let only: Shard | null | undefined
    for (let i = 0; i < entries.length; i++) {
      const shard = stream.route(hashKeys[i]!)
      if (refused !== undefined && (refused.has(shard) || !shard.throttle.admitWrite(entries[i]!.bytes))) {
        refused.add(shard)
        shard.traffic.writeThrottled++
        results[i] = {
          ok: false,
          errorCode: 'ProvisionedThroughputExceededException',
          errorMessage: `Rate exceeded for shard ${shard.id} in stream ${stream.name} under account ${stream.scope.accountId}: a shard takes 1 MiB/s and 1,000 records/s.`
        }
        continue
      }
      shards[i] = shard
      only = only === undefined || only === shard ? shard : null
    }
    const batch = this.store.batch()
    const accepted: Array<{ shard: Shard, position: ShardPosition, entry: PutEntry }> = []
    const take = (i: number): void => {
      const shard = shards[i]!
      const entry = entries[i]!
      const position = shard.nextPosition(now, stream.nextCounter(shard))
      batch.putRecord(stream.id, shard.index, position.ts, position.counter, entry.partitionKey, entry.data)
      accepted.push({ shard, position, entry })
      shard.traffic.recordsIn++
      shard.traffic.bytesIn += entry.bytes
      results[i] = { ok: true, shardId: shard.id, sequenceNumber: shard.sequenceNumber(position) }
    }
    // As AWS does, a call's records are numbered shard by shard (in the order the shards
    // first appear), so one shard's records of one call have consecutive counters.
    if (only === null) {
      for (const i of groupedByShard(shards)) take(i)
    } else {
      for (let i = 0; i < entries.length; i++) if (shards[i] !== undefined) take(i)
    }
    if (accepted.length > 0) {
      await this.store.commit(batch, () => {
        // Subscribers are woken once per shard per call, before any put is acknowledged,
        // and handed the records so a caught-up one need not read them back from storage.
        let commits: Map<Shard, ShardCommit & { records: Array<ShardCommit['records'][number]> }> | undefined
        for (const { shard, position, entry } of accepted) {
          // Most shards have no subscriber; their records need no description.
          if (shard.watched) {
            commits ??= new Map()
            let commit = commits.get(shard)
            if (commit === undefined) {
              commit = { before: shard.committed, records: [] }
              commits.set(shard, commit)
            }
            commit.records.push({ ts: position.ts, counter: position.counter, partitionKey: entry.partitionKey, data: entry.data })
          }
          shard.markCommitted(position)
        }
        if (commits !== undefined) for (const [shard, commit] of commits) shard.notify(commit)
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
      throw new ServiceError('INVALID_HASH_KEY', `Invalid ExplicitHashKey. ExplicitHashKey must be in the range: [0, 2^128-1]. Specified value was ${entry.explicitHashKey}`)
    }
    return key
  }

  /**
   * AWS accepts any valid sequence number that is not from the future, whoever issued
   * it, and refuses anything else. A number of shardline's legacy layout, which a
   * producer may have kept, is below every number issued now, so it too needs no effect.
   */
  private checkOrdering (stream: Stream, sequenceNumber: string, now: number): void {
    const parts = parseSequenceNumber(sequenceNumber)
    const arrivalMs = parts === undefined ? parseLegacySequenceNumber(sequenceNumber)?.position.ts : parts.seconds * 1000
    if (arrivalMs === undefined || arrivalMs > now) {
      throw new ServiceError('INVALID_SEQUENCE_NUMBER', `ExclusiveMinimumSequenceNumber ${sequenceNumber} used in PutRecord on stream ${stream.name} under account ${stream.scope.accountId} is invalid.`)
    }
  }
}

/**
 * The indexes of the accepted entries, grouped by shard in the order the shards first
 * appear (a counting sort: no allocation per record).
 */
function groupedByShard (shards: ReadonlyArray<Shard | undefined>): Int32Array {
  const slots = new Map<Shard, number>()
  const slotOf = new Int32Array(shards.length)
  const counts: number[] = []
  let accepted = 0
  for (let i = 0; i < shards.length; i++) {
    const shard = shards[i]
    if (shard === undefined) {
      slotOf[i] = -1
      continue
    }
    let slot = slots.get(shard)
    if (slot === undefined) {
      slot = counts.length
      slots.set(shard, slot)
      counts.push(0)
    }
    slotOf[i] = slot
    counts[slot]!++
    accepted++
  }
  let start = 0
  for (let slot = 0; slot < counts.length; slot++) {
    const count = counts[slot]!
    counts[slot] = start
    start += count
  }
  const order = new Int32Array(accepted)
  for (let i = 0; i < shards.length; i++) {
    const slot = slotOf[i]!
    if (slot >= 0) order[counts[slot]!++] = i
  }
  return order
}
