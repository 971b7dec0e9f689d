/**
 * Enhanced fan-out measures: put-to-delivery latency through SubscribeToShard, and total
 * delivery to 20 consumers of one shard. The bench process both puts and receives, so
 * latency is measured on one clock.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { StreamClient, type ShardSubscription } from '../../client/index.js'
import type { Measure } from './measures.js'
import { RECORD_BYTES } from './payload.js'
import type { ServerProcess } from './server-process.js'
import { percentile } from './stats.js'

const STREAM = 'fanout'

/** A 1 KiB payload whose first 8 bytes carry the send time (performance.now), to time delivery, and the next 4 its index in the load. */
function stamped (sequence: number): Buffer {
  const data = Buffer.alloc(RECORD_BYTES, sequence % 251)
  data.writeDoubleBE(performance.now(), 0)
  data.writeUInt32BE(sequence, 8)
  return data
}

interface Consumers {
  readonly client: StreamClient
  readonly subscriptions: ShardSubscription[]
}

async function subscribeAll (client: StreamClient, streamName: string, consumers: number, shards: number): Promise<Consumers> {
  const { streamDescriptionSummary: summary } = await client.describeStreamSummary({ streamName })
  const subscriptions: ShardSubscription[] = []
  for (let c = 0; c < consumers; c++) {
    const { consumer } = await client.registerStreamConsumer({ streamArn: summary.streamArn, consumerName: `bench-${c}` })
    for (let s = 0; s < shards; s++) {
      subscriptions.push(client.subscribeToShard({ consumerArn: consumer.consumerArn, shardId: `shardId-${String(s).padStart(12, '0')}`, startingPosition: { type: 'LATEST' } }))
    }
  }
  return { client, subscriptions }
}

/**
 * Collects delivery latencies from every subscription until `expected` records each; only
 * of records from the `timedFrom`th sent on (see WARMUP_SECONDS).
 */
function collect (subscriptions: ShardSubscription[], expectedPerSubscription: number[], latencies: number[] | undefined, timedFrom = 0): Promise<number[]> {
  return Promise.all(subscriptions.map(async (subscription, i) => {
    let received = 0
    // The first event confirms the subscription; it may be empty.
    for await (const event of subscription) {
      const now = performance.now()
      for (const record of event.records) {
        if (record.data.readUInt32BE(8) >= timedFrom) latencies?.push(now - record.data.readDoubleBE(0))
        received++
      }
      if (received >= expectedPerSubscription[i]!) break
    }
    return received
  }))
}

/**
 * Records are put at the measured rate for this long first, and their latencies are not
 * counted: at 100 records/s the measured five seconds are only 500 calls, and on a fresh
 * server and client the first hundreds run in code not yet optimised.
 */
const WARMUP_SECONDS = 1

