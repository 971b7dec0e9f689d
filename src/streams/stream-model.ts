/**
 * Streams and shards: the persisted documents and their in-memory runtime form.
 */
import type { Clock } from '../clock.js'
import type { Scope } from '../scope.js'
import { comparePositions, type ShardPosition } from '../storage/record-key.js'
import type { EncryptionChange } from './encryption.js'
import type { PartitionHash } from './hash-key.js'
import { isInternalStreamName } from './internal-streams.js'
import { MAX_RECORD_BYTES } from './read-ahead.js'
import { shardEpochSeconds, ShardSequenceFormatter } from './sequence-number.js'
import type { LoadAverage } from './load-average.js'
import type { PendingReshard } from './pending-reshard.js'
import { ShardThrottle } from './shard-throttle.js'
import { ShardTraffic } from './shard-traffic.js'

export type StreamStatus = 'CREATING' | 'DELETING' | 'ACTIVE' | 'UPDATING'
export type StreamMode = 'PROVISIONED' | 'ON_DEMAND'

export interface ShardDoc {
  readonly index: number
  readonly hashStart: string
  readonly hashEnd: string
  readonly generation: number
  readonly createdAt: number
  readonly parent?: number | undefined
  readonly adjacentParent?: number | undefined
  /** Position of the last record the shard will ever hold, once closed. */
  closedAt?: ShardPosition | undefined
  /** When the shard was closed (ms). */
  closedTime?: number | undefined
}

export type ConsumerStatus = 'CREATING' | 'DELETING' | 'ACTIVE'

export interface ConsumerDoc {
  readonly name: string
  readonly createdAt: number
  status: ConsumerStatus
  /** When a CREATING consumer becomes ACTIVE, or a DELETING one disappears. */
  dueAt?: number | undefined
  /** TagResource's tags; insertion order is kept, ListTagsForResource sorts by key. */
  tags?: Record<string, string> | undefined
  /** PutResourcePolicy's policy, as given (JSON text): what other accounts may do (resource-policy.ts). */
  policy?: string | undefined
}

/** The shard-level metrics EnableEnhancedMonitoring turns on, in the order AWS lists them. */
export const SHARD_LEVEL_METRICS = [
  'IncomingBytes',
  'IncomingRecords',
  'OutgoingBytes',
  'OutgoingRecords',
  'WriteProvisionedThroughputExceeded',
  'ReadProvisionedThroughputExceeded',
  'IteratorAgeMilliseconds'
] as const

export type ShardLevelMetric = typeof SHARD_LEVEL_METRICS[number]

/** AWS's default and smallest largest record: 1 MiB of data plus partition key. */
export const DEFAULT_MAX_RECORD_SIZE_KIB = 1024

