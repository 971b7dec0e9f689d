/**
 * The console's live numbers, pushed to each open page once a second (server-sent
 * events): per stream and shard the records and bytes per second in and out (sampled from
 * each shard's running totals, shard-traffic.ts), throttled calls, the last sequence
 * number, live subscriptions, lease tables with lag, queue counts, and topics (with one
 * topic's subscriptions, delivery state and outbox, topic-summary.ts). Structure (shards,
 * parents, hash ranges) the page reads itself with the Kinesis API; `shape` tells it
 * when to read it again.
 */
import type { LeaseRegistry } from '../leases/lease-registry.js'
import type { QueueRegistry } from '../queues/queue-registry.js'
import type { Scope } from '../scope.js'
import type { Store } from '../storage/store.js'
import type { ConsumerRegistry } from '../streams/consumer-registry.js'
import { parseSequenceNumber } from '../streams/sequence-number.js'
import { parseShardId, type Shard, type Stream } from '../streams/stream-model.js'
import type { StreamRegistry } from '../streams/stream-registry.js'
import type { ShardTraffic } from '../streams/shard-traffic.js'
import type { TopicRegistry } from '../topics/topic-registry.js'
import { queueSummary, type QueueSummary } from './queue-summary.js'
import { topicDetail, topicSummary } from './topic-summary.js'

export interface FeedServices {
  readonly scope: Scope
  readonly streams: StreamRegistry
  readonly consumers: ConsumerRegistry
  readonly leases: LeaseRegistry
  readonly queues: QueueRegistry
  readonly topics: TopicRegistry
  readonly store: Store
  readonly clock: () => number
}

/** What one page asks to follow: a stream's shards and consumers, a lease table, a topic. */
export interface FeedQuery {
  readonly stream?: string | undefined
  readonly table?: string | undefined
  readonly topic?: string | undefined
}

interface Rates {
  recordsIn: number
  bytesIn: number
  recordsOut: number
  bytesOut: number
}

interface Totals extends Rates {
  readonly at: number
}

const ZERO: Rates = { recordsIn: 0, bytesIn: 0, recordsOut: 0, bytesOut: 0 }

/** Lag in records is counted by reading at most this many records past the checkpoint. */
const LAG_COUNT_CAP = 1000

export class TrafficSampler {
  private readonly last = new WeakMap<ShardTraffic, Totals>()
  private readonly rates = new WeakMap<ShardTraffic, Rates>()

  /** Turns every shard's totals since the last sample into per-second rates. */
  sample (streams: readonly Stream[], now: number): void {
    for (const stream of streams) {
      for (const shard of stream.shards.values()) {
        const t = shard.traffic
        const previous = this.last.get(t)
        this.last.set(t, { at: now, recordsIn: t.recordsIn, bytesIn: t.bytesIn, recordsOut: t.recordsOut, bytesOut: t.bytesOut })
        if (previous === undefined || now <= previous.at) continue
        const seconds = (now - previous.at) / 1000
        this.rates.set(t, {
          recordsIn: (t.recordsIn - previous.recordsIn) / seconds,
          bytesIn: (t.bytesIn - previous.bytesIn) / seconds,
          recordsOut: (t.recordsOut - previous.recordsOut) / seconds,
          bytesOut: (t.bytesOut - previous.bytesOut) / seconds
        })
      }
    }
  }

  of (shard: Shard): Rates {
    return this.rates.get(shard.traffic) ?? ZERO
  }
}

function round (n: number): number {
  return Math.round(n * 10) / 10
}

function lastSequenceNumber (shard: Shard): string | undefined {
  const committed = shard.committed
  return committed === undefined || committed.counter === 0 ? undefined : shard.sequenceNumber(committed)
}

