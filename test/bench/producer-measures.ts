/**
 * The Producer's throughput: many concurrent `send` calls of 1 KiB records over 100
 * partition keys, the way a service with many requests in progress would call it. The
 * Producer does the batching, so this measures its packing and per-key ordering on top of
 * what raw PutRecords achieves (the putRecords measure).
 */
import { Producer, StreamClient } from '../../client/index.js'
import { cpuText, withCpuUse } from './cpu.js'
import { perSecond, runLoad, type LoadResult } from './load.js'
import type { Measure } from './measures.js'
import { payload } from './payload.js'
import type { ServerProcess } from './server-process.js'

const STREAM = 'producer'
const SHARDS = 4
const KEYS = 100
/** Sends awaiting their result at once: enough to fill the calls in flight several times. */
const SENDERS = 4_000
const keys = Array.from({ length: KEYS }, (_, i) => `key-${i}`)

function sendAll (producer: Producer, budget: { durationMs: number, maxItems: number }): Promise<LoadResult> {
  return runLoad({
    concurrency: SENDERS,
    itemsPerCall: 1,
    ...budget,
    call: async (n) => {
      await producer.send({ partitionKey: keys[n % KEYS]!, data: payload(n) })
      return 1
    }
  })
}

const producerThroughput: Measure = {
  id: 'producer',
  rows: [{ key: 'rate', label: `Producer send 1 KiB, ${KEYS} keys, ${SHARDS} shards`, unit: 'records/s', target: { op: '>=', value: 50_000 } }],
  async run (server: ServerProcess) {
    const admin = new StreamClient({ endpoint: server.endpoint, deadlineMs: 60_000 })
    await admin.createStream({ streamName: STREAM, shardCount: SHARDS })
    admin.close()
    // Defaults otherwise: what a user gets without tuning.
    const producer = new Producer({ endpoint: server.endpoint, stream: STREAM, callTimeoutMs: 60_000 })
    try {
      // Warm-up: JIT, the connection, the first LevelDB memtable.
      await sendAll(producer, { durationMs: Infinity, maxItems: 20_000 })
      const before = producer.stats()
      const [result, cpu] = await withCpuUse(server.pid, () => sendAll(producer, { durationMs: 5_000, maxItems: 1_000_000 }))
      const after = producer.stats()
      const calls = after.calls - before.calls
      return {
        values: { rate: perSecond(result) },
        detail: `${result.items} records in ${Math.round(result.elapsedMs)} ms, ${calls} calls (${(result.items / Math.max(calls, 1)).toFixed(0)} records/call), ${after.recordsRetried - before.recordsRetried} retried; ${cpuText(cpu, result.items)}`
      }
    } finally {
      await producer.close()
    }
  }
}

export const PRODUCER_MEASURES: readonly Measure[] = [producerThroughput]
