/**
 * The hot path's side of the metrics: plain objects whose fields are bumped with `+=`
 * (a shard's are its ShardTraffic, streams/shard-traffic.ts),
 * once per call or per batch. prom-client's own children hash their label set on every
 * `inc()` (about 0.5 µs, 1.4 µs for a histogram's `observe()`); these cost a field add.
 * The registry reads them at scrape time (scraped.ts).
 */

/** An enhanced fan-out consumer's deliveries, over all its subscriptions. */
export class ConsumerMeters {
  records = 0
  bytes = 0

  delivered (records: number, bytes: number): void {
    this.records += records
    this.bytes += bytes
  }
}

/** A queue's traffic; its message counts are read from the projection at scrape time. */
export class QueueMeters {
  sent = 0
  received = 0
  deleted = 0
  /** Messages moved to the dead-letter queue after maxReceiveCount receives. */
  movedToDeadLetter = 0
}

/**
 * A histogram's counts for one label set: `counts[i]` holds the observations in
 * (bounds[i-1], bounds[i]], the last slot those above every bound.
 */
export class HistogramCell {
  readonly counts: Float64Array
  sum = 0
  count = 0

  constructor (readonly bounds: readonly number[]) {
    this.counts = new Float64Array(bounds.length + 1)
  }

  observe (value: number): void {
    const bounds = this.bounds
    let i = 0
    while (i < bounds.length && value > bounds[i]!) i++
    this.counts[i]!++
    this.sum += value
    this.count++
  }
}

/** One API action over one transport. */
export class ActionMeters {
  requests = 0
  /** By AWS error name (`ResourceNotFoundException`...): a closed set, the error catalogue. */
  readonly errors = new Map<string, number>()
  readonly latency: HistogramCell

  constructor (bounds: readonly number[]) {
    this.latency = new HistogramCell(bounds)
  }

  /** A finished unary call: `startedAt` from performance.now(), `errorType` when it failed. */
  done (startedAt: number, errorType?: string): void {
    this.requests++
    this.latency.observe((performance.now() - startedAt) / 1000)
    if (errorType !== undefined) this.failed(errorType)
  }

  /** A call counted without latency (a subscription lives for minutes; its length is no latency). */
  started (): void {
    this.requests++
  }

  failed (errorType: string): void {
    this.errors.set(errorType, (this.errors.get(errorType) ?? 0) + 1)
  }
}

/** A topic's deliveries to one protocol, over all its subscriptions (past ones included). */
export class ProtocolMeters {
  /** Messages delivered: enqueued, POSTed and answered below 500, or recorded in the outbox. */
  deliveries = 0
  /** Messages given up on after the retries: dead-lettered or dropped. */
  failures = 0
}

/** The retry under way of one subscription: attempt `attempt` of `of` has failed. */
export interface RetryState {
  readonly attempt: number
  readonly of: number
  readonly nextAt: number
}

/**
 * One subscription's delivery since the server started: what the console shows as its
 * delivery state. Every bump also counts in its protocol's meters, which outlive it.
 */
export class SubscriptionMeters {
  delivered = 0
  failed = 0
  deadLettered = 0
  failedAttempts = 0
  lastDeliveryAt: number | undefined
  lastFailure: { readonly at: number, readonly code: string, readonly message: string } | undefined
  retrying: RetryState | undefined

  constructor (private readonly protocol: ProtocolMeters) {}

  deliveredOne (n: number, at: number): void {
    if (n === 0) return
    this.delivered += n
    this.protocol.deliveries += n
    this.lastDeliveryAt = at
  }

  /** A message given up on; `deadLettered` when it went to the subscription's DLQ. */
  failedOne (deadLettered: boolean, at: number, code: string, message: string): void {
    this.failed++
    this.protocol.failures++
    if (deadLettered) this.deadLettered++
    this.lastFailure = { at, code, message }
  }

  attemptFailed (at: number, code: string, message: string): void {
    this.failedAttempts++
    this.lastFailure = { at, code, message }
  }
}

/** A topic's delivery meters by protocol; its publishes are counted by its stream (topic.ts). */
export class TopicMeters {
  readonly protocols = new Map<string, ProtocolMeters>()

  subscription (protocol: string): SubscriptionMeters {
    let meters = this.protocols.get(protocol)
    if (meters === undefined) {
      meters = new ProtocolMeters()
      this.protocols.set(protocol, meters)
    }
    return new SubscriptionMeters(meters)
  }
}