export async function buildFeed (services: FeedServices, sampler: TrafficSampler, query: FeedQuery): Promise<unknown> {
  const { scope, streams, consumers, leases, queues, topics } = services
  const list = streams.list(scope).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  const summaries = list.map((stream) => {
    const rates = { recordsIn: 0, bytesIn: 0 }
    for (const shard of stream.shards.values()) {
      const r = sampler.of(shard)
      rates.recordsIn += r.recordsIn
      rates.bytesIn += r.bytesIn
    }
    return {
      name: stream.name,
      status: stream.doc.status,
      mode: stream.doc.mode,
      internal: stream.internal,
      retentionHours: stream.doc.retentionHours,
      openShards: stream.openShardCount,
      closedShards: stream.shards.size - stream.openShardCount,
      recordsIn: round(rates.recordsIn),
      bytesIn: round(rates.bytesIn)
    }
  })
  const selected = query.stream === undefined ? undefined : list.find((s) => s.name === query.stream)
  const tables = leases.openTables(scope)
  const queueList: QueueSummary[] = []
  for (const queue of queues.list(scope)) {
    if (!queue.isOpen) continue
    queueList.push(await queueSummary(queue, queues))
  }
  const topicList = topics.list(scope).filter((t) => t.isOpen)
  const followed = query.topic === undefined ? undefined : topicList.find((t) => t.name === query.topic)
  return {
    at: services.clock(),
    streams: summaries,
    stream: selected === undefined ? undefined : streamDetail(selected, sampler, consumers),
    tables,
    leases: query.table === undefined || query.table === '' ? undefined : await leaseDetail(services, query.table, selected),
    queues: queueList,
    topics: topicList.map(topicSummary),
    topic: followed === undefined ? undefined : topicDetail(followed, topics, queues)
  }
}

function streamDetail (stream: Stream, sampler: TrafficSampler, consumers: ConsumerRegistry): unknown {
  const shards = stream.shardList.map((shard) => {
    const r = sampler.of(shard)
    return {
      shardId: shard.id,
      open: shard.open,
      recordsIn: round(r.recordsIn),
      bytesIn: round(r.bytesIn),
      recordsOut: round(r.recordsOut),
      bytesOut: round(r.bytesOut),
      writeThrottled: shard.traffic.writeThrottled,
      readThrottled: shard.traffic.readThrottled,
      lastSequenceNumber: lastSequenceNumber(shard)
    }
  })
  return {
    name: stream.name,
    arn: stream.arn,
    status: stream.doc.status,
    partitionHash: stream.doc.partitionHash,
    // Changes whenever a shard opens or closes: the page then reads ListShards again.
    shape: stream.shardList.map((s) => `${s.id}${s.open ? '+' : '-'}`).join(','),
    shards,
    consumers: consumers.list(stream).map((c) => {
      const arn = consumers.arnOf(stream, c)
      return { name: c.name, arn, status: c.status, createdAt: c.createdAt, subscriptions: consumers.subscribedShards(arn) }
    })
  }
}

async function leaseDetail (services: FeedServices, table: string, stream: Stream | undefined): Promise<unknown> {
  let rows
  try {
    rows = await services.leases.table(services.scope, table).list()
  } catch (err) {
    return { table, error: (err as Error).message }
  }
  const out = []
  for (const lease of rows) {
    const index = parseShardId(lease.key)
    const shard = index === undefined ? undefined : stream?.shards.get(index)
    out.push({
      key: lease.key,
      owner: lease.owner,
      expiresAt: lease.expiresAt,
      checkpoint: lease.checkpoint,
      counter: lease.counter,
      ...(shard === undefined ? {} : await lagOf(services.store, stream!, shard, lease.checkpoint))
    })
  }
  return { table, stream: stream?.name, leases: out }
}

/**
 * How far a checkpoint is behind the shard's last record: in records (counted up to
 * LAG_COUNT_CAP) and in milliseconds of arrival time (to the second the checkpoint's
 * sequence number carries).
 */
async function lagOf (store: Store, stream: Stream, shard: Shard, checkpoint: string): Promise<{ lagRecords?: number, lagCapped?: boolean, lagMs?: number }> {
  const end = shard.committed
  if (end === undefined || end.counter === 0) return { lagRecords: 0, lagMs: 0 }
  let from = { ts: 0, counter: 0 }
  let after = 0
  if (/^\d+$/.test(checkpoint)) {
    const parts = parseSequenceNumber(checkpoint)
    if (parts === undefined) return {}
    from = { ts: parts.seconds * 1000, counter: 0 }
    after = Number(parts.counter)
  } else if (checkpoint === 'LATEST' || checkpoint === 'SHARD_END') {
    return { lagRecords: 0, lagMs: 0 }
  }
  const records = await store.readRecords({ streamId: stream.id, shard: shard.index, from, limit: LAG_COUNT_CAP + 1, maxBytes: Number.MAX_SAFE_INTEGER })
  const behind = records.filter((r) => r.counter > after)
  const first = behind[0]
  return {
    lagRecords: Math.min(behind.length, LAG_COUNT_CAP),
    lagCapped: behind.length > LAG_COUNT_CAP,
    lagMs: first === undefined ? 0 : Math.max(0, end.ts - first.ts)
  }
}
