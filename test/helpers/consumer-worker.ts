/**
 * One consumer worker in its own process, for the consumer tests and benchmarks. It runs a
 * Consumer from the JSON config in argv[2] and reports on stdout, one JSON object per line:
 * {t:'ready'}, {t:'batch', shard, at, recs:[[sequenceNumber, partitionKey, data]]} (at: epoch
 * ms with sub-ms precision, comparable across processes), {t:'event', name, ...event},
 * {t:'stopped'}. A line 'stop' on stdin stops it gracefully; then it exits.
 */
import { createInterface } from 'node:readline'
import { Consumer, type ConsumerEventName, type ConsumerOptions } from '../../client/index.js'

interface WorkerConfig extends ConsumerOptions {
  /** Simulated work per batch. */
  handlerDelayMs?: number
  /** Report only record counts (benchmarks), not every record. */
  countOnly?: boolean
}

const config = JSON.parse(process.argv[2] ?? '{}') as WorkerConfig
const { handlerDelayMs = 0, countOnly = false, ...options } = config

function send (message: object): void {
  process.stdout.write(JSON.stringify(message) + '\n')
}

const now = (): number => performance.timeOrigin + performance.now()
const consumer = new Consumer(options)
const names: ConsumerEventName[] = ['lease.acquired', 'lease.lost', 'lease.stolen', 'shard.ended', 'rebalance', 'checkpoint', 'error', 'crash']
for (const name of names) {
  consumer.on(name, (event) => {
    const body = 'error' in event ? { ...event, error: String(event.error) } : event
    send({ t: 'event', name, at: now(), ...body })
  })
}

await consumer.run({
  eachBatch: async (batch) => {
    const at = now()
    if (countOnly) send({ t: 'batch', shard: batch.shardId, at, n: batch.records.length })
    else send({ t: 'batch', shard: batch.shardId, at, recs: batch.records.map((r) => [r.sequenceNumber, r.partitionKey, r.data.toString()]) })
    if (handlerDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, handlerDelayMs))
  }
})
send({ t: 'ready', at: now() })

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line.trim() !== 'stop') return
  const at = now()
  void consumer.stop().then(() => {
    send({ t: 'stopped', at, done: now() })
    process.exit(0)
  })
})
