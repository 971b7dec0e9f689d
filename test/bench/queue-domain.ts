/**
 * A quick measure of the queue domain alone, in this process, with no transport: the same
 * store, stream registry, writer and queue registry the server builds, driven through
 * Queue.send/receive/delete. It shows what the domain can do before HTTP or gRPC costs are
 * added (the lead's `npm run bench` measures those, against peers).
 *
 *   npx tsx test/bench/queue-domain.ts [--disk] [--messages N] [--rss]
 *
 * --rss also fills one queue with 1,000,000 ready 1 KiB messages and reports the process's
 * resident memory (with the store on disk).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { resolveConfig } from '../../src/config.js'
import { createLogger } from '../../src/logger.js'
import { QueueRegistry } from '../../src/queues/queue-registry.js'
import { DEFAULT_SETTINGS } from '../../src/queues/queue-model.js'
import type { Queue, SendSpec } from '../../src/queues/queue.js'
import { scopeOf } from '../../src/scope.js'
import { LevelStore } from '../../src/storage/level-store.js'
import { RecordWriter } from '../../src/streams/record-writer.js'
import { StreamRegistry } from '../../src/streams/stream-registry.js'
import { TokenSigner } from '../../src/streams/token-signer.js'

const { values: flags } = parseArgs({ options: { disk: { type: 'boolean', default: false }, messages: { type: 'string', default: '200000' }, rss: { type: 'boolean', default: false } } })
const TOTAL = Number(flags.messages)
const BODY = 'x'.repeat(1024)

const dir = await mkdtemp(join(tmpdir(), 'shardline-queue-bench-'))
const config = resolveConfig({ memory: !flags.disk, dataDir: dir, limits: 'off', logLevel: 'silent' })
const log = createLogger('silent')
const store = await LevelStore.open({ location: dir, memory: !flags.disk, sync: false })
const streams = await StreamRegistry.load(store, config, log)
const writer = new RecordWriter(store, config)
const registry = await QueueRegistry.load(store, streams, writer, new TokenSigner(Buffer.alloc(32, 7)), config, log)
const scope = scopeOf(config.accountId, config.region)

function spec (group?: string, dedup?: string): SendSpec {
  return { body: BODY, attributes: [], delaySeconds: 0, senderId: 'bench', groupId: group, deduplicationId: dedup }
}

async function create (name: string, fifo: boolean): Promise<Queue> {
  const settings = { ...DEFAULT_SETTINGS, fifoQueue: fifo, ...(fifo ? { deduplicationScope: 'messageGroup' as const, fifoThroughputLimit: 'perMessageGroupId' as const } : {}) }
  return (await registry.create(scope, name, settings, {})).queue
}

async function produce (queue: Queue, total: number, inFlight: number, fifo: boolean): Promise<void> {
  let next = 0
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (next < total) {
      const base = next
      next += 10
      await queue.send(Array.from({ length: 10 }, (_, i) => (fifo ? spec(`g${(base + i) % 100}`, `d${base + i}`) : spec())))
    }
  }))
}

async function consume (queue: Queue, total: number, consumers: number): Promise<void> {
  let done = 0
  await Promise.all(Array.from({ length: consumers }, async () => {
    while (done < total) {
      const got = await queue.receive({ max: 10, visibilityTimeout: 30, waitSeconds: 1 })
      if (got.length === 0) continue
      await queue.delete(got.map((d) => d.receiptHandle))
      done += got.length
    }
  }))
}

function rate (n: number, ms: number): string {
  return `${Math.round(n / (ms / 1000)).toLocaleString('en-US')} msg/s`
}

const sendQueue = await create('send', false)
let t0 = performance.now()
await produce(sendQueue, TOTAL, 16, false)
console.log(`SendMessageBatch 10 x 1 KiB, 16 in flight: ${rate(TOTAL, performance.now() - t0)}`)

t0 = performance.now()
await consume(sendQueue, TOTAL, 8)
console.log(`8 consumers, receive(10) + delete, backlog of ${TOTAL}: ${rate(TOTAL, performance.now() - t0)}`)

const both = await create('both', false)
t0 = performance.now()
await Promise.all([produce(both, TOTAL, 16, false), consume(both, TOTAL, 8)])
console.log(`standard, producers and 8 consumers together: ${rate(TOTAL, performance.now() - t0)} end to end`)

const fifo = await create('both.fifo', true)
t0 = performance.now()
await Promise.all([produce(fifo, TOTAL, 16, true), consume(fifo, TOTAL, 8)])
console.log(`FIFO, 100 groups, producers and 8 consumers together: ${rate(TOTAL, performance.now() - t0)} end to end`)

if (flags.rss) {
  const big = await create('big', false)
  await produce(big, 1_000_000, 16, false)
  globalThis.gc?.()
  const counts = await big.counts()
  console.log(`1,000,000 ready 1 KiB messages (${counts.visible} visible): RSS ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`)
}

await registry.close()
streams.close()
await store.close()
await rm(dir, { recursive: true, force: true })