export interface StreamDoc {
  readonly id: number
  readonly name: string
  /** The owning account and region; absent only in documents written before scopes. */
  accountId?: string | undefined
  region?: string | undefined
  status: StreamStatus
  readonly createdAt: number
  retentionHours: number
  /**
   * Internal streams only: the retention in seconds (a queue's MessageRetentionPeriod),
   * which then replaces `retentionHours` (kept as its rounded-up value for DescribeStream).
   */
  retentionSeconds?: number | undefined
  mode: StreamMode
  readonly partitionHash: PartitionHash
  /** ON_DEMAND only: the write throughput (MiB/s) the stream keeps capacity for, whatever its load. */
  warmThroughputMiBps?: number | undefined
  /** When UpdateStreamMode switched the mode, for the switches-per-24-hours quota. */
  modeChanges?: number[] | undefined
  shards: ShardDoc[]
  /** Insertion order is kept; ListTagsForStream sorts by key. */
  tags: Record<string, string>
  /** When a CREATING or UPDATING stream becomes ACTIVE. */
  activeAt?: number | undefined
  /** The split, merge or scaling an UPDATING stream applies when it becomes ACTIVE (pending-reshard.ts). */
  pendingReshard?: PendingReshard | undefined
  /** The index the next new shard gets; indexes are never reused. */
  nextShardIndex?: number | undefined
  /** When UpdateShardCount was called, for the calls-per-24-hours quota. */
  scalingCalls?: number[] | undefined
  /** Registered enhanced fan-out consumers. */
  consumers?: ConsumerDoc[] | undefined
  /**
   * Records that arrived before this time have expired for good. Raising the retention
   * period must not bring them back (Kinesis: expired data stays inaccessible), so the
   * horizon at the moment of an increase is kept here.
   */
  expiredBefore?: number | undefined
  /** StartStreamEncryption's setting, shown by DescribeStream; absent when encryption is off. */
  encryption?: { readonly type: 'KMS', readonly keyId: string } | undefined
  /** When records started arriving encrypted or not (encryption.ts); absent while no change was ever made. */
  encryptionHistory?: EncryptionChange[] | undefined
  /** When StartStreamEncryption and StopStreamEncryption succeeded, for their calls-per-24-hours quotas. */
  encryptionCalls?: { start?: number[] | undefined, stop?: number[] | undefined } | undefined
  /** Enhanced monitoring's enabled shard-level metrics, in SHARD_LEVEL_METRICS order. */
  shardLevelMetrics?: ShardLevelMetric[] | undefined
  /** The largest record (data plus partition key) in KiB; DEFAULT_MAX_RECORD_SIZE_KIB when absent. */
  maxRecordSizeKiB?: number | undefined
  /** The largest maxRecordSizeKiB the stream ever had, once it was lowered: its records may still be that large. */
  peakRecordSizeKiB?: number | undefined
  /** PutResourcePolicy's policy, as given (JSON text): what other accounts may do (resource-policy.ts). */
  policy?: string | undefined
}

export function formatShardId (index: number): string {
  return 'shardId-' + String(index).padStart(12, '0')
}

/** The largest shard index a shard id can name (AWS reads it as a Java int). */
const MAX_SHARD_INDEX = 2_147_483_647

/**
 * The index a shard id names, read as Kinesis reads it: the digits after the id's first
 * `-` (or the whole id when it has none), so `shardId-000000000001`, `shardId-1`,
 * `shard-1` and `anything-1` all name shard 1. Undefined when they are not digits or
 * exceed what a Java int holds.
 */
export function parseShardId (id: string): number | undefined {
  const dash = id.indexOf('-')
  const end = dash < 0 ? id.length : id.indexOf('-', dash + 1)
  const digits = dash < 0 || dash === id.length - 1 ? id : id.slice(dash + 1, end < 0 ? id.length : end)
  if (!/^\d+$/.test(digits)) return undefined
  const index = Number(digits)
  return index <= MAX_SHARD_INDEX ? index : undefined
}

/** A shard id as AWS prints one in messages, negative indexes included (`shardId--02147483648`). */
export function awsShardId (index: number): string {
  return index < 0 ? 'shardId--' + String(-index).padStart(11, '0') : formatShardId(index)
}

/** Records one commit wrote to a shard, in order, and what the shard held before it. */
export interface ShardCommit {
  /** The last committed position before this commit; undefined if there was none. */
  readonly before: ShardPosition | undefined
  readonly records: ReadonlyArray<ShardPosition & { readonly partitionKey: string, readonly data: Uint8Array }>
}

export class Shard {
  readonly id: string
  readonly hashStart: bigint
  readonly hashEnd: bigint
  /** Position of the last record given a sequence number (committed or not). */
  tail: ShardPosition
  /** Position of the last record known to be written; LATEST starts after it. */
  committed: ShardPosition | undefined
  private throttleState: ShardThrottle | undefined
  /** Records and bytes in and out, and throttled calls, since the server started. */
  readonly traffic = new ShardTraffic()
  /** On-demand scaling (in memory only): the shard's write load averaged over the scale-up time, and since when every sample was under a quarter. */
  upLoad: LoadAverage | undefined
  coldSince: number | undefined
  private readonly sequenceFormatter: ShardSequenceFormatter
  /** Woken after each commit that wrote to this shard, and when it closes. */
  private readonly listeners = new Set<(commit?: ShardCommit) => void>()

