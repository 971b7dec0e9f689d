/**
 * The server's metrics: one prom-client Registry rendered at `GET /metrics`. The hot path
 * only bumps plain meters (meters.ts) that live on the objects they measure (a Shard, a
 * Queue, an action); everything is turned into series at scrape time (scraped.ts), and
 * the gauges (queue depths, subscriptions, lease lag) are read from live state then too.
 *
 * Other domains add their own metrics through `counter`, `gauge` and `histogram` (the
 * `shardline_` prefix is added), e.g. topics:
 *   metrics.counter('topic_published_messages_total', 'Messages published.', () => samples)
 */
import { collectDefaultMetrics, Registry } from 'prom-client'
import { ActionMeters, HistogramCell } from './meters.js'
import { scrapedCounter, scrapedGauge, scrapedHistogram, type HistogramSampler, type Labels, type Sample, type Sampler } from './scraped.js'

export const METRIC_PREFIX = 'shardline_'

/** Request latency buckets, seconds: a cached GetRecords takes well under a millisecond, a long poll up to 20 s. */
export const LATENCY_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20]

/** Commit latency buckets, seconds. */
export const COMMIT_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]

/** Submissions grouped into one LevelDB write. */
export const BATCH_BUCKETS = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024]

export type Transport = 'grpc' | 'http'

export interface MetricsOptions {
  /** Serve `/metrics` and collect process metrics. */
  readonly enabled: boolean
  /** Label stream and lease metrics by shard; off, they are summed per stream (or lease table). */
  readonly shardLabels: boolean
}

/** The action meters of one transport, made on first use; unknown names share one meter. */
export class TransportMeters {
  private readonly byName = new Map<string, ActionMeters>()

  constructor (readonly transport: Transport) {}

  of (action: string): ActionMeters {
    let meters = this.byName.get(action)
    if (meters === undefined) {
      meters = new ActionMeters(LATENCY_BUCKETS)
      this.byName.set(action, meters)
    }
    return meters
  }

  entries (): IterableIterator<[string, ActionMeters]> {
    return this.byName.entries()
  }
}

/** What group commit reports: how many submissions each write took, and how long it took. */
export class CommitMeters {
  readonly batches = new HistogramCell(BATCH_BUCKETS)
  readonly latency = new HistogramCell(COMMIT_BUCKETS)

  /** One LevelDB write of `submissions` grouped batches that took `seconds`. */
  committed (submissions: number, seconds: number): void {
    this.batches.observe(submissions)
    this.latency.observe(seconds)
  }
}

export class Metrics {
  readonly registry = new Registry()
  readonly grpc = new TransportMeters('grpc')
  readonly http = new TransportMeters('http')
  readonly commits = new CommitMeters()

  constructor (readonly options: MetricsOptions) {
    this.histogram('api_request_duration_seconds', 'Unary API calls by action and transport: time from decoded request to answer.', LATENCY_BUCKETS, () => this.actionSamples((meters) => meters.latency))
    this.counter('api_requests_total', 'API calls by action and transport (SubscribeToShard and other streaming calls included).', () => {
      const samples: Sample[] = []
      for (const transport of [this.grpc, this.http]) {
        // The gRPC transport makes a meter per RPC up front; the ones never called stay out.
        for (const [action, meters] of transport.entries()) if (meters.requests > 0) samples.push([{ transport: transport.transport, action }, meters.requests])
      }
      return samples
    })
    this.counter('api_errors_total', 'API calls that failed, by action, transport and AWS error name (code).', () => {
      const samples: Sample[] = []
      for (const transport of [this.grpc, this.http]) {
        for (const [action, meters] of transport.entries()) {
          for (const [code, n] of meters.errors) samples.push([{ transport: transport.transport, action, code }, n])
        }
      }
      return samples
    })
    this.histogram('storage_commit_batch_size', 'Writes grouped into one LevelDB batch by group commit.', BATCH_BUCKETS, () => [[{}, this.commits.batches]])
    this.histogram('storage_commit_duration_seconds', 'Time one group-committed LevelDB batch took to write.', COMMIT_BUCKETS, () => [[{}, this.commits.latency]])
    if (options.enabled) collectDefaultMetrics({ register: this.registry, prefix: METRIC_PREFIX })
  }

  transport (transport: Transport): TransportMeters {
    return transport === 'grpc' ? this.grpc : this.http
  }

  private actionSamples (cell: (meters: ActionMeters) => HistogramCell): Array<readonly [Labels, HistogramCell]> {
    const samples: Array<readonly [Labels, HistogramCell]> = []
    for (const transport of [this.grpc, this.http]) {
      for (const [action, meters] of transport.entries()) {
        if (meters.latency.count > 0) samples.push([{ transport: transport.transport, action }, cell(meters)])
      }
    }
    return samples
  }

  /** Registers `shardline_<name>`, a counter read from `sample` at every scrape. */
  counter (name: string, help: string, sample: Sampler): void {
    scrapedCounter({ name: METRIC_PREFIX + name, help, registry: this.registry }, sample)
  }

  gauge (name: string, help: string, sample: Sampler): void {
    scrapedGauge({ name: METRIC_PREFIX + name, help, registry: this.registry }, sample)
  }

  histogram (name: string, help: string, bounds: readonly number[], sample: HistogramSampler): void {
    scrapedHistogram({ name: METRIC_PREFIX + name, help, registry: this.registry }, bounds, sample)
  }

  /** The Prometheus text exposition of everything registered. */
  render (): Promise<string> {
    return this.registry.metrics()
  }

  get contentType (): string {
    return this.registry.contentType
  }
}
