/**
 * Enhanced fan-out at scale: twenty consumers of one shard each get every record in order,
 * and a consumer that stops reading holds up neither the other consumers nor the server's
 * memory (nor, while it holds an unread subscription, the client's).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { StreamClient } from '../client/index.js'
import { startChildServer, type ChildServer } from './helpers/child-server.js'
import { shardId } from './helpers/control-plane.js'
import { startServer, uniqueName } from './helpers/server.js'

const SHARD0 = shardId(0)
const MB = 1024 * 1024

function streamArnOf (streamName: string): string {
  return `arn:aws:kinesis:us-east-1:000000000000:stream/${streamName}`
}

/** Awaits `promise`, failing after `ms` so that a stalled subscription fails the test. */
async function within<T> (ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([promise, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Index of the first difference between two lists of sequence numbers, or -1. */
function firstDifference (a: readonly string[], b: readonly string[]): number {
  const n = Math.max(a.length, b.length)
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i
  return -1
}

function isStrictlyIncreasing (numbers: readonly string[]): boolean {
  // 56-digit sequence numbers of one shard compare as strings.
  return numbers.every((n, i) => i === 0 || numbers[i - 1]! < n)
}

describe('twenty consumers of one shard', () => {
  it('each receive every record, once and in order', async () => {
    const srv = await startServer({ limits: 'off', subscriptionLifetimeMs: 60_000 })
    try {
      const { client } = srv
      const streamName = uniqueName('fanout20')
      await client.createStream({ streamName, shardCount: 1 })
      const consumers: string[] = []
      for (let i = 0; i < 20; i++) {
        consumers.push((await client.registerStreamConsumer({ streamArn: streamArnOf(streamName), consumerName: `c${i}` })).consumer.consumerArn)
      }
      const iterators = consumers.map((consumerArn) => client.subscribeToShard({ consumerArn, shardId: SHARD0, startingPosition: { type: 'LATEST' } })[Symbol.asyncIterator]())
      // Every subscription is live (its first event has arrived) before anything is written.
      for (const it of iterators) expect((await within(5000, 'first event', it.next())).done).toBe(false)

      const total = 2000
      const written: string[] = []
      const reading = iterators.map(async (it, c) => {
        const received: string[] = []
        while (received.length < total) {
          const result = await within(10_000, `consumer ${c} after ${received.length} records`, it.next())
          if (result.done === true) break
          for (const r of result.value.records) {
            expect(r.data.toString()).toBe(`r${received.length}`)
            received.push(r.sequenceNumber)
          }
        }
        await it.return?.()
        return received
      })
      for (let batch = 0; batch < total / 100; batch++) {
        const records = Array.from({ length: 100 }, (_, i) => ({ partitionKey: `k${i}`, data: `r${batch * 100 + i}` }))
        const result = await client.putRecords({ streamName, records })
        expect(result.failedRecordCount).toBe(0)
        written.push(...result.records.map((r) => r.sequenceNumber!))
      }
      const received = await Promise.all(reading)
      for (const [c, numbers] of received.entries()) {
        expect(numbers, `consumer ${c}`).toHaveLength(total)
        expect(isStrictlyIncreasing(numbers), `consumer ${c} in order`).toBe(true)
        expect(firstDifference(numbers, written), `consumer ${c}: first record that differs`).toBe(-1)
      }
    } finally {
      await srv.close()
    }
  })
})

describe('a consumer that stops reading', () => {
  let child: ChildServer
  let client: StreamClient
  let dataDir: string

  beforeAll(async () => {
    // On disk: an in-memory store keeps the data itself in the server's memory.
    dataDir = await mkdtemp(join(tmpdir(), 'shardline-fanout-slow-'))
    child = await startChildServer(['--data', dataDir, '--limits', 'off'])
    client = new StreamClient({ endpoint: child.endpoint })
  })

  afterAll(async () => {
    client?.close()
    if (child !== undefined && child.process.exitCode === null) {
      child.process.kill('SIGTERM')
      await child.exited
    }
    await rm(dataDir, { recursive: true, force: true })
  })

  async function serverRssMb (): Promise<number> {
    const status = await readFile(`/proc/${child.process.pid!}/status`, 'utf8')
    return Number(/VmRSS:\s+(\d+) kB/.exec(status)![1]) / 1024
  }

  function ownRssMb (): number {
    return process.memoryUsage().rss / MB
  }

  const RECORD = Buffer.alloc(2048, 7)

  /** Writes `batches` PutRecords of 500 x 2 KiB (1000 KiB each); returns the sequence numbers. */
  async function write (streamName: string, batches: number, sample?: () => Promise<void>): Promise<string[]> {
    const written: string[] = []
    for (let b = 0; b < batches; b++) {
      const result = await client.putRecords({ streamName, records: Array.from({ length: 500 }, (_, i) => ({ partitionKey: `k${i}`, data: RECORD })) })
      expect(result.failedRecordCount).toBe(0)
      for (const r of result.records) written.push(r.sequenceNumber!)
      if (sample !== undefined && b % 10 === 0) await sample()
    }
    if (sample !== undefined) await sample()
    return written
  }

  async function newStreamWithConsumers (names: string[]): Promise<{ streamName: string, arns: string[] }> {
    const streamName = uniqueName('fanout-slow')
    await client.createStream({ streamName, shardCount: 1 })
    const arns = []
    for (const consumerName of names) arns.push((await client.registerStreamConsumer({ streamArn: streamArnOf(streamName), consumerName })).consumer.consumerArn)
    return { streamName, arns }
  }

  it('stalls only itself: the other consumer gets every record and the server memory stays bounded', async () => {
    const { streamName, arns: [slowArn, fastArn] } = await newStreamWithConsumers(['slow', 'fast'])
    const slow = client.subscribeToShard({ consumerArn: slowArn!, shardId: SHARD0, startingPosition: { type: 'TRIM_HORIZON' } })[Symbol.asyncIterator]()
    // The slow consumer reads the first event and then nothing: grpc-js stops taking data
    // from HTTP/2 once its small read-ahead is full, so the server's writes to it block.
    const first = await within(5000, 'first event of the slow consumer', slow.next())
    expect(first.done).toBe(false)
    expect(first.value!.records).toEqual([])

    const fast = client.subscribeToShard({ consumerArn: fastArn!, shardId: SHARD0, startingPosition: { type: 'TRIM_HORIZON' } })
    const fastNumbers: string[] = []
    const fastDone = (async () => {
      for await (const event of fast) {
        for (const r of event.records) fastNumbers.push(r.sequenceNumber)
      }
    })()

    // A warm-up lets the server's heap and LevelDB's buffers reach their working size first.
    const warmUp = await write(streamName, 50)
    await new Promise((resolve) => setTimeout(resolve, 200))
    const serverBefore = await serverRssMb()
    const ownBefore = ownRssMb()
    let serverPeak = serverBefore
    let ownPeak = ownBefore
    const main = await write(streamName, 300, async () => {
      serverPeak = Math.max(serverPeak, await serverRssMb())
      ownPeak = Math.max(ownPeak, ownRssMb())
    })
    const written = [...warmUp, ...main]
    const giveUp = Date.now() + 30_000
    while (fastNumbers.length < written.length && Date.now() < giveUp) await new Promise((resolve) => setTimeout(resolve, 20))
    fast.cancel()
    await within(5000, 'fast consumer to end after cancel', fastDone)

    // 300 x 1000 KiB were written while the slow consumer held its subscription open.
    expect(serverPeak - serverBefore, `server RSS ${serverBefore.toFixed(0)} -> ${serverPeak.toFixed(0)} MB`).toBeLessThan(150)
    expect(ownPeak - ownBefore, `test process RSS ${ownBefore.toFixed(0)} -> ${ownPeak.toFixed(0)} MB`).toBeLessThan(150)
    expect(fastNumbers).toHaveLength(written.length)
    expect(firstDifference(fastNumbers, written), 'fast consumer: first record that differs').toBe(-1)

    // The slow consumer, reading again, continues from where it stalled: the first record.
    const resumed: string[] = []
    while (resumed.length < 5000) {
      const next = await within(5000, 'slow consumer resuming', slow.next())
      expect(next.done).toBe(false)
      for (const r of next.value!.records) resumed.push(r.sequenceNumber)
    }
    expect(firstDifference(resumed, written.slice(0, resumed.length)), 'slow consumer: first record that differs').toBe(-1)
    await slow.return?.()
  })

  it('does not buffer the stream in the client while a subscription is held without being read', async () => {
    const { streamName, arns: [idleArn] } = await newStreamWithConsumers(['idle'])
    // Subscribed, never iterated: the data must wait at the server, not pile up in this process.
    const idle = client.subscribeToShard({ consumerArn: idleArn!, shardId: SHARD0, startingPosition: { type: 'TRIM_HORIZON' } })
    try {
      await write(streamName, 30)
      await new Promise((resolve) => setTimeout(resolve, 200))
      const ownBefore = ownRssMb()
      let ownPeak = ownBefore
      const written = await write(streamName, 300, async () => { ownPeak = Math.max(ownPeak, ownRssMb()) })
      await new Promise((resolve) => setTimeout(resolve, 500))
      ownPeak = Math.max(ownPeak, ownRssMb())
      expect(written).toHaveLength(150_000)
      expect(ownPeak - ownBefore, `test process RSS ${ownBefore.toFixed(0)} -> ${ownPeak.toFixed(0)} MB while 300 x 1000 KiB were written`).toBeLessThan(150)
    } finally {
      // Leaving the loop ends the subscription. (Ending it any other way while nobody
      // iterates raises an unhandled 'error' in grpc-js; subscribe-to-shard.test.ts covers that.)
      for await (const event of idle) {
        if (event.records.length > 0) break
      }
    }
  })
})