async function latencyAt (server: ServerProcess, shards: number, recordsPerSecond: number, seconds: number): Promise<{ values: Record<string, number>, detail: string }> {
  const client = new StreamClient({ endpoint: server.endpoint, deadlineMs: 60_000 })
  try {
    await client.createStream({ streamName: STREAM, shardCount: shards })
    const { subscriptions } = await subscribeAll(client, STREAM, 1, shards)
    await sleep(300)
    const measured = recordsPerSecond * seconds
    const total = recordsPerSecond * (WARMUP_SECONDS + seconds)
    // Put in ticks of 10 ms; each tick's records go out in one PutRecords with explicit
    // hash keys spread over the shards, so the per-shard counts are known in advance.
    const perTick = Math.max(1, Math.round(recordsPerSecond / 100))
    const { shards: list } = await client.listShards({ streamName: STREAM })
    const hashKeys = list.map((s) => s.hashKeyRange.startingHashKey)
    const expected = hashKeys.map((_, s) => Math.floor(total / shards) + (s < total % shards ? 1 : 0))
    const latencies: number[] = []
    const receiving = collect(subscriptions, expected, latencies, total - measured)
    const started = performance.now()
    for (let sent = 0, tick = 0; sent < total; tick++) {
      const count = Math.min(perTick, total - sent)
      const records = Array.from({ length: count }, (_, i) => ({ partitionKey: `k${sent + i}`, explicitHashKey: hashKeys[(sent + i) % shards]!, data: stamped(sent + i) }))
      if (count === 1) await client.putRecord({ streamName: STREAM, ...records[0]! })
      else await client.putRecords({ streamName: STREAM, records })
      sent += count
      await sleep(Math.max(0, started + (tick + 1) * 10 - performance.now()))
    }
    const received = await receiving
    const got = received.reduce((a, b) => a + b, 0)
    if (got !== total) throw new Error(`delivered ${got} records, expected ${total}`)
    if (latencies.length !== measured) throw new Error(`timed ${latencies.length} records, expected ${measured}`)
    return {
      values: { p50: percentile(latencies, 50), p99: percentile(latencies, 99) },
      detail: `${latencies.length} records timed over ${shards} shard(s) after ${total - latencies.length} not timed, max ${Math.max(...latencies).toFixed(2)} ms`
    }
  } finally {
    client.close()
  }
}

const fanoutLatency: Measure = {
  id: 'fanoutLatency',
  rows: [
    { key: 'p50', label: 'SubscribeToShard put-to-delivery at 100 records/s: p50', unit: 'ms', target: { op: '<', value: 2.0001 } },
    { key: 'p99', label: 'SubscribeToShard put-to-delivery at 100 records/s: p99', unit: 'ms', target: { op: '<', value: 10.0001 } }
  ],
  run: (server) => latencyAt(server, 1, 100, 5)
}

const fanoutLatencyLoaded: Measure = {
  id: 'fanoutLatencyLoaded',
  rows: [
    { key: 'p50', label: 'SubscribeToShard put-to-delivery at 5,000 records/s, 4 shards: p50', unit: 'ms' },
    { key: 'p99', label: 'SubscribeToShard put-to-delivery at 5,000 records/s, 4 shards: p99', unit: 'ms' }
  ],
  run: (server) => latencyAt(server, 4, 5000, 4)
}

const FANOUT_CONSUMERS = 20
const FANOUT_RECORDS = 20_000

const fanout20: Measure = {
  id: 'fanout20',
  rows: [{ key: 'rate', label: `fan-out to ${FANOUT_CONSUMERS} consumers on one shard: records/s delivered in all, no loss`, unit: 'records/s' }],
  run: async (server) => {
    const client = new StreamClient({ endpoint: server.endpoint, deadlineMs: 60_000 })
    try {
      await client.createStream({ streamName: STREAM, shardCount: 1 })
      const { subscriptions } = await subscribeAll(client, STREAM, FANOUT_CONSUMERS, 1)
      await sleep(300)
      const receiving = collect(subscriptions, subscriptions.map(() => FANOUT_RECORDS), undefined)
      const started = performance.now()
      for (let sent = 0; sent < FANOUT_RECORDS; sent += 500) {
        await client.putRecords({ streamName: STREAM, records: Array.from({ length: 500 }, (_, i) => ({ partitionKey: `k${sent + i}`, data: stamped(sent + i) })) })
      }
      const received = await receiving
      const elapsed = performance.now() - started
      if (received.some((n) => n !== FANOUT_RECORDS)) throw new Error(`a consumer missed records: ${received.join(', ')}`)
      const delivered = FANOUT_RECORDS * FANOUT_CONSUMERS
      return { values: { rate: delivered / (elapsed / 1000) }, detail: `${delivered} records delivered (${FANOUT_RECORDS} to each of ${FANOUT_CONSUMERS}) in ${Math.round(elapsed)} ms` }
    } finally {
      client.close()
    }
  }
}

export const FANOUT_MEASURES: readonly Measure[] = [fanoutLatency, fanoutLatencyLoaded, fanout20]
