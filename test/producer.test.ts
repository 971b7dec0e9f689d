/**
 * The batching Producer against a real server: options, record checks, batching bounds,
 * linger, backpressure, errors, retries, flush and close, and per-key order under forced
 * throttling.
 */
import { createServer as createNetServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { Producer, StreamClient, type GetRecordsResponse, type ProducerEvents, type ProducerResult } from '../client/index.js'
import { createServer } from '../src/index.js'
import { startChildServer } from './helpers/child-server.js'
import { recordReaders, SHARD0 } from './helpers/records.js'
import { expectCode, startServer, uniqueName, type TestServer } from './helpers/server.js'

let t: TestServer
const { readShard } = recordReaders(() => t.client)

beforeAll(async () => {
  t = await startServer({ limits: 'off' })
})
afterAll(async () => {
  await t.close()
})

async function createStream (shardCount = 1, server: TestServer = t): Promise<string> {
  const streamName = uniqueName('producer')
  await server.client.createStream({ streamName, shardCount })
  return streamName
}

/** Collects every PutRecords call a producer makes. */
function recordCalls (producer: Producer): Array<ProducerEvents['batch.sent']> {
  const calls: Array<ProducerEvents['batch.sent']> = []
  producer.on('batch.sent', (call) => { calls.push(call) })
  return calls
}

function kib (i: number): Buffer {
  return Buffer.alloc(1024, i % 251)
}

describe('options', () => {
  it('throws a TypeError naming the option for misuse', () => {
    const bad: Array<[object, RegExp]> = [
      [{ stream: 's' }, /endpoint/],
      [{ endpoint: t.endpoint }, /stream/],
      [{ endpoint: t.endpoint, stream: '' }, /stream/],
      [{ endpoint: t.endpoint, stream: 's', maxBatchRecords: 501 }, /maxBatchRecords/],
      [{ endpoint: t.endpoint, stream: 's', maxBatchRecords: 0 }, /maxBatchRecords/],
      [{ endpoint: t.endpoint, stream: 's', maxBatchBytes: 5 * 1024 * 1024 + 1 }, /maxBatchBytes/],
      [{ endpoint: t.endpoint, stream: 's', lingerMs: -1 }, /lingerMs/],
      [{ endpoint: t.endpoint, stream: 's', maxBufferedBytes: 1.5 }, /maxBufferedBytes/],
      [{ endpoint: t.endpoint, stream: 's', maxInFlight: 0 }, /maxInFlight/],
      [{ endpoint: t.endpoint, stream: 's', retry: { maxAttempts: 0 } }, /retry.maxAttempts/],
      [{ endpoint: t.endpoint, stream: 's', retry: { initialBackoffMs: 100, maxBackoffMs: 10 } }, /retry.maxBackoffMs/],
      [{ endpoint: t.endpoint, client: t.client, stream: 's' }, /not both/],
      [{ endpoint: t.endpoint, stream: 's', linger: 5 }, /unknown Producer option\(s\) linger/]
    ]
    for (const [options, message] of bad) {
      // @ts-expect-error deliberately wrong shapes
      expect(() => new Producer(options), JSON.stringify(options)).toThrow(message)
      expect(() => new Producer(options as never)).toThrow(TypeError)
    }
  })
})

describe('record checks', () => {
  it('rejects what the server would refuse with its code, without a call', async () => {
    const stream = await createStream()
    const producer = new Producer({ client: t.client, stream })
    await expectCode(producer.send({ partitionKey: '', data: 'x' }), 'VALIDATION_FAILED')
    await expectCode(producer.send({ partitionKey: 'k'.repeat(257), data: 'x' }), 'VALIDATION_FAILED')
    await expectCode(producer.send({ partitionKey: 'k', data: Buffer.alloc(1024 * 1024) }), 'VALIDATION_FAILED')
    await expectCode(producer.send({ partitionKey: 'k', data: 'x', explicitHashKey: '01' }), 'VALIDATION_FAILED')
    await expectCode(producer.send({ partitionKey: 'k', data: 'x', explicitHashKey: (1n << 128n).toString() }), 'INVALID_HASH_KEY')
    await expect(producer.send({ partitionKey: 'k', data: 42 as unknown as string })).rejects.toThrow(TypeError)
    // The limits are inclusive: 256 characters (counted as code points) and exactly 1 MiB pass.
    const emojiKey = '😀'.repeat(256)
    const atLimit = await producer.send({ partitionKey: emojiKey, data: Buffer.alloc(1024 * 1024 - Buffer.byteLength(emojiKey)) })
    expect(atLimit.shardId).toBe(SHARD0)
    expect(producer.stats().calls).toBe(1)
    await producer.close()
    // A shared client stays open.
    expect((await t.client.describeStreamSummary({ streamName: stream })).streamDescriptionSummary.streamName).toBe(stream)
  })
})

describe('batching', () => {
  it('packs 1,200 sends into calls of at most 500 records', async () => {
    const stream = await createStream()
    const producer = new Producer({ endpoint: t.endpoint, stream, lingerMs: 50 })
    const calls = recordCalls(producer)
    const results = await Promise.all(Array.from({ length: 1200 }, (_, i) => producer.send({ partitionKey: `k${i % 10}`, data: `r${i}` })))
    await producer.close()
    expect(calls.reduce((sum, c) => sum + c.records, 0)).toBe(1200)
    expect(Math.max(...calls.map((c) => c.records))).toBeLessThanOrEqual(500)
    // Three full-ish calls; a fourth at most if a key's records straddle a call.
    expect(calls.length).toBeGreaterThanOrEqual(3)
    expect(calls.length).toBeLessThanOrEqual(5)
    const stored = await readShard(stream)
    expect(stored.length).toBe(1200)
    expect(new Set(results.map((r) => r.sequenceNumber)).size).toBe(1200)
    expect(producer.stats()).toMatchObject({ recordsStored: 1200, recordsFailed: 0, calls: calls.length, bufferedBytes: 0, bufferedRecords: 0 })
  })

  it('keeps every call within maxBatchBytes and maxBatchRecords', async () => {
    const stream = await createStream(2)
    const recordBytes = 1024 + 2
    const producer = new Producer({ endpoint: t.endpoint, stream, maxBatchBytes: 10 * recordBytes, maxBatchRecords: 7, lingerMs: 5 })
    const calls = recordCalls(producer)
    await Promise.all(Array.from({ length: 300 }, (_, i) => producer.send({ partitionKey: `k${i % 10}`, data: kib(i) })))
    await producer.close()
    expect(calls.reduce((sum, c) => sum + c.records, 0)).toBe(300)
    for (const call of calls) {
      expect(call.records).toBeLessThanOrEqual(7)
      expect(call.bytes).toBeLessThanOrEqual(10 * recordBytes)
    }
    expect(calls.length).toBeGreaterThanOrEqual(Math.ceil(300 / 7))

    const bytesBound = new Producer({ endpoint: t.endpoint, stream, maxBatchBytes: 3 * recordBytes, lingerMs: 5 })
    const bytesCalls = recordCalls(bytesBound)
    await Promise.all(Array.from({ length: 30 }, (_, i) => bytesBound.send({ partitionKey: `k${i % 3}`, data: kib(i) })))
    await bytesBound.close()
    expect(Math.max(...bytesCalls.map((c) => c.records))).toBe(3)
    expect(bytesCalls.length).toBe(10)
  })

  it('waits lingerMs for a batch to fill, and flush() does not', async () => {
    const stream = await createStream()
    const producer = new Producer({ client: t.client, stream, lingerMs: 400 })
    const calls = recordCalls(producer)
    const started = Date.now()
    const sends = Array.from({ length: 5 }, (_, i) => producer.send({ partitionKey: `k${i}`, data: 'x' }))
    await Promise.all(sends)
    expect(Date.now() - started).toBeGreaterThanOrEqual(395)
    expect(calls.map((c) => c.records)).toEqual([5])

    const slow = new Producer({ client: t.client, stream, lingerMs: 60_000 })
    const flushedStart = Date.now()
    const pending = slow.send({ partitionKey: 'k', data: 'y' })
    await slow.flush()
    expect(Date.now() - flushedStart).toBeLessThan(10_000)
    await expect(pending).resolves.toMatchObject({ shardId: SHARD0 })
    await Promise.all([producer.close(), slow.close()])
  })
})

describe('backpressure', () => {
  it('holds send() while the buffer is full and lets it in as room frees', async () => {
    const stream = await createStream()
    const recordBytes = 1024 + 2
    const producer = new Producer({ endpoint: t.endpoint, stream, lingerMs: 60_000, maxBufferedBytes: 10 * recordBytes, maxInFlight: 1 })
    let maxBuffered = 0
    producer.on('batch.sent', () => { maxBuffered = Math.max(maxBuffered, producer.stats().bufferedBytes) })
    const sends = Array.from({ length: 25 }, (_, i) => producer.send({ partitionKey: `k${i % 4}`, data: kib(i) }))
    // No answer can have arrived yet: 10 fill the buffer, 15 wait; a full buffer sends at once
    // rather than lingering for a minute.
    expect(producer.stats()).toMatchObject({ bufferedRecords: 10, bufferedBytes: 10 * recordBytes, waitingSends: 15, calls: 1 })
    // Each answer lets waiting sends in; once none wait, the last ones linger until flushed.
    await vi.waitFor(() => { expect(producer.stats().waitingSends).toBe(0) }, { timeout: 20_000 })
    expect(producer.stats().recordsStored).toBeGreaterThanOrEqual(15)
    await producer.flush()
    expect(await Promise.all(sends)).toHaveLength(25)
    expect(maxBuffered).toBeLessThanOrEqual(10 * recordBytes)
    expect(producer.stats()).toMatchObject({ recordsStored: 25, bufferedBytes: 0, waitingSends: 0 })
    const stored = await readShard(stream)
    expect(stored).toHaveLength(25)
    // Per key, the order of sends.
    for (let k = 0; k < 4; k++) {
      expect(stored.filter((r) => r.partitionKey === `k${k}`).map((r) => r.data[0])).toEqual(Array.from({ length: 25 }, (_, i) => i).filter((i) => i % 4 === k))
    }
    await producer.close()
  })

  it('bounds the buffer under a steady stream of sends, without flush', async () => {
    const stream = await createStream()
    const bound = 5 * (1024 + 2)
    const producer = new Producer({ endpoint: t.endpoint, stream, lingerMs: 1, maxBufferedBytes: bound, maxInFlight: 2 })
    let maxBuffered = 0
    let maxWaiting = 0
    producer.on('batch.sent', () => {
      const stats = producer.stats()
      maxBuffered = Math.max(maxBuffered, stats.bufferedBytes)
      maxWaiting = Math.max(maxWaiting, stats.waitingSends)
    })
    const results = await Promise.all(Array.from({ length: 300 }, (_, i) => producer.send({ partitionKey: `k${i % 7}`, data: kib(i) })))
    expect(results).toHaveLength(300)
    expect(maxBuffered).toBeLessThanOrEqual(bound)
    expect(maxWaiting).toBeGreaterThan(0)
    expect((await readShard(stream)).length).toBe(300)
    await producer.close()
  })
})

describe('errors', () => {
  it('rejects every record with the stable code of a non-retriable failure, without retrying', async () => {
    const producer = new Producer({ endpoint: t.endpoint, stream: uniqueName('missing') })
    const results = await Promise.allSettled([producer.send({ partitionKey: 'a', data: '1' }), producer.send({ partitionKey: 'b', data: '2' })])
    for (const r of results) {
      expect(r.status).toBe('rejected')
      const err = (r as PromiseRejectedResult).reason as { code: string, retriable: boolean }
      expect(err.code).toBe('STREAM_NOT_FOUND')
      expect(err.retriable).toBe(false)
    }
    expect(producer.stats()).toMatchObject({ calls: 1, callsFailed: 1, recordsRetried: 0, recordsFailed: 2 })
    await producer.close()
  })

  it('places a record by its explicit hash key', async () => {
    const stream = await createStream(2)
    const producer = new Producer({ endpoint: t.endpoint, stream, lingerMs: 0 })
    const top = ((1n << 128n) - 1n).toString()
    const results = await Promise.all([
      producer.send({ partitionKey: 'same', data: 'low', explicitHashKey: '0' }),
      producer.send({ partitionKey: 'same', data: 'high', explicitHashKey: top })
    ])
    expect(results.map((r) => r.shardId)).toEqual(['shardId-000000000000', 'shardId-000000000001'])
    await producer.close()
  })

  it('names the stream by ARN as well', async () => {
    const stream = await createStream()
    const { streamDescriptionSummary: { streamArn } } = await t.client.describeStreamSummary({ streamName: stream })
    const producer = new Producer({ endpoint: t.endpoint, stream: streamArn })
    await expect(producer.send({ partitionKey: 'a', data: '1' })).resolves.toMatchObject({ shardId: SHARD0 })
    await producer.close()
    expect((await readShard(stream)).map((r) => r.data.toString())).toEqual(['1'])
  })

  it('retries through a server restart (connection refused) and then delivers', async () => {
    const disk = await startServer({ disk: true, limits: 'off' })
    const stream = await createStream(1, disk)
    const port = disk.server.grpcPort
    const dataDir = disk.dataDir!
    disk.client.close()
    await disk.server.close()
    const producer = new Producer({ endpoint: `127.0.0.1:${port}`, stream, lingerMs: 0, retry: { deadlineMs: 45_000, maxBackoffMs: 500 } })
    const sends = [producer.send({ partitionKey: 'a', data: '1' }), producer.send({ partitionKey: 'a', data: '2' })]
    await new Promise((resolve) => setTimeout(resolve, 1_000))
    expect(producer.stats().recordsRetried).toBeGreaterThan(0)
    const again = await createServer({ grpcPort: port, dataDir, logLevel: 'silent', limits: 'off' })
    try {
      const results = await Promise.all(sends)
      expect(results.map((r) => r.shardId)).toEqual([SHARD0, SHARD0])
      const client = new StreamClient({ endpoint: `127.0.0.1:${port}` })
      const { shardIterator } = await client.getShardIterator({ streamName: stream, shardId: SHARD0, shardIteratorType: 'TRIM_HORIZON' })
      const page = await client.getRecords({ shardIterator })
      client.close()
      expect(page.records.map((r) => r.data.toString())).toEqual(['1', '2'])
      expect(producer.stats().callsFailed).toBeGreaterThan(0)
      await producer.close()
    } finally {
      await again.close()
      await disk.close()
    }
  }, 60_000)

  it('gives up after retry.maxAttempts with the last error code', async () => {
    const port = await freePort()
    const producer = new Producer({ endpoint: `127.0.0.1:${port}`, stream: 's', lingerMs: 0, retry: { maxAttempts: 3, initialBackoffMs: 10, maxBackoffMs: 20 } })
    const err = await expectCode(producer.send({ partitionKey: 'a', data: '1' }), 'UNAVAILABLE')
    expect(err.retriable).toBe(true)
    expect(producer.stats()).toMatchObject({ calls: 3, recordsRetried: 2, recordsFailed: 1 })
    await producer.close()
  })

  it('gives up once retry.deadlineMs has passed, however many attempts are left', async () => {
    const port = await freePort()
    const producer = new Producer({ endpoint: `127.0.0.1:${port}`, stream: 's', lingerMs: 0, retry: { maxAttempts: Infinity, deadlineMs: 300, initialBackoffMs: 20, maxBackoffMs: 50 } })
    const started = Date.now()
    await expectCode(producer.send({ partitionKey: 'a', data: '1' }), 'UNAVAILABLE')
    expect(Date.now() - started).toBeGreaterThanOrEqual(300)
    expect(Date.now() - started).toBeLessThan(15_000)
    expect(producer.stats().calls).toBeGreaterThan(1)
    await producer.close()
  })
})

describe('flush and close', () => {
  it('flush settles everything sent before it; close refuses later sends', async () => {
    const stream = await createStream()
    const producer = new Producer({ endpoint: t.endpoint, stream, lingerMs: 1_000 })
    await producer.flush() // nothing pending: at once
    let settled = 0
    const sends = Array.from({ length: 50 }, (_, i) => producer.send({ partitionKey: `k${i % 3}`, data: `${i}` }).then(() => { settled++ }))
    await producer.flush()
    expect(settled).toBe(50)
    await Promise.all(sends)
    const closing = producer.close()
    expect(producer.close()).toBe(closing)
    await closing
    const err = await expectCode(producer.send({ partitionKey: 'k', data: 'late' }), 'CANCELLED')
    expect(err.message).toMatch(/closed/)
    expect(err.retriable).toBe(false)
    expect((await readShard(stream)).length).toBe(50)
  })

  it('close waits for the buffered records, including ones waiting for room', async () => {
    const stream = await createStream()
    const producer = new Producer({ endpoint: t.endpoint, stream, lingerMs: 60_000, maxBufferedBytes: 4 * 1026 })
    const sends = Array.from({ length: 12 }, (_, i) => producer.send({ partitionKey: 'k', data: kib(i) }))
    await producer.close()
    const results = await Promise.all(sends)
    expect(results).toHaveLength(12)
    expect((await readShard(stream)).map((r) => r.data[0])).toEqual(Array.from({ length: 12 }, (_, i) => i))
  })
})

describe('Producer ordering', () => {
  it('keeps each key in send order on a throttled shard (--limits aws, 1 shard)', async () => {
    const child = await startChildServer(['--memory', '--limits', 'aws'])
    const client = new StreamClient({ endpoint: child.endpoint })
    try {
      const streamName = uniqueName('order')
      await client.createStream({ streamName, shardCount: 1 })
      const producer = new Producer({ client, stream: streamName, lingerMs: 5, maxInFlight: 8 })
      const keys = 40
      const total = 5_000
      const results: ProducerResult[] = []
      const started = Date.now()
      // All sends at once: far above the shard's 1,000 records/s.
      const sends = Array.from({ length: total }, (_, i) => producer.send({ partitionKey: `key-${i % keys}`, data: `${i % keys}:${Math.floor(i / keys)}` }).then((r) => { results[i] = r }))
      await Promise.all(sends)
      const elapsedMs = Date.now() - started
      await producer.close()
      const stats = producer.stats()
      expect(stats.recordsThrottled).toBeGreaterThan(0)
      expect(stats.recordsRetried).toBeGreaterThan(0)
      expect(stats).toMatchObject({ recordsStored: total, recordsFailed: 0 })
      // 5,000 records at 1,000/s cannot take much less than 4 s: the shard really throttled.
      expect(elapsedMs).toBeGreaterThan(3_500)

      const { shardIterator } = await client.getShardIterator({ streamName, shardId: SHARD0, shardIteratorType: 'TRIM_HORIZON' })
      const stored: string[] = []
      let iterator: string | undefined = shardIterator
      while (iterator !== undefined && stored.length < total + 1) {
        // The read limit is 5 calls/s; a throttled read is retried after a pause.
        const page: GetRecordsResponse | undefined = await client.getRecords({ shardIterator: iterator }).catch(async (err: { code?: string }) => {
          if (err.code !== 'THROUGHPUT_EXCEEDED') throw err
          await new Promise((resolve) => setTimeout(resolve, 300))
          return undefined
        })
        if (page === undefined) continue
        stored.push(...page.records.map((r) => r.data.toString()))
        if (page.records.length === 0 && page.millisBehindLatest === 0) break
        iterator = page.nextShardIterator
      }
      expect(stored).toHaveLength(total)
      const perKey = new Map<string, number[]>()
      for (const text of stored) {
        const [key, n] = text.split(':')
        perKey.set(key!, [...(perKey.get(key!) ?? []), Number(n)])
      }
      expect(perKey.size).toBe(keys)
      for (const [key, ns] of perKey) {
        expect(ns, `key ${key}`).toEqual(Array.from({ length: total / keys }, (_, n) => n))
      }
      // What send() resolved with agrees: each key's sequence numbers rise in send order.
      for (let i = keys; i < total; i++) {
        expect(results[i]!.sequenceNumber > results[i - keys]!.sequenceNumber, `send ${i}`).toBe(true)
      }
    } finally {
      client.close()
      child.process.kill('SIGTERM')
      await child.exited
    }
  }, 90_000)
})

function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createNetServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 0))
    })
  })
}
