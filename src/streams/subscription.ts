/**
 * One SubscribeToShard subscription: pushes a shard's records to one consumer as they
 * commit, independent of transport (gRPC streams it; the AWS HTTP API wraps the same
 * events in the event-stream encoding).
 *
 * Memory stays bounded however slow the consumer: an event is read from storage only
 * after the previous one has been accepted by the transport's flow control, so at most
 * one event per subscription is ever held.
 */
import type { ConsumerMeters } from '../metrics/meters.js'
import { setTimeout as sleepFor } from 'node:timers/promises'
import type { ServerConfig } from '../config.js'
import type { ServiceError } from '../errors.js'
import { StopLatch } from '../stop-latch.js'
import { comparePositions, positionAfter, type ShardPosition } from '../storage/record-key.js'
import type { StoredRecord } from '../storage/store.js'
import type { LiveSubscription } from './consumer-registry.js'
import { labelsOf, type RecordLabels } from './encryption.js'
import type { ChildShardInfo, RecordReader, ShardPage } from './record-reader.js'
import { MIB } from './shard-throttle.js'
import type { Shard, ShardCommit, Stream } from './stream-model.js'
import type { TokenBucket } from './token-bucket.js'

/** Enhanced fan-out gives each consumer 2 MiB/s per shard. */
export const FANOUT_BYTES_PER_SECOND = 2 * MIB
/** One event carries at most this much, so a slow consumer holds at most this much. */
const EVENT_MAX_BYTES = MIB
const EVENT_MAX_RECORDS = 10_000

export interface SubscriptionEvent {
  readonly records: StoredRecord[]
  readonly sequenceNumbers: string[]
  readonly continuationSequenceNumber: string
  readonly millisBehindLatest: number
  readonly childShards: ChildShardInfo[]
  /** The records' encryption (encryption.ts). */
  readonly labels: RecordLabels
}

export interface EventSink {
  /** Resolves once the transport has taken the event (its flow control has room). */
  send (event: SubscriptionEvent): Promise<void>
}

/** Commits a subscription keeps for its fast path; past this it reads from storage instead. */
const MAX_QUEUED_BYTES = MIB

export class Subscription implements LiveSubscription {
  private readonly latch = new StopLatch()
  private changed = false
  /** Commits since the last read, for delivery without a storage read (see takeQueued). */
  private queued: ShardCommit[] = []
  private queuedBytes = 0
  private readonly rate: TokenBucket | undefined

  constructor (
    private readonly reader: RecordReader,
    private readonly config: ServerConfig,
    private readonly stream: Stream,
    private readonly shard: Shard,
    private position: ShardPosition,
    private readonly sink: EventSink,
    /** The pair's 2 MiB/s budget; undefined with limits off. */
    rate: TokenBucket | undefined,
    /** The consumer's delivery meters, for /metrics. */
    private readonly meters?: ConsumerMeters
  ) {
    this.rate = rate
  }

  /** Ends the subscription: with `reason` as its error, or quietly (the client left). */
  stop (reason?: ServiceError): void {
    this.latch.stop(reason)
  }

  /**
   * Runs until the lifetime ends or the shard ends (resolves), or until stopped
   * (rejects with the reason, or resolves when stopped quietly).
   */
  async run (): Promise<void> {
    const { clock, subscriptionHeartbeatMs: heartbeat } = this.config
    const deadline = clock() + this.config.subscriptionLifetimeMs
    const unlisten = this.shard.onChange((commit) => {
      this.changed = true
      if (commit !== undefined) this.enqueue(commit)
      this.latch.wake()
    })
    // The first event goes out at once, so the subscriber knows the subscription is live.
    let lastSent = -Infinity
    try {
      for (;;) {
        if (this.latch.stopped) break
        const now = clock()
        if (now >= deadline) return
        // Cleared before reading, so a commit that lands during the read is not missed.
        this.changed = false
        const page = this.takeQueued() ?? await this.reader.readPage(this.stream, this.shard, this.position, EVENT_MAX_RECORDS, EVENT_MAX_BYTES)
        if (this.latch.stopped) break
        // Over 2 MiB/s, delivery waits for the budget to cover the event; it never fails.
        // The event is read and held (at most 1 MiB), and sent once the budget allows.
        // Commits do not cut this wait short; only stop() does.
        for (let wait = this.rate?.msUntil(page.bytes) ?? 0; wait > 0 && !this.latch.stopped; wait = this.rate?.msUntil(page.bytes) ?? 0) {
          await this.latch.race(sleepFor(wait))
        }
        if (this.latch.stopped) break
        if (page.records.length > 0 || page.ended || clock() - lastSent >= heartbeat) {
          this.position = page.next
          this.rate?.take(page.bytes)
          this.shard.traffic.countOut(page.records.length, page.bytes)
          if (page.records.length > 0) this.meters?.delivered(page.records.length, page.bytes)
          await this.latch.race(this.sink.send({
            records: page.records,
            sequenceNumbers: page.sequenceNumbers,
            continuationSequenceNumber: this.reader.continuationOf(this.shard, page.next),
            millisBehindLatest: page.millisBehindLatest,
            childShards: page.childShards,
            labels: page.labels
          }))
          if (this.latch.stopped) break
          lastSent = clock()
          if (page.ended) return
          if (page.records.length > 0) continue
        }
        if (!this.changed) await this.latch.sleep(Math.min(heartbeat - (clock() - lastSent), deadline - clock()))
      }
      if (this.latch.reason !== undefined) throw this.latch.reason
    } finally {
      unlisten()
    }
  }

  private enqueue (commit: ShardCommit): void {
    const bytes = commit.records.reduce((sum, r) => sum + r.data.byteLength, 0)
    if (this.queuedBytes + bytes > MAX_QUEUED_BYTES) {
      // Too far behind for the fast path: storage has everything, read from there.
      this.queued = []
      this.queuedBytes = 0
      return
    }
    this.queued.push(commit)
    this.queuedBytes += bytes
  }

  /**
   * The fast path for a caught-up subscriber: the records of queued commits, without a
   * storage read, when they are exactly the next records. That holds when everything
   * committed before the first queued commit lies before this subscription's position;
   * records it has already seen (a read may have overlapped a commit) are skipped. Closed
   * shards always go through storage, which knows where they end.
   */
  private takeQueued (): ShardPage | undefined {
    const commits = this.queued
    this.queued = []
    this.queuedBytes = 0
    const first = commits[0]
    if (first === undefined || !this.shard.open) return undefined
    if (first.before !== undefined && comparePositions(first.before, this.position) >= 0) return undefined
    const records: StoredRecord[] = []
    let bytes = 0
    for (const commit of commits) {
      for (const r of commit.records) {
        if (comparePositions(r, this.position) < 0) continue
        // The rest stays in storage, where the next read finds it.
        if (records.length === EVENT_MAX_RECORDS) break
        records.push({ ts: r.ts, counter: r.counter, partitionKey: r.partitionKey, data: Buffer.from(r.data.buffer, r.data.byteOffset, r.data.byteLength) })
        bytes += r.data.byteLength + Buffer.byteLength(r.partitionKey)
      }
    }
    const last = records[records.length - 1]
    if (last === undefined) return undefined
    return {
      records,
      sequenceNumbers: records.map((r) => this.shard.sequenceNumber(r)),
      bytes,
      next: positionAfter(last),
      ended: false,
      millisBehindLatest: 0,
      childShards: [],
      labels: labelsOf(this.stream.doc.encryptionHistory, records)
    }
  }
}
