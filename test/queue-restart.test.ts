/**
 * Restarts: a queue comes back exactly as it was (counts, messages in flight and their
 * handles, receive counts, delays, FIFO groups and deduplication), from its snapshot and
 * the events after it, never from a full replay. Big sizes run with SHARDLINE_BIG_QUEUE=1
 * (1,000,000 ready messages and 10,000 in flight); the default is small and quick.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { QueueClient } from '../client/index.js'
import { LevelStore } from '../src/storage/level-store.js'
import type { QueueSnapshot } from '../src/queues/queue-snapshot.js'
import { ManualClock } from './helpers/server.js'
import { startQueueServer, type QueueTestServer } from './helpers/queues.js'

const BIG = process.env.SHARDLINE_BIG_QUEUE === '1'

let dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
  dirs = []
})

async function tempDir (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shardline-queue-restart-'))
  dirs.push(dir)
  return dir
}

async function counts (client: QueueClient, queueUrl: string): Promise<[number, number, number]> {
  const { attributes: a } = await client.getQueueAttributes({ queueUrl, attributeNames: ['All'] })
  return [Number(a.ApproximateNumberOfMessages), Number(a.ApproximateNumberOfMessagesNotVisible), Number(a.ApproximateNumberOfMessagesDelayed)]
}

async function sendMany (client: QueueClient, queueUrl: string, count: number, prefix: string): Promise<void> {
  const body = 'x'.repeat(BIG ? 1000 : 50)
  const calls: Array<Promise<unknown>> = []
  for (let i = 0; i < count; i += 10) {
    calls.push(client.sendMessageBatch({ queueUrl, entries: Array.from({ length: Math.min(10, count - i) }, (_, j) => ({ id: `e${j}`, messageBody: `${prefix}-${i + j}-${body}` })) }))
    if (calls.length >= 32) await Promise.all(calls.splice(0))
  }
  await Promise.all(calls)
}

/** Reads a queue's snapshot document straight from the store, with the server closed. */
async function withStore<T> (dataDir: string, fn: (store: LevelStore) => Promise<T>): Promise<T> {
  const store = await LevelStore.open({ location: dataDir, memory: false, sync: false })
  try {
    return await fn(store)
  } finally {
    await store.close()
  }
}