  constructor (readonly doc: ShardDoc, last: ShardPosition | undefined, private readonly clock: Clock) {
    this.id = formatShardId(doc.index)
    this.hashStart = BigInt(doc.hashStart)
    this.hashEnd = BigInt(doc.hashEnd)
    this.sequenceFormatter = new ShardSequenceFormatter(shardEpochSeconds(doc.createdAt, doc.generation), doc.index)
    // Counter 0 is never a record's: a tail there means no record was ever given a number.
    this.tail = last ?? { ts: doc.createdAt, counter: 0 }
    // A closed shard's records were all written before the document that closed it (group
    // commit keeps order), so on load everything up to its end counts as committed.
    this.committed = doc.closedAt ?? last
  }

  get index (): number {
    return this.doc.index
  }

  get open (): boolean {
    return this.doc.closedAt === undefined
  }

  get throttle (): ShardThrottle {
    // Created on first use: a 10,000-shard stream should not pay for idle shards.
    this.throttleState ??= new ShardThrottle(this.clock)
    return this.throttleState
  }

  /** The share of its write limit the shard used over the trailing second; 0 for a shard never written. */
  writeUse (): number {
    return this.throttleState === undefined ? 0 : this.throttleState.writeUse()
  }

  /** Number of hash keys the shard owns. */
  get width (): bigint {
    return this.hashEnd - this.hashStart + 1n
  }

  /**
   * The position of the next record, given the next value of the stream's counter:
   * arrival time never goes backwards (a clock step back keeps the last time) and the
   * counter always grows, so positions strictly increase, and the counter alone orders a
   * shard's records as their positions do.
   */
  nextPosition (now: number, counter: number): ShardPosition {
    this.tail = { ts: Math.max(now, this.tail.ts), counter }
    return this.tail
  }

  /** The second the shard's sequence numbers count from (see sequence-number.ts). */
  get epochSeconds (): number {
    return this.sequenceFormatter.epochSeconds
  }

  /**
   * True once the shard is closed and every record numbered before the close has been
   * written, so a reader that finds nothing more has really reached the end.
   */
  get sealed (): boolean {
    const end = this.doc.closedAt
    if (end === undefined) return false
    return end.counter === 0 || (this.committed !== undefined && comparePositions(this.committed, end) >= 0)
  }

  /**
   * Calls `listener` after each commit to this shard (with what it wrote) and when the
   * shard closes (without); returns the unsubscribe function.
   */
  onChange (listener: (commit?: ShardCommit) => void): () => void {
    this.listeners.add(listener)
    return () => { this.listeners.delete(listener) }
  }

  /** Whether anything listens for commits (a live subscription); when not, commits need not be described. */
  get watched (): boolean {
    return this.listeners.size > 0
  }

  notify (commit?: ShardCommit): void {
    for (const listener of this.listeners) listener(commit)
  }

  /**
   * Raises the numbering to continue after `position`: a shard whose records all expired
   * and were trimmed starts its counter again from nothing on load, and an internal
   * stream's owner, whose state names records by counter, knows how far it really went.
   */
  raiseTail (position: ShardPosition): void {
    if (comparePositions(position, this.tail) > 0) this.tail = position
    if (this.committed === undefined || comparePositions(position, this.committed) > 0) this.committed = position
  }

  markCommitted (position: ShardPosition): void {
    if (this.committed === undefined || comparePositions(position, this.committed) > 0) this.committed = position
  }

  sequenceNumber (position: ShardPosition): string {
    return this.sequenceFormatter.format(position.ts, position.counter)
  }

  get startingSequenceNumber (): string {
    return this.sequenceFormatter.starting
  }

