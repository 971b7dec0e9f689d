/**
 * The series of the domain: streams and shards, enhanced fan-out consumers, lease tables,
 * queues and topics, all read at scrape time from the registries and the meters on their objects.
 */
import type { LeaseRegistry } from '../leases/lease-registry.js'
import type { QueueRegistry } from '../queues/queue-registry.js'
import type { ConsumerRegistry } from '../streams/consumer-registry.js'
import { parseSequenceNumber, shardEpochSeconds } from '../streams/sequence-number.js'
import type { Shard, Stream } from '../streams/stream-model.js'
import type { StreamRegistry } from '../streams/stream-registry.js'
import type { ShardTraffic } from '../streams/shard-traffic.js'
import type { TopicRegistry } from '../topics/topic-registry.js'
import type { Metrics } from './metrics.js'
import type { Labels, Sample } from './scraped.js'

export interface MetricSources {
  readonly streams: StreamRegistry
  readonly consumers: ConsumerRegistry
  readonly leases: LeaseRegistry
  readonly queues: QueueRegistry
  readonly topics: TopicRegistry
}

type ShardField = Exclude<{ [K in keyof ShardTraffic]: ShardTraffic[K] extends number ? K : never }[keyof ShardTraffic], undefined>

function streamLabels (stream: Stream): Labels {
  return { account: stream.scope.accountId, region: stream.scope.region, stream: stream.name }
}

/** Kinesis streams only: a queue's internal streams are counted as the queue's. */
function kinesisStreams (streams: StreamRegistry): Stream[] {
  return streams.all().filter((s) => !s.internal)
}

/** Per shard, or summed per stream when shard labels are off. */
function shardSamples (streams: StreamRegistry, shardLabels: boolean, field: ShardField, extra?: Labels): Sample[] {
  const samples: Sample[] = []
  for (const stream of kinesisStreams(streams)) {
    const labels = { ...streamLabels(stream), ...extra }
    if (shardLabels) {
      for (const shard of stream.shards.values()) samples.push([{ ...labels, shard: shard.id }, shard.traffic[field]])
    } else {
      let sum = 0
      for (const shard of stream.shards.values()) sum += shard.traffic[field]
      samples.push([labels, sum])
    }
  }
  return samples
}

/**
 * How far a lease's checkpoint is behind its shard's newest record, in seconds (to the
 * second: a sequence number carries its arrival second). The checkpoint names the shard
 * (index and epoch); undefined for TRIM_HORIZON, LATEST or a number of no known shard.
 */
function checkpointLag (checkpoint: string, shards: ReadonlyMap<string, Shard>): number | undefined {
  if (checkpoint === 'SHARD_END') return 0
  if (!/^\d+$/.test(checkpoint)) return undefined
  const parts = parseSequenceNumber(checkpoint)
  if (parts === undefined || parts.version !== 2) return undefined
  const shard = shards.get(`${parts.epochSeconds}/${parts.shardIndex}`)
  if (shard === undefined) return undefined
  const newest = shard.committed
  if (newest === undefined || BigInt(newest.counter) <= parts.counter) return 0
  return Math.max(0, Math.floor(newest.ts / 1000) - parts.seconds)
}

