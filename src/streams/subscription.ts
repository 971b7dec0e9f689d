/**
 * One SubscribeToShard subscription: pushes a shard's records to one consumer as they
 * commit, independent of transport (gRPC streams it; the AWS HTTP API wraps the same
 * events in the event-stream encoding).
 *
 * Memory stays bounded however slow the consumer: an event is read from storage only
 * after the previous one has been accepted by the transport's flow control, so at most
 * one event per subscription is ever held.
 */
import type { ServerConfig } from '../config.js'
import type { ServiceError } from '../errors.js'
import type { ShardPosition } from '../storage/record-key.js'
import type { StoredRecord } from '../storage/store.js'
import type { LiveSubscription } from './consumer-registry.js'
import type { ChildShardInfo, RecordReader } from './record-reader.js'
import { MIB } from './shard-throttle.js'
import type { Shard, Stream } from './stream-model.js'
import { TokenBucket } from './token-bucket.js'

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
}

export interface EventSink {
  /** Resolves once the transport has taken the event (its flow control has room). */
  send (event: SubscriptionEvent): Promise<void>
}

export class Subscription implements LiveSubscription {
  private stopped: { reason: ServiceError | undefined } | undefined
  private changed = false
  private wake: (() => void) | undefined
  private readonly rate: TokenBucket | undefined

  constructor (
    private readonly reader: RecordReader,
    private readonly config: ServerConfig,
    private readonly stream: Stream,
    private readonly shard: Shard,
    private position: ShardPosition,
    private readonly sink: EventSink
  ) {
    this.rate = config.limits === 'aws' ? new TokenBucket(FANOUT_BYTES_PER_SECOND, FANOUT_BYTES_PER_SECOND, config.clock) : undefined
  }

  /** Ends the subscription: with `reason` as its error, or quietly (the client left). */
  stop (reason?: ServiceError): void {
    this.stopped ??= { reason }
    this.wake?.()
  }

  /**
   * Runs until the lifetime ends or the shard ends (resolves), or until stopped
   * (rejects with the reason, or resolves when stopped quietly).
   */
  async run (): Promise<void> {
    const { clock, subscriptionHeartbeatMs: heartbeat } = this.config
    const deadline = clock() + this.config.subscriptionLifetimeMs
    const unlisten = this.shard.onChange(() => {
      this.changed = true
      this.wake?.()
    })
    // The first event goes out at once, so the subscriber knows the subscription is live.
    let lastSent = -Infinity
    try {
      for (;;) {
        if (this.stopped !== undefined) break
        const now = clock()
        if (now >= deadline) return
        const debt = this.rate?.msUntilAvailable() ?? 0
        if (debt > 0) {
          // Over 2 MiB/s: delivery waits, it does not fail.
          await this.sleep(Math.min(debt, deadline - now))
          continue
        }
        // Cleared before reading, so a commit that lands during the read is not missed.
        this.changed = false
        const page = await this.reader.readPage(this.stream, this.shard, this.position, EVENT_MAX_RECORDS, EVENT_MAX_BYTES)
        if (this.stopped !== undefined) break
        if (page.records.length > 0 || page.ended || clock() - lastSent >= heartbeat) {
          this.position = page.next
          await this.sink.send({
            records: page.records,
            sequenceNumbers: page.sequenceNumbers,
            continuationSequenceNumber: this.reader.continuationOf(this.shard, page.next),
            millisBehindLatest: page.millisBehindLatest,
            childShards: page.childShards
          })
          this.rate?.take(page.bytes)
          lastSent = clock()
          if (page.ended) return
          if (page.records.length > 0) continue
        }
        if (!this.changed) await this.sleep(Math.min(heartbeat - (clock() - lastSent), deadline - clock()))
      }
      if (this.stopped?.reason !== undefined) throw this.stopped.reason
    } finally {
      unlisten()
      this.wake = undefined
    }
  }

  private sleep (ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, ms))
      function done (): void {
        clearTimeout(timer)
        resolve()
      }
      this.wake = done
    })
  }
}