describe('restart', () => {
  it('brings every kind of message state back exactly', async () => {
    const dataDir = await tempDir()
    const clock = new ManualClock()
    let t: QueueTestServer = await startQueueServer({ dataDir, clock: clock.now, limits: 'off' })
    const { queueUrl } = await t.queues.createQueue({ queueName: 'state', attributes: { VisibilityTimeout: '60' } })
    await sendMany(t.queues, queueUrl, 50, 'm')
    const inFlight = (await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 10 })).messages
    for (const m of inFlight.slice(0, 3)) await t.queues.deleteMessage({ queueUrl, receiptHandle: m.receiptHandle })
    const returned = (await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 5, visibilityTimeout: 0 })).messages
    await t.queues.sendMessage({ queueUrl, messageBody: 'delayed', delaySeconds: 300 })
    const fifo = (await t.queues.createQueue({ queueName: 'state.fifo', attributes: { FifoQueue: 'true' } })).queueUrl
    const original = await t.queues.sendMessage({ queueUrl: fifo, messageBody: 'g1', messageGroupId: 'g', messageDeduplicationId: 'd1' })
    await t.queues.sendMessage({ queueUrl: fifo, messageBody: 'g2', messageGroupId: 'g', messageDeduplicationId: 'd2' })
    await t.queues.receiveMessage({ queueUrl: fifo })
    const before = await counts(t.queues, queueUrl)
    expect(before).toEqual([40, 7, 1])
    await t.close()

    t = await startQueueServer({ dataDir, clock: clock.now, limits: 'off' })
    try {
      expect(await counts(t.queues, queueUrl)).toEqual(before)
      const again = (await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 10, attributeNames: ['ApproximateReceiveCount'] })).messages
      const returnedIds = new Set(returned.map((m) => m.messageId))
      expect(again.filter((m) => returnedIds.has(m.messageId)).map((m) => m.attributes.ApproximateReceiveCount)).toEqual(['2', '2', '2', '2', '2'])
      expect(again.some((m) => inFlight.some((f) => f.messageId === m.messageId))).toBe(false)
      // Handles issued before the restart still work.
      await t.queues.deleteMessage({ queueUrl, receiptHandle: inFlight[3]!.receiptHandle })
      await t.queues.changeMessageVisibility({ queueUrl, receiptHandle: inFlight[4]!.receiptHandle, visibilityTimeout: 0 })
      expect((await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 10 })).messages.map((m) => m.messageId)).toContain(inFlight[4]!.messageId)
      // FIFO: the group is still blocked and the deduplication id still known.
      expect((await t.queues.receiveMessage({ queueUrl: fifo })).messages).toEqual([])
      expect((await t.queues.sendMessage({ queueUrl: fifo, messageBody: 'dup', messageGroupId: 'g', messageDeduplicationId: 'd1' })).messageId).toBe(original.messageId)
      clock.advance(300_000)
      expect((await counts(t.queues, queueUrl))[2]).toBe(0)
    } finally {
      await t.close()
    }
  })

  it('comes back from its snapshot: with the state log it covers gone, nothing is lost', async () => {
    const dataDir = await tempDir()
    const clock = new ManualClock()
    const ready = BIG ? 1_000_000 : 3000
    const inFlight = BIG ? 10_000 : 200
    let t: QueueTestServer = await startQueueServer({ dataDir, clock: clock.now, limits: 'off' })
    const { queueUrl } = await t.queues.createQueue({ queueName: 'backlog', attributes: { VisibilityTimeout: '600' } })
    await sendMany(t.queues, queueUrl, ready + inFlight, 'b')
    const handles: string[] = []
    while (handles.length < inFlight) handles.push(...(await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 10 })).messages.map((m) => m.receiptHandle))
    const before = await counts(t.queues, queueUrl)
    expect(before).toEqual([ready, inFlight, 0])
    await t.close()

    // The snapshot covers every event; remove them all (and the log's numbering with them).
    const [logId, snapshot] = await withStore(dataDir, async (store) => {
      const [entry] = await store.listDocuments<{ logStreamId: number, messageStreamId: number }>('queue/')
      const doc = entry?.[1]
      const snap = await store.getDocument<QueueSnapshot>(`queue-snapshot/${doc!.messageStreamId}`)
      return [doc!.logStreamId, snap] as const
    })
    expect(snapshot).toBeDefined()
    expect(snapshot!.log).not.toBeNull()
    await withStore(dataDir, async (store) => {
      await store.trimRecords(logId, 0, snapshot!.log![0] + 1)
      expect(await store.lastPosition(logId, 0)).toBeUndefined()
    })

    const started = performance.now()
    t = await startQueueServer({ dataDir, clock: clock.now, limits: 'off' })
    try {
      const first = await t.queues.receiveMessage({ queueUrl })
      const elapsed = performance.now() - started
      expect(first.messages).toHaveLength(1)
      if (BIG) {
        console.log(`restart with ${ready} ready and ${inFlight} in flight: first receive after ${elapsed.toFixed(0)} ms`)
        expect(elapsed).toBeLessThan(5000)
      }
      expect(await counts(t.queues, queueUrl)).toEqual([ready - 1, inFlight + 1, 0])
      // New events continue the log after the snapshot's position.
      await t.queues.deleteMessage({ queueUrl, receiptHandle: handles[0]! })
      await t.queues.deleteMessage({ queueUrl, receiptHandle: first.messages[0]!.receiptHandle })
      expect(await counts(t.queues, queueUrl)).toEqual([ready - 1, inFlight - 1, 0])
    } finally {
      await t.close()
    }
    t = await startQueueServer({ dataDir, clock: clock.now, limits: 'off' })
    try {
      expect(await counts(t.queues, queueUrl)).toEqual([ready - 1, inFlight - 1, 0])
    } finally {
      await t.close()
    }
  }, BIG ? 900_000 : 60_000)

  it('keeps numbering messages after retention emptied the stream (no counter restarts below the state)', async () => {
    const dataDir = await tempDir()
    const clock = new ManualClock()
    let t: QueueTestServer = await startQueueServer({ dataDir, clock: clock.now })
    const { queueUrl } = await t.queues.createQueue({ queueName: 'short', attributes: { MessageRetentionPeriod: '60' } })
    await sendMany(t.queues, queueUrl, 20, 'old')
    for (const m of (await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 10 })).messages) await t.queues.deleteMessage({ queueUrl, receiptHandle: m.receiptHandle })
    clock.advance(61_000)
    await t.server.trimNow()
    await t.close()
    t = await startQueueServer({ dataDir, clock: clock.now })
    try {
      expect(await counts(t.queues, queueUrl)).toEqual([0, 0, 0])
      await t.queues.sendMessage({ queueUrl, messageBody: 'new' })
      expect(await counts(t.queues, queueUrl)).toEqual([1, 0, 0])
      const [m] = (await t.queues.receiveMessage({ queueUrl })).messages
      expect(m!.body).toBe('new')
      await t.queues.deleteMessage({ queueUrl, receiptHandle: m!.receiptHandle })
      expect(await counts(t.queues, queueUrl)).toEqual([0, 0, 0])
    } finally {
      await t.close()
    }
  })
})
