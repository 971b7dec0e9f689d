/**
 * The client commands against a real server: `tail` follows every shard live and goes on
 * into the children of a split, with its decodings; `queues` lists queues with their
 * counts, `topics` topics with theirs; `export` and `import` move a stream through newline-delimited JSON, keeping
 * each partition key's order. The commands run in this process (their exported
 * functions, as main.ts calls them), and once each as a user runs them, in a child
 * process, where the progress bar is drawn (--progress) and the exit codes are checked.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { QueueClient, TopicClient } from '../client/index.js'
import { queuesCommand } from '../src/cli/queues-command.js'
import { decodeData, formatRecord } from '../src/cli/record-format.js'
import { exportCommand, importCommand, type ExportedRecord } from '../src/cli/stream-transfer.js'
import { tailCommand } from '../src/cli/tail-command.js'
import { topicsCommand } from '../src/cli/topics-command.js'
import { runCli } from './helpers/child-server.js'
import { shardId } from './helpers/control-plane.js'
import { startServer, uniqueName, type TestServer } from './helpers/server.js'

const HALF = 1n << 127n

let t: TestServer
let dir: string
beforeAll(async () => {
  t = await startServer()
  dir = await mkdtemp(join(tmpdir(), 'shardline-cli-'))
})
afterAll(async () => {
  await t.close()
  await rm(dir, { recursive: true, force: true })
})

function io (): { stdout: PassThrough, stderr: PassThrough, text: () => string, signal: AbortSignal } {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let text = ''
  stdout.setEncoding('utf8').on('data', (chunk: string) => { text += chunk })
  stderr.resume()
  return { stdout, stderr, text: () => text, signal: new AbortController().signal }
}

describe('record decodings', () => {
  it('shows data as text, compact JSON, hex or base64, and escapes control characters', () => {
    const json = Buffer.from('{ "a": [1, 2] }')
    expect(decodeData(json, 'json')).toBe('{"a":[1,2]}')
    expect(decodeData(Buffer.from('no json'), 'json')).toBe('(not JSON) no json')
    expect(decodeData(Buffer.from([0xde, 0xad]), 'hex')).toBe('dead')
    expect(decodeData(Buffer.from('hi'), 'base64')).toBe('aGk=')
    expect(decodeData(Buffer.from('a\nb\u001b[2J'), 'text')).toBe('a\\nb\\u001b[2J')
    const line = formatRecord({ shardId: shardId(1), sequenceNumber: '123', partitionKey: 'k 1', approximateArrivalTimestamp: Date.UTC(2026, 0, 1), data: Buffer.from('x') }, 'text')
    expect(line).toBe('2026-01-01T00:00:00.000Z  shardId-000000000001  "k 1"  123  x')
  })
})

describe('shardline tail', () => {
  it('follows all shards live and goes on into the children of a split', async () => {
    const streamName = uniqueName('tail')
    await t.client.createStream({ streamName, shardCount: 2 })
    const lines: string[] = []
    const tail = tailCommand([streamName, '--endpoint', t.endpoint, '--from', 'trim-horizon', '--max', '6', '--poll-ms', '200'], (line) => lines.push(line), new AbortController().signal)
    await t.client.putRecords({ streamName, records: [{ partitionKey: 'a', data: Buffer.from('one'), explicitHashKey: '0' }, { partitionKey: 'b', data: Buffer.from('two'), explicitHashKey: HALF.toString() }] })
    // Wait for the tail to have printed them, so the split happens while it follows.
    for (let i = 0; i < 100 && lines.length < 2; i++) await new Promise((resolve) => setTimeout(resolve, 50))
    expect(lines).toHaveLength(2)
    await t.client.splitShard({ streamName, shardToSplit: shardId(0), newStartingHashKey: (HALF / 2n).toString() })
    await t.client.putRecords({
      streamName,
      records: [
        { partitionKey: 'a', data: Buffer.from('low child'), explicitHashKey: '1' },
        { partitionKey: 'a', data: Buffer.from('high child'), explicitHashKey: (HALF / 2n + 1n).toString() },
        { partitionKey: 'b', data: Buffer.from('three'), explicitHashKey: HALF.toString() },
        { partitionKey: 'b', data: Buffer.from('four'), explicitHashKey: HALF.toString() }
      ]
    })
    await tail
    expect(lines).toHaveLength(6)
    const byShard = (id: string): string[] => lines.filter((l) => l.includes(`  ${id}  `)).map((l) => l.trimEnd().split('  ').at(-1)!)
    expect(byShard(shardId(0))).toEqual(['one'])
    expect(byShard(shardId(1))).toEqual(['two', 'three', 'four'])
    expect(byShard(shardId(2))).toEqual(['low child'])
    expect(byShard(shardId(3))).toEqual(['high child'])
  })

  it('starts at the newest record by default and decodes as asked', async () => {
    const streamName = uniqueName('tail-latest')
    await t.client.createStream({ streamName, shardCount: 1 })
    await t.client.putRecord({ streamName, partitionKey: 'k', data: Buffer.from('old') })
    const lines: string[] = []
    const tail = tailCommand([streamName, '--endpoint', t.endpoint, '--decode', 'hex', '--max', '1'], (line) => lines.push(line), new AbortController().signal)
    // LATEST is taken when the tail starts: keep putting until it prints one.
    for (let i = 0; i < 50 && lines.length === 0; i++) {
      await t.client.putRecord({ streamName, partitionKey: 'k', data: Buffer.from('new') })
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await tail
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/ {2}6e6577\n$/)
  })

  it('stops when its signal aborts, and refuses bad flags and missing streams', async () => {
    const streamName = uniqueName('tail-stop')
    await t.client.createStream({ streamName, shardCount: 1 })
    const stop = new AbortController()
    const tail = tailCommand([streamName, '--endpoint', t.endpoint], () => {}, stop.signal)
    setTimeout(() => stop.abort(), 300)
    await expect(tail).resolves.toBeUndefined()
    await expect(tailCommand([streamName, '--decode', 'yaml'], () => {}, stop.signal)).rejects.toThrow("tail: --decode must be one of text, json, hex, base64, got 'yaml'")
    await expect(tailCommand([uniqueName('none'), '--endpoint', t.endpoint], () => {}, stop.signal)).rejects.toThrow(/not found/)
  })
})

describe('shardline queues', () => {
  it('lists queues with their visible, in-flight and delayed counts and dead-letter queue', async () => {
    const queues = new QueueClient({ endpoint: t.endpoint })
    try {
      const prefix = uniqueName('cliq')
      const dlq = (await queues.createQueue({ queueName: `${prefix}-dlq` })).queueUrl
      const dlqArn = (await queues.getQueueAttributes({ queueUrl: dlq, attributeNames: ['QueueArn'] })).attributes.QueueArn!
      const work = (await queues.createQueue({ queueName: `${prefix}-work`, attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 }) } })).queueUrl
      for (const body of ['a', 'b', 'c']) await queues.sendMessage({ queueUrl: work, messageBody: body })
      await queues.sendMessage({ queueUrl: work, messageBody: 'later', delaySeconds: 120 })
      await queues.receiveMessage({ queueUrl: work, visibilityTimeout: 60 })
      const out = await queuesCommand(['--endpoint', t.endpoint, '--prefix', prefix])
      const [header, ...rows] = out.trimEnd().split('\n')
      expect(header).toMatch(/^QUEUE\s+VISIBLE\s+IN FLIGHT\s+DELAYED\s+TYPE\s+DEAD-LETTER QUEUE$/)
      expect(rows).toHaveLength(2)
      expect(rows[0]!.split(/\s{2,}/)).toEqual([`${prefix}-dlq`, '0', '0', '0', 'standard', '-'])
      expect(rows[1]!.split(/\s{2,}/)).toEqual([`${prefix}-work`, '2', '1', '1', 'standard', `${prefix}-dlq after 3 receives`])
      expect(await queuesCommand(['--endpoint', t.endpoint, '--prefix', uniqueName('nothing')])).toBe('no queues\n')
    } finally {
      queues.close()
    }
  })
})

describe('shardline export and import', () => {
  it('moves a resharded stream through NDJSON, each partition key in order', async () => {
    const source = uniqueName('export')
    await t.client.createStream({ streamName: source, shardCount: 2 })
    const sent: Array<{ partitionKey: string, data: string }> = []
    const put = async (n: number): Promise<void> => {
      const records = Array.from({ length: n }, (_, i) => ({ partitionKey: `key-${i % 7}`, data: Buffer.from(`${sent.length + i}:${'x'.repeat(i % 50)}`) }))
      await t.client.putRecords({ streamName: source, records })
      sent.push(...records.map((r) => ({ partitionKey: r.partitionKey, data: r.data.toString() })))
    }
    await put(300)
    await t.client.splitShard({ streamName: source, shardToSplit: shardId(1), newStartingHashKey: (HALF + HALF / 2n).toString() })
    await put(300)
    const file = join(dir, 'export.ndjson')
    const out = io()
    expect(await exportCommand([source, '--endpoint', t.endpoint, '--out', file], out)).toBe(`exported 600 records of ${source} to ${file}\n`)
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n').map((l) => JSON.parse(l) as ExportedRecord)
    expect(lines).toHaveLength(600)
    expect(Object.keys(lines[0]!).sort()).toEqual(['approximateArrivalTimestamp', 'data', 'partitionKey', 'sequenceNumber', 'shardId'])
    const perKey = (records: ReadonlyArray<{ partitionKey: string, data: string }>): Map<string, string[]> => {
      const map = new Map<string, string[]>()
      for (const r of records) map.set(r.partitionKey, [...(map.get(r.partitionKey) ?? []), r.data])
      return map
    }
    expect(perKey(lines.map((l) => ({ partitionKey: l.partitionKey, data: Buffer.from(l.data, 'base64').toString() })))).toEqual(perKey(sent))
    // A parent's lines come before its children's.
    const firstOf = (id: string): number => lines.findIndex((l) => l.shardId === id)
    expect(firstOf(shardId(1))).toBeLessThan(firstOf(shardId(2)))

    const target = uniqueName('import')
    await t.client.createStream({ streamName: target, shardCount: 1 })
    expect(await importCommand([target, file, '--endpoint', t.endpoint], io())).toBe(`imported 600 records into ${target}\n`)
    const again = io()
    await exportCommand([target, '--endpoint', t.endpoint], again)
    const imported = again.text().trimEnd().split('\n').map((l) => JSON.parse(l) as ExportedRecord)
    expect(imported.map((l) => [l.partitionKey, Buffer.from(l.data, 'base64').toString()])).toEqual(lines.map((l) => [l.partitionKey, Buffer.from(l.data, 'base64').toString()]))
  })

  it('refuses a file with a bad line, naming the line, and imports nothing of it', async () => {
    const target = uniqueName('import-bad')
    await t.client.createStream({ streamName: target, shardCount: 1 })
    const file = join(dir, 'bad.ndjson')
    await writeFile(file, `{"partitionKey":"k","data":"${Buffer.from('fine').toString('base64')}"}\n\n{"partitionKey":"k"}\n`)
    await expect(importCommand([target, file, '--endpoint', t.endpoint], io())).rejects.toThrow(`import: ${file} line 3 needs "partitionKey" (a non-empty string) and "data" (base64), as export writes them`)
    const { streamDescriptionSummary: summary } = await t.client.describeStreamSummary({ streamName: target })
    const { shardIterator } = await t.client.getShardIterator({ streamName: target, shardId: shardId(0), shardIteratorType: 'TRIM_HORIZON' })
    expect(summary.openShardCount).toBe(1)
    expect((await t.client.getRecords({ shardIterator: shardIterator! })).records).toEqual([])
    await writeFile(file, 'not json\n')
    await expect(importCommand([target, file, '--endpoint', t.endpoint], io())).rejects.toThrow(`import: ${file} line 1 is not JSON`)
    await expect(importCommand([target, join(dir, 'missing.ndjson'), '--endpoint', t.endpoint], io())).rejects.toThrow(/import: cannot read .*missing\.ndjson/)
    await writeFile(file, `{"partitionKey":"k","data":"${Buffer.from('fine').toString('base64')}"}\n`)
    await expect(importCommand([uniqueName('none'), file, '--endpoint', t.endpoint], io())).rejects.toThrow(/not found/)
  })
})

describe('as a user runs them', () => {
  it('draws a progress bar with --progress, tails until --max, and exits 0', async () => {
    const streamName = uniqueName('cli-run')
    const tailed = uniqueName('cli-tail')
    await t.client.createStream({ streamName, shardCount: 1 })
    await t.client.createStream({ streamName: tailed, shardCount: 1 })
    await t.client.putRecords({ streamName: tailed, records: ['r0', 'r1', 'r2', 'r3'].map((r) => ({ partitionKey: 'k', data: Buffer.from(r) })) })
    const file = join(dir, 'run.ndjson')
    await writeFile(file, Array.from({ length: 50 }, (_, i) => JSON.stringify({ partitionKey: 'k', data: Buffer.from(`r${i}`).toString('base64') })).join('\n') + '\n')
    // Each child process takes seconds to start: the three run side by side.
    const [imported, tail, bad] = await Promise.all([
      runCli(['import', streamName, file, '--endpoint', t.endpoint, '--progress']),
      runCli(['tail', tailed, '--endpoint', t.endpoint, '--from', 'trim-horizon', '--max', '3']),
      runCli(['tail', tailed, '--from', 'sideways'])
    ])
    expect(imported.stderr).toContain(`imported 50 records into ${streamName}`)
    expect(imported.stderr).toMatch(/import .*\[[\u2588\u2591]+\] 100% \| .* of .* \| 50 records/)
    expect(imported.code).toBe(0)
    expect(tail.stdout.trimEnd().split('\n').map((l) => l.split('  ').at(-1))).toEqual(['r0', 'r1', 'r2'])
    expect(tail.code).toBe(0)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain("tail: --from must be one of latest, trim-horizon, got 'sideways'")
  })
})

describe('shardline topics', () => {
  it('lists topics with confirmed, pending and deleted subscriptions and messages published', async () => {
    const topics = new TopicClient({ endpoint: t.endpoint })
    const queues = new QueueClient({ endpoint: t.endpoint })
    try {
      const prefix = uniqueName('clit')
      const { topicArn: orders } = await topics.createTopic({ name: `${prefix}-orders` })
      const { topicArn: events } = await topics.createTopic({ name: `${prefix}-events.fifo`, attributes: { FifoTopic: 'true' } })
      const queueUrl = (await queues.createQueue({ queueName: `${prefix}-q` })).queueUrl
      const queueArn = (await queues.getQueueAttributes({ queueUrl, attributeNames: ['QueueArn'] })).attributes.QueueArn!
      await topics.subscribe({ topicArn: orders, protocol: 'sqs', endpoint: queueArn })
      await topics.subscribe({ topicArn: orders, protocol: 'email', endpoint: 'ops@example.com' })
      const { subscriptionArn } = await topics.subscribe({ topicArn: orders, protocol: 'sms', endpoint: '+15555550101' })
      await topics.unsubscribe({ subscriptionArn })
      for (const message of ['a', 'b', 'c']) await topics.publish({ topicArn: orders, message })
      await topics.publish({ topicArn: events, message: 'e', messageGroupId: 'g', messageDeduplicationId: 'd1' })
      // A duplicate of a deduplication id is not published again.
      await topics.publish({ topicArn: events, message: 'e', messageGroupId: 'g', messageDeduplicationId: 'd1' })

      const http = `http://127.0.0.1:${t.server.httpPort}`
      const out = await topicsCommand(['--endpoint', t.endpoint, '--prefix', prefix, '--http', http])
      const [header, ...rows] = out.trimEnd().split('\n')
      expect(header).toMatch(/^TOPIC\s+CONFIRMED\s+PENDING\s+DELETED\s+PUBLISHED\s+TYPE$/)
      expect(rows.map((r) => r.split(/\s{2,}/))).toEqual([
        [`${prefix}-events.fifo`, '0', '0', '0', '1', 'fifo'],
        [`${prefix}-orders`, '1', '1', '1', '3', 'standard']
      ])

      // Without the HTTP port's /metrics the counts still show, and the line says why not the rest.
      const blind = await topicsCommand(['--endpoint', t.endpoint, '--prefix', `${prefix}-orders`, '--http', 'http://127.0.0.1:9'])
      const lines = blind.trimEnd().split('\n')
      expect(lines[1]!.split(/\s{2,}/)).toEqual([`${prefix}-orders`, '1', '1', '1', '?', 'standard'])
      expect(lines[2]).toMatch(/^published counts unknown: http:\/\/127\.0\.0\.1:9\/metrics: no answer/)
      expect(await topicsCommand(['--endpoint', t.endpoint, '--prefix', uniqueName('nothing')])).toBe('no topics\n')
      // As a user runs it.
      const child = await runCli(['topics', '--endpoint', t.endpoint, '--prefix', `${prefix}-orders`, '--http', http])
      expect(child.code).toBe(0)
      expect(child.stdout.trimEnd().split('\n')[1]!.split(/\s{2,}/)).toEqual([`${prefix}-orders`, '1', '1', '1', '3', 'standard'])
    } finally {
      topics.close()
      queues.close()
    }
  })
})
