/**
 * Durability of the deliveries that do not go to queues. The outbox survives a restart
 * and SIGKILL: every acknowledged publish appears exactly once for an sms subscription,
 * since the outbox entry and the subscription's cursor are one LevelDB batch; it keeps
 * the newest 10,000 entries of an account and region. HTTP subscriptions are at least
 * once, and Lambda ones too: SIGKILL while the subscriber is slow and failing, then a
 * restart, and every acknowledged publish has been POSTed (the cursor moves only once a
 * message is settled).
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { afterEach, describe, expect, it } from 'vitest'
import { TopicClient } from '../client/index.js'
import { startChildServer, type ChildServer } from './helpers/child-server.js'
import { produce, startTopicServer } from './helpers/topics.js'

let dirs: string[] = []
afterEach(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
  dirs = []
})

async function tempDir (): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'shardline-topic-crash-'))
  dirs.push(dir)
  return dir
}

async function kill (child: ChildServer): Promise<void> {
  child.process.kill('SIGKILL')
  await child.exited
}

describe('the outbox across restarts', () => {
  it('keeps subscription and direct deliveries over a clean restart', async () => {
    const dataDir = await tempDir()
    let s = await startTopicServer({ dataDir })
    const { topicArn } = await s.topics.createTopic({ name: 'boxed' })
    await s.topics.subscribe({ topicArn, protocol: 'sms', endpoint: '+15550001111' })
    const { messageId } = await s.topics.publish({ topicArn, message: 'before restart', subject: 'S' })
    await s.topics.publish({ phoneNumber: '+15550002222', message: 'direct' })
    await expect.poll(async () => (await s.topics.listOutbox({ topicArn })).entries.length).toBe(1)
    const before = (await s.topics.listOutbox()).entries
    await s.close()

    s = await startTopicServer({ dataDir })
    try {
      expect((await s.topics.listOutbox()).entries).toEqual(before)
      expect((await s.topics.listOutbox({ topicArn })).entries).toMatchObject([{ messageId, body: 'before restart', subject: 'S', endpoint: '+15550001111' }])
      await s.topics.publish({ topicArn, message: 'after restart' })
      await expect.poll(async () => (await s.topics.listOutbox({ topicArn })).entries.map((e) => e.body)).toEqual(['before restart', 'after restart'])
      const overHttp = await (await fetch(`${s.httpOrigin}/_shardline/sns/outbox?endpoint=${encodeURIComponent('+15550002222')}`)).json() as { entries: Array<{ body: string }> }
      expect(overHttp.entries.map((e) => e.body)).toEqual(['direct'])
    } finally {
      await s.close()
    }
  })

  it('keeps the newest 10,000 entries of an account and region, on disk too', async () => {
    const dataDir = await tempDir()
    let s = await startTopicServer({ dataDir })
    const { topicArn } = await s.topics.createTopic({ name: 'bounded' })
    await s.topics.subscribe({ topicArn, protocol: 'sms', endpoint: '+15550003333' })
    const batches = Array.from({ length: 1005 }, (_, b) => Array.from({ length: 10 }, (_, i) => ({ id: `e${i}`, message: `m${b * 10 + i}` })))
    for (let b = 0; b < batches.length; b += 8) {
      await Promise.all(batches.slice(b, b + 8).map((entries) => s.topics.publishBatch({ topicArn, publishBatchRequestEntries: entries })))
    }
    const read = async (): Promise<string[]> => ((await (await fetch(`${s.httpOrigin}/_shardline/sns/outbox?topicArn=${encodeURIComponent(topicArn)}`)).json()) as { entries: Array<{ body: string }> }).entries.map((e) => e.body)
    await expect.poll(async () => (await read()).at(-1), { timeout: 20_000 }).toBe('m10049')
    const kept = await read()
    expect(kept).toHaveLength(10_000)
    expect(kept[0]).toBe('m50')
    await s.close()

    s = await startTopicServer({ dataDir })
    try {
      expect(await read()).toEqual(kept)
    } finally {
      await s.close()
    }
  }, 60_000)
})

describe('SIGKILL during deliveries', () => {
  it('puts every acknowledged publish in the outbox exactly once', async () => {
    const dataDir = await tempDir()
    let child = await startChildServer(['--data', dataDir, '--limits', 'off'])
    let topics = new TopicClient({ endpoint: child.endpoint, deadlineMs: 5000 })
    const { topicArn } = await topics.createTopic({ name: 'crash-box' })
    await topics.subscribe({ topicArn, protocol: 'sms', endpoint: '+15550004444' })
    const { acked, tried, stop } = produce(topics, topicArn)
    while (acked.size < 600) await sleep(20)
    await kill(child)
    await stop()
    topics.close()

    child = await startChildServer(['--data', dataDir, '--limits', 'off'])
    topics = new TopicClient({ endpoint: child.endpoint, deadlineMs: 5000 })
    try {
      // Delivery resumes at the cursor: wait until every acknowledged publish is in.
      const counts = async (): Promise<Map<string, number>> => {
        const seen = new Map<string, number>()
        for (const e of (await topics.listOutbox({ topicArn })).entries) seen.set(e.body, (seen.get(e.body) ?? 0) + 1)
        return seen
      }
      await expect.poll(async () => {
        const seen = await counts()
        return [...acked].filter((m) => !seen.has(m)).length
      }, { timeout: 10_000, interval: 200 }).toBe(0)
      await sleep(300)
      const seen = await counts()
      for (const body of acked) expect(seen.get(body), body).toBe(1)
      for (const [body, count] of seen) {
        expect(tried.has(body)).toBe(true)
        expect(count, body).toBe(1)
      }
    } finally {
      topics.close()
      child.process.kill('SIGTERM')
      await child.exited
    }
  }, 60_000)

  it('POSTs every acknowledged publish at least once to a slow, failing HTTP subscriber and Lambda handler', async () => {
    // Per path: /hook (raw HTTP deliveries) and /lambda (the SNS event); bodies delivered.
    const got = { '/hook': new Map<string, number>(), '/lambda': new Map<string, number>() }
    let requests = 0
    let confirmation: { SubscribeURL: string } | undefined
    const hook: Server = createServer((req, res) => {
      let body = ''
      req.on('data', (c: Buffer) => { body += c.toString('utf8') })
      req.on('end', () => {
        if (req.headers['x-amz-sns-message-type'] === 'SubscriptionConfirmation') {
          confirmation = JSON.parse(body) as { SubscribeURL: string }
          res.end()
          return
        }
        // Every third request fails (retried), every answer takes 5 ms.
        const fail = ++requests % 3 === 0
        const path = req.url as keyof typeof got
        const message = path === '/lambda' ? (JSON.parse(body) as { Records: Array<{ Sns: { Message: string } }> }).Records[0]!.Sns.Message : body
        if (!fail) got[path].set(message, (got[path].get(message) ?? 0) + 1)
        setTimeout(() => { res.statusCode = fail ? 503 : 200; res.end() }, 5)
      })
    })
    await new Promise<void>((resolve) => hook.listen(0, '127.0.0.1', resolve))
    const origin = `http://127.0.0.1:${(hook.address() as AddressInfo).port}`
    const args = ['--data', await tempDir(), '--limits', 'off', '--lambda-endpoint', `crashfn=${origin}/lambda`]
    let child = await startChildServer(args)
    let topics = new TopicClient({ endpoint: child.endpoint, deadlineMs: 5000 })
    try {
      const { topicArn } = await topics.createTopic({ name: 'crash-http' })
      const policy = JSON.stringify({ healthyRetryPolicy: { minDelayTarget: 1, maxDelayTarget: 1, numRetries: 3, numNoDelayRetries: 3, backoffFunction: 'linear' } })
      await topics.subscribe({ topicArn, protocol: 'http', endpoint: `${origin}/hook`, attributes: { RawMessageDelivery: 'true', DeliveryPolicy: policy } })
      await topics.subscribe({ topicArn, protocol: 'lambda', endpoint: 'arn:aws:lambda:us-east-1:000000000000:function:crashfn', attributes: { DeliveryPolicy: policy } })
      await expect.poll(() => confirmation).toBeDefined()
      expect((await fetch(confirmation!.SubscribeURL)).status).toBe(200)
      const { acked, stop } = produce(topics, topicArn)
      while (acked.size < 300) await sleep(20)
      await kill(child)
      await stop()
      topics.close()
      const missing = (path: keyof typeof got): number => [...acked].filter((m) => !got[path].has(m)).length
      // Both were behind: some acknowledged publishes were not delivered yet.
      expect(missing('/hook')).toBeGreaterThan(0)
      expect(missing('/lambda')).toBeGreaterThan(0)

      child = await startChildServer(args)
      topics = new TopicClient({ endpoint: child.endpoint, deadlineMs: 5000 })
      await expect.poll(() => missing('/hook') + missing('/lambda'), { timeout: 40_000, interval: 200 }).toBe(0)
    } finally {
      topics.close()
      child.process.kill('SIGTERM')
      await child.exited
      await new Promise((resolve) => hook.close(resolve))
    }
  }, 90_000)
})