  /** As AWS: the largest counter, at the second the shard closed; above every number the shard holds. */
  get endingSequenceNumber (): string | undefined {
    const { closedAt, closedTime } = this.doc
    return closedAt === undefined ? undefined : this.sequenceFormatter.ending(closedTime ?? closedAt.ts)
  }
}

export class Stream {
  readonly shards = new Map<number, Shard>()
  /** An internal stream (a queue's): readable with the stream API, written only by its owner. */
  readonly internal: boolean
  private openShards: Shard[] = []
  /** The stream's record counter (see sequence-number.ts); the last value given out. */
  private counter = 0

  constructor (readonly doc: StreamDoc, readonly scope: Scope, readonly arn: string) {
    this.internal = isInternalStreamName(doc.name)
  }

  get id (): number {
    return this.doc.id
  }

  get name (): string {
    return this.doc.name
  }

  /** The largest record this stream takes, data plus partition key, in bytes. */
  get maxRecordBytes (): number {
    return (this.doc.maxRecordSizeKiB ?? DEFAULT_MAX_RECORD_SIZE_KIB) * 1024
  }

  /**
   * The largest record this stream may hold, for reading (read-ahead.ts): the largest size
   * it ever took, as a lowered limit leaves larger records stored, and at least AWS's
   * default record with a 256-character key.
   */
  get largestRecordBytes (): number {
    return Math.max(this.maxRecordBytes, (this.doc.peakRecordSizeKiB ?? 0) * 1024, MAX_RECORD_BYTES)
  }

  /** The arrival time of the newest record given a position in any shard (0 when none). */
  get newestArrival (): number {
    let newest = 0
    for (const shard of this.shards.values()) if (shard.tail.ts > newest) newest = shard.tail.ts
    return newest
  }

  get retentionMs (): number {
    const seconds = this.doc.retentionSeconds
    return seconds === undefined ? this.doc.retentionHours * 3_600_000 : seconds * 1000
  }

  /** Records that arrived before the horizon are expired: never returned, and trimmed. */
  horizon (now: number): number {
    return Math.max(now - this.retentionMs, this.doc.expiredBefore ?? 0)
  }

  /** Shards in index order, which is creation order. */
  get shardList (): Shard[] {
    return [...this.shards.values()].sort((a, b) => a.index - b.index)
  }

  get openShardCount (): number {
    return this.openShards.length
  }

  /**
   * The next value of the record counter for a record of `shard`: above every counter
   * given out, and above the shard's tail, which an internal stream's owner may have
   * raised (Shard.raiseTail) past what loading found.
   */
  nextCounter (shard: Shard): number {
    this.counter = Math.max(this.counter, shard.tail.counter) + 1
    return this.counter
  }

  /** After loading: the counter continues above every record the stream's shards hold. */
  resumeCounter (): void {
    for (const shard of this.shards.values()) this.counter = Math.max(this.counter, shard.tail.counter)
  }

  addShard (shard: Shard): void {
    this.shards.set(shard.index, shard)
    this.reindex()
  }

  /** Takes the next unused shard index. */
  allocateShardIndex (): number {
    const next = this.doc.nextShardIndex ?? Math.max(-1, ...this.shards.keys()) + 1
    this.doc.nextShardIndex = next + 1
    return next
  }

  /** The open shards in hash-key order (a copy). */
  get openShardsByHash (): Shard[] {
    return [...this.openShards]
  }

  /** Rebuilds the routing table after shards opened or closed. */
  reindex (): void {
    this.openShards = [...this.shards.values()].filter((s) => s.open).sort((a, b) => (a.hashStart < b.hashStart ? -1 : 1))
  }

  /** The open shard whose range holds the hash key (open ranges tile the whole space). */
  route (hashKey: bigint): Shard {
    const shards = this.openShards
    let lo = 0
    let hi = shards.length - 1
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1
      if (shards[mid]!.hashStart <= hashKey) lo = mid
      else hi = mid - 1
    }
    return shards[lo]!
  }
}