export function registerDomainMetrics (metrics: Metrics, sources: MetricSources): void {
  const { streams, consumers, leases, queues, topics } = sources
  const { shardLabels } = metrics.options
  metrics.counter('stream_records_in_total', 'Records stored by PutRecord and PutRecords.', () => shardSamples(streams, shardLabels, 'recordsIn'))
  metrics.counter('stream_bytes_in_total', 'Bytes (data and partition keys) stored by PutRecord and PutRecords.', () => shardSamples(streams, shardLabels, 'bytesIn'))
  metrics.counter('stream_records_out_total', 'Records served by GetRecords and SubscribeToShard.', () => shardSamples(streams, shardLabels, 'recordsOut'))
  metrics.counter('stream_bytes_out_total', 'Bytes (data and partition keys) served by GetRecords and SubscribeToShard.', () => shardSamples(streams, shardLabels, 'bytesOut'))
  metrics.counter('stream_throttled_total', 'Requests refused for a shard\'s limits: records of PutRecord(s) (direction write), GetRecords calls (direction read).', () => [
    ...shardSamples(streams, shardLabels, 'writeThrottled', { direction: 'write' }),
    ...shardSamples(streams, shardLabels, 'readThrottled', { direction: 'read' })
  ])

  const consumerSeries = (value: (arn: string) => number): Sample[] => {
    const samples: Sample[] = []
    for (const stream of kinesisStreams(streams)) {
      for (const consumer of consumers.list(stream)) {
        samples.push([{ ...streamLabels(stream), consumer: consumer.name }, value(consumers.arnOf(stream, consumer))])
      }
    }
    return samples
  }
  metrics.gauge('consumer_subscriptions', 'Live SubscribeToShard subscriptions of an enhanced fan-out consumer.', () => {
    const live = consumers.liveCounts()
    return consumerSeries((arn) => live.get(arn) ?? 0)
  })
  metrics.counter('consumer_records_delivered_total', 'Records an enhanced fan-out consumer\'s subscriptions delivered.', () => consumerSeries((arn) => consumers.metersOf(arn)?.records ?? 0))
  metrics.counter('consumer_bytes_delivered_total', 'Bytes an enhanced fan-out consumer\'s subscriptions delivered.', () => consumerSeries((arn) => consumers.metersOf(arn)?.bytes ?? 0))

  metrics.gauge('lease_lag_seconds', 'How far checkpoints are behind their shard\'s newest record (seconds, to the second): the largest of a lease table, or per lease with shard labels on.', () => {
    const byScope = new Map<string, Map<string, Shard>>()
    const shardsOf = (scopeKey: string): Map<string, Shard> => {
      let shards = byScope.get(scopeKey)
      if (shards === undefined) {
        shards = new Map()
        for (const stream of streams.all()) {
          if (stream.scope.key !== scopeKey) continue
          for (const shard of stream.shards.values()) shards.set(`${shardEpochSeconds(shard.doc.createdAt, shard.doc.generation)}/${shard.index}`, shard)
        }
        byScope.set(scopeKey, shards)
      }
      return shards
    }
    const samples: Sample[] = []
    for (const { scope, table } of leases.loaded()) {
      const labels = { account: scope.accountId, region: scope.region, table: table.name }
      let worst: number | undefined
      for (const lease of table.cached()) {
        const lag = checkpointLag(lease.checkpoint, shardsOf(scope.key))
        if (lag === undefined) continue
        worst = Math.max(worst ?? 0, lag)
        if (shardLabels) samples.push([{ ...labels, lease: lease.key }, lag])
      }
      if (!shardLabels && worst !== undefined) samples.push([labels, worst])
    }
    return samples
  })

  metrics.gauge('queue_messages', 'Messages in a queue by state: visible, in_flight, delayed (exact, from the projection).', async () => {
    const samples: Sample[] = []
    for (const queue of queues.all()) {
      if (!queue.isOpen) continue
      const labels = { account: queue.scope.accountId, region: queue.scope.region, queue: queue.name }
      const counts = await queue.counts().catch(() => undefined)
      if (counts === undefined) continue
      samples.push([{ ...labels, state: 'visible' }, counts.visible], [{ ...labels, state: 'in_flight' }, counts.notVisible], [{ ...labels, state: 'delayed' }, counts.delayed])
    }
    return samples
  })
  const queueCounter = (name: string, help: string, field: 'sent' | 'received' | 'deleted' | 'movedToDeadLetter'): void => {
    metrics.counter(name, help, () => queues.all().map((queue) => [{ account: queue.scope.accountId, region: queue.scope.region, queue: queue.name }, queue.meters[field]] as const))
  }
  queueCounter('queue_sent_messages_total', 'Messages sent (SendMessage, SendMessageBatch; duplicates of a FIFO deduplication id not counted).', 'sent')
  queueCounter('queue_received_messages_total', 'Messages delivered by ReceiveMessage.', 'received')
  queueCounter('queue_deleted_messages_total', 'Messages deleted by DeleteMessage and DeleteMessageBatch.', 'deleted')
  queueCounter('queue_dead_letter_moves_total', 'Messages moved from this queue to its dead-letter queue after maxReceiveCount receives.', 'movedToDeadLetter')

  const topicLabels = (topic: ReturnType<TopicRegistry['all']>[number]): Labels => ({ account: topic.scope.accountId, region: topic.scope.region, topic: topic.name })
  metrics.counter('topic_published_messages_total', 'Messages published to a topic (Publish, PublishBatch; duplicates of a FIFO deduplication id not counted). Durable: counted by the topic\'s message stream.', () =>
    topics.all().filter((t) => t.isOpen).map((topic) => [topicLabels(topic), topic.published] as const))
  const protocolCounter = (name: string, help: string, field: 'deliveries' | 'failures'): void => {
    metrics.counter(name, help, () => {
      const samples: Sample[] = []
      for (const topic of topics.all()) {
        if (!topic.isOpen) continue
        for (const [protocol, meters] of topic.meters.protocols) samples.push([{ ...topicLabels(topic), protocol }, meters[field]])
      }
      return samples
    })
  }
  protocolCounter('topic_deliveries_total', 'Messages a topic delivered, by protocol: enqueued (sqs), answered below 500 (http, https, lambda), or recorded in the outbox (email, email-json, sms, application, firehose).', 'deliveries')
  protocolCounter('topic_delivery_failures_total', 'Messages a topic gave up delivering after its retries, by protocol: sent to the subscription\'s dead-letter queue, or dropped.', 'failures')
}
