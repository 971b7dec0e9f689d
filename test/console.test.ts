/**
 * The web console in a real browser (Debian's chromium, driven by playwright-core): every
 * view loads and shows live numbers, a split done from the page appears in the lineage,
 * the key locator agrees with `shardline locate`, and queue counts move as messages are
 * sent and received (the topics view: console-topics.test.ts). Screenshots of each view
 * go to test/output/ for review. Also, by hand: the console's routes are carved out
 * narrowly, and --no-console removes them.
 */
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LeaseClient } from '../client/index.js'
import { locateCommand } from '../src/cli/teaching-commands.js'
import { browserMissing, openBrowser, type TestBrowser } from './helpers/browser.js'
import { kinesisHeaders, rawHttp1 } from './helpers/raw-http.js'
import { queueName, startQueueServer, type QueueTestServer } from './helpers/queues.js'
import { startServer, uniqueName } from './helpers/server.js'

const KEYS = ['alice', 'bob', 'carol', 'dave', 'erin']

let t: QueueTestServer
let port: number

beforeAll(async () => {
  t = await startQueueServer({})
  port = t.server.httpPort
})

afterAll(async () => {
  await t?.close()
})

describe('the console\'s routes', () => {
  it('serves the page, its assets and its event stream on GET, and leaves everything else to the AWS API', async () => {
    const page = await rawHttp1(port, { method: 'GET', path: '/console' })
    expect(page.status).toBe(200)
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8')
    expect(page.body.toString()).toContain('<script type="module" src="/console/assets/app.js">')
    const script = await rawHttp1(port, { method: 'GET', path: '/console/assets/views/shard-map.js' })
    expect(script.status).toBe(200)
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8')
    const missing = await rawHttp1(port, { method: 'GET', path: '/console/assets/../../server.ts' })
    expect(missing.status).toBe(404)
    // Other GETs still get AWS's refusal, and AWS ignores the path of a POST.
    for (const path of ['/', '/consoles', '/other']) {
      const refused = await rawHttp1(port, { method: 'GET', path })
      expect(refused.status, path).toBe(403)
      expect(refused.body.toString()).toContain('<AccessDeniedException>')
    }
    const posted = await rawHttp1(port, { path: '/console', headers: kinesisHeaders('ListStreams'), body: '{}' })
    expect(posted.status).toBe(200)
    expect(posted.json).toHaveProperty('StreamNames')
  })

  it('answers bad locator input with the server\'s error, and is gone with --no-console', async () => {
    const streamName = uniqueName('c-bad')
    await t.client.createStream({ streamName, shardCount: 1 })
    const tooLong = await rawHttp1(port, { method: 'GET', path: `/console/hash?stream=${streamName}&key=${'k'.repeat(257)}` })
    expect(tooLong.status).toBe(400)
    expect(tooLong.json).toMatchObject({ __type: 'ValidationException', message: expect.stringContaining('Member must have length between 1 and 256') })
    const noStream = await rawHttp1(port, { method: 'GET', path: '/console/hash?stream=nope&key=a' })
    expect(noStream.json).toMatchObject({ __type: 'ResourceNotFoundException' })
    const off = await startServer({ console: false })
    try {
      const res = await rawHttp1(off.server.httpPort, { method: 'GET', path: '/console' })
      expect(res.status).toBe(403)
      expect(res.body.toString()).toContain('<AccessDeniedException>')
    } finally {
      await off.close()
    }
  })
})

describe('the console in Chromium', () => {
  const reason = browserMissing("the console's browser tests")

  let browser: TestBrowser | undefined
  let page: Page
  let streamName: string
  let md5Stream: string
  let cli: string[]
  const base = (): string => `http://127.0.0.1:${port}/console`
  const shot = async (name: string): Promise<void> => { await browser!.screenshot(`console-${name}`) }

  beforeAll(async () => {
    if (reason !== undefined) return
    streamName = uniqueName('console')
    md5Stream = uniqueName('console-md5')
    await t.client.createStream({ streamName, shardCount: 2 })
    await t.client.createStream({ streamName: md5Stream, shardCount: 3, partitionHash: 'MD5' })
    // `shardline locate`'s command, run in this process (the CLI's main only prints what it returns).
    cli = await Promise.all([
      locateCommand([streamName, KEYS[0]!, '--endpoint', t.endpoint]),
      locateCommand([md5Stream, 'carol', '--endpoint', t.endpoint])
    ])
    browser = await openBrowser({ width: 1280, height: 900 })
    page = browser.page
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
  })

  it.skipIf(reason !== undefined)('loads in well under a second and lists streams with live incoming rates', async () => {
    const started = Date.now()
    await page.goto(`${base()}#/streams`)
    await page.waitForSelector(`#streams tr[data-stream="${streamName}"]`)
    // Page expressions are strings: the tests compile without the DOM's types.
    const loadMs = await page.evaluate('performance.getEntriesByType("navigation")[0].domContentLoadedEventEnd') as number
    expect(loadMs).toBeLessThan(1000)
    expect(Date.now() - started).toBeLessThan(5000)
    const row = page.locator(`#streams tr[data-stream="${streamName}"]`)
    expect(await row.locator('td').allInnerTexts()).toEqual([streamName, 'ACTIVE', 'PROVISIONED', '2', '0', '24 h', expect.any(String), expect.any(String)])
    // Records put now show as records/s on the next snapshots, without a reload.
    const putting = (async () => {
      for (let i = 0; i < 8; i++) {
        await t.client.putRecords({ streamName, records: KEYS.map((k) => ({ partitionKey: k, data: Buffer.from(JSON.stringify({ user: k, i })) })) })
        await new Promise((resolve) => setTimeout(resolve, 250))
      }
    })()
    await page.waitForFunction(`(document.querySelector('#streams tr[data-stream="${streamName}"] td[data-field="recordsIn"]')?.textContent ?? '0/s') !== '0/s'`, undefined, { timeout: 10_000 })
    await putting
    await shot('streams')
  }, 30_000)

  it.skipIf(reason !== undefined)('draws the shard map, splits a shard from the page, and shows the split in the lineage', async () => {
    await page.goto(`${base()}#/shards/${streamName}`)
    await page.waitForSelector('#lineage g[data-shard="shardId-000000000001"]')
    expect(await page.locator('#lineage g[data-state="OPEN"]').count()).toBe(2)
    // Live per-shard numbers and the last sequence number.
    await page.waitForFunction('/^\\d{56}$/.test(document.querySelector(\'#shard-stats tr[data-shard="shardId-000000000000"] td:last-child\')?.textContent ?? "")')
    // A bad split point shows the server's message and changes nothing.
    await page.selectOption('#split-shard', 'shardId-000000000000')
    await page.fill('#split-key', '12x')
    await page.click('#split')
    await expect.poll(async () => await page.locator('#reshard-message .error').innerText()).toMatch(/^InvalidArgumentException: |^ValidationException: /)
    expect((await t.client.listShards({ streamName })).shards).toHaveLength(2)
    // The default split point is the shard's middle.
    await page.selectOption('#split-shard', 'shardId-000000000001')
    await page.selectOption('#split-shard', 'shardId-000000000000')
    await page.click('#split')
    await page.waitForSelector('#lineage g[data-shard="shardId-000000000000"][data-state="CLOSED"]')
    await page.waitForSelector('#lineage g[data-shard="shardId-000000000003"][data-state="OPEN"]')
    const edges = await page.locator('#lineage path.edge').evaluateAll((paths) => paths.map((p) => `${p.getAttribute('data-from')}>${p.getAttribute('data-to')}`))
    expect(edges.sort()).toEqual(['shardId-000000000000>shardId-000000000002', 'shardId-000000000000>shardId-000000000003'])
    const { shards } = await t.client.listShards({ streamName })
    const children = shards.filter((s) => s.parentShardId === 'shardId-000000000000')
    expect(children.map((s) => s.shardId)).toEqual(['shardId-000000000002', 'shardId-000000000003'])
    expect(children[1]!.hashKeyRange.startingHashKey).toBe(((2n ** 128n / 2n) / 2n).toString())
    // And the children merged back from the page: one shard with two parents.
    await page.selectOption('#merge-shard', 'shardId-000000000002')
    await page.selectOption('#merge-adjacent', 'shardId-000000000003')
    await page.click('#merge')
    await page.waitForSelector('#lineage g[data-shard="shardId-000000000004"][data-state="OPEN"]')
    const merged = await page.locator('#lineage path.edge[data-to="shardId-000000000004"]').evaluateAll((paths) => paths.map((p) => p.getAttribute('data-from')))
    expect(merged.sort()).toEqual(['shardId-000000000002', 'shardId-000000000003'])
    expect(await page.locator('#lineage g[data-state="OPEN"]').count()).toBe(2)
    await shot('shard-map')
  }, 30_000)

  it.skipIf(reason !== undefined)('places keys where `shardline locate` does, MurmurHash3 and MD5 alike, and says which share a shard', async () => {
    const parse = (out: string): { hash: string, shard: string } => ({ hash: /hash\s+(\d+)/.exec(out)![1]!, shard: /shard\s+(shardId-\d+)/.exec(out)![1]! })
    const locate = async (keys: string[]): Promise<Map<string, { hash: string, shard: string }>> => {
      await page.fill('#locate-keys', keys.join('\n'))
      await page.click('#locate')
      await page.waitForSelector('#locate-results')
      const rows = await page.locator('#locate-results tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-key')!, { hash: tr.getAttribute('data-hash')!, shard: tr.getAttribute('data-shard')! }] as const))
      return new Map(rows)
    }
    // The CLI ran before the split: its shard is the closed parent's child that holds the key now.
    const { shards } = await t.client.listShards({ streamName })
    const placed = await locate(KEYS)
    expect(placed.size).toBe(KEYS.length)
    for (const [i, key] of KEYS.slice(0, 1).entries()) {
      const fromCli = parse(cli[i]!)
      expect(placed.get(key)!.hash).toBe(fromCli.hash)
      const open = shards.find((s) => s.sequenceNumberRange.endingSequenceNumber === undefined && BigInt(s.hashKeyRange.startingHashKey) <= BigInt(fromCli.hash) && BigInt(fromCli.hash) <= BigInt(s.hashKeyRange.endingHashKey))!
      expect(placed.get(key)!.shard).toBe(open.shardId)
      if (fromCli.shard === 'shardId-000000000001') expect(placed.get(key)!.shard).toBe(fromCli.shard)
    }
    // Against the server's own placement: where PutRecord put each key.
    for (const key of KEYS) {
      const put = await t.client.putRecord({ streamName, partitionKey: key, data: Buffer.from('where') })
      expect(placed.get(key)!.shard, key).toBe(put.shardId)
    }
    await page.waitForSelector('#lineage line.keymark', { state: 'attached' })
    await shot('locate')
    // A bad key shows the server's message.
    await page.fill('#locate-keys', 'k'.repeat(300))
    await page.click('#locate')
    await expect.poll(async () => await page.locator('#located .error').innerText()).toContain('Member must have length between 1 and 256')

    await page.goto(`${base()}#/shards/${md5Stream}`)
    await page.waitForSelector('#lineage g[data-shard="shardId-000000000002"]', { state: 'attached' })
    const md5 = await locate(['carol'])
    expect(md5.get('carol')).toEqual(parse(cli[1]!))
  }, 30_000)

  it.skipIf(reason !== undefined)('browses records as JSON and hex, and tails new ones live', async () => {
    await page.goto(`${base()}#/records/${streamName}`)
    await page.waitForSelector('#records-shard option[value="shardId-000000000001"]', { state: 'attached' })
    await page.selectOption('#records-shard', 'shardId-000000000001')
    await page.selectOption('#records-type', 'TRIM_HORIZON')
    await page.selectOption('#records-format', 'json')
    await page.click('#records-read')
    await page.waitForSelector('#records tbody tr')
    const first = await page.locator('#records tbody tr').first().locator('td').allInnerTexts()
    expect(first[0]).toMatch(/^\d{56}$/)
    expect(KEYS).toContain(first[1])
    expect(first[2]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3}$/)
    expect(JSON.parse(first[3]!)).toMatchObject({ user: first[1] })
    expect(first[3]).toContain('\n  "user"')
    await page.selectOption('#records-format', 'hex')
    expect(await page.locator('#records tbody tr').first().locator('td').nth(3).innerText()).toMatch(/^7b 22 75 73 65 72 22/)
    // A bad sequence number shows the server's message.
    await page.selectOption('#records-type', 'AT_SEQUENCE_NUMBER')
    await page.fill('#records-at', '12345')
    await page.click('#records-read')
    await expect.poll(async () => await page.locator('#records-status .error').innerText()).toMatch(/^InvalidArgumentException: /)
    // Live tail from LATEST: a record put now appears.
    await page.selectOption('#records-format', 'utf8')
    await page.selectOption('#records-type', 'LATEST')
    await page.check('#records-tail')
    await page.click('#records-read')
    await page.waitForSelector('#records-status:not(:empty)')
    const hash = (await t.client.listShards({ streamName })).shards.find((s) => s.shardId === 'shardId-000000000001')!.hashKeyRange.startingHashKey
    const put = await t.client.putRecord({ streamName, partitionKey: 'tail', explicitHashKey: hash, data: Buffer.from('tailed live') })
    await page.waitForSelector(`#records tr[data-seq="${put.sequenceNumber}"]`, { timeout: 10_000 })
    expect(await page.locator(`#records tr[data-seq="${put.sequenceNumber}"] td`).nth(3).innerText()).toBe('tailed live')
    await shot('records')
  }, 30_000)

  it.skipIf(reason !== undefined)('shows consumers with live subscriptions and a lease table with owners, expiry and lag', async () => {
    const { streamDescription } = await t.client.describeStream({ streamName })
    const { consumer } = await t.client.registerStreamConsumer({ streamArn: streamDescription.streamArn, consumerName: 'dashboard' })
    // A live subscription: open once its first event has arrived.
    const events = t.client.subscribeToShard({ consumerArn: consumer.consumerArn, shardId: 'shardId-000000000001', startingPosition: { type: 'LATEST' } })[Symbol.asyncIterator]()
    await events.next()
    const leases = new LeaseClient({ endpoint: t.endpoint })
    const table = uniqueName('app')
    try {
      // The worker checkpointed the first record of shard 1: everything after is lag.
      const iterator = await t.client.getShardIterator({ streamName, shardId: 'shardId-000000000001', shardIteratorType: 'TRIM_HORIZON' })
      const { records } = await t.client.getRecords({ shardIterator: iterator.shardIterator })
      expect(records.length).toBeGreaterThan(2)
      await leases.createLeaseIfAbsent({ leaseTable: table, leaseKey: 'shardId-000000000001', leaseOwner: 'worker-1', leaseDurationMs: 60_000, checkpoint: records[0]!.sequenceNumber })
      await leases.createLeaseIfAbsent({ leaseTable: table, leaseKey: 'shardId-000000000002' })
      await page.goto(`${base()}#/consumers/${streamName}`)
      await page.waitForSelector('#consumers tr[data-consumer="dashboard"]')
      expect(await page.locator('#consumers tr[data-consumer="dashboard"] td').nth(1).innerText()).toBe('ACTIVE')
      await expect.poll(async () => await page.locator('#consumers tr[data-consumer="dashboard"] td').nth(3).innerText()).toBe('shardId-000000000001')
      await page.fill('#lease-table', table)
      await page.click('#lease-show')
      await page.waitForSelector('#leases tr[data-lease="shardId-000000000001"]')
      const cells = await page.locator('#leases tr[data-lease="shardId-000000000001"] td').allInnerTexts()
      expect(cells[1]).toBe('worker-1')
      expect(cells[2]).toMatch(/^(59|60) s$/)
      expect(cells[3]).toBe(records[0]!.sequenceNumber)
      expect(Number(cells[4])).toBeGreaterThanOrEqual(records.length - 1)
      expect(cells[5]).toMatch(/^\d+$/)
      expect(await page.locator('#leases tr[data-lease="shardId-000000000002"] td').nth(1).innerText()).toBe('unowned')
      await shot('consumers')
      // The subscription's end shows too.
      await events.return?.()
      await expect.poll(async () => await page.locator('#consumers tr[data-consumer="dashboard"] td').nth(3).innerText(), { timeout: 10_000 }).toBe('–')
    } finally {
      leases.close()
      await events.return?.()
    }
  }, 30_000)

  it.skipIf(reason !== undefined)('moves a queue\'s counts live as messages are sent and received, sends from the page, peeks, and links dead-letter queues', async () => {
    const dlqName = queueName('console-dlq')
    const name = queueName('console')
    const dlq = await t.queues.createQueue({ queueName: dlqName })
    const { attributes } = await t.queues.getQueueAttributes({ queueUrl: dlq.queueUrl, attributeNames: ['QueueArn'] })
    const { queueUrl } = await t.queues.createQueue({ queueName: name, attributes: { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: attributes.QueueArn, maxReceiveCount: 3 }) } })
    await page.goto(`${base()}#/queues/${name}`)
    await page.waitForSelector('#count-visible')
    const counts = async (): Promise<string> => (await Promise.all(['visible', 'inFlight', 'delayed'].map(async (k) => await page.locator(`#count-${k}`).innerText()))).join(' ')
    expect(await counts()).toBe('0 0 0')
    expect(await page.locator(`#queues tr[data-queue="${name}"] td`).nth(4).innerText()).toBe(dlqName)
    expect(await page.locator(`#queues tr[data-queue="${dlqName}"] td`).nth(5).innerText()).toBe(name)

    await t.queues.sendMessageBatch({ queueUrl, entries: ['one', 'two', 'three'].map((b) => ({ id: b, messageBody: b })) })
    await t.queues.sendMessage({ queueUrl, messageBody: 'later', delaySeconds: 600 })
    await expect.poll(counts, { timeout: 10_000 }).toBe('3 0 1')
    await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 2, visibilityTimeout: 300 })
    await expect.poll(counts, { timeout: 10_000 }).toBe('1 2 1')

    await page.fill('#send-body', 'from the page')
    await page.click('#send')
    await page.waitForSelector('#send-form + div .ok')
    await expect.poll(counts, { timeout: 10_000 }).toBe('2 2 1')

    // Peeking changes nothing: counts stay, and a receive still gets the message first time.
    await page.click('#peek')
    await page.waitForSelector('#peek-results tbody tr[data-message]')
    const peeked = await page.locator('#peek-results tbody tr').evaluateAll((trs) => trs.map((tr) => [tr.children[1]!.textContent, tr.children[4]!.textContent]))
    expect(peeked).toEqual([['inflight', 'one'], ['inflight', 'two'], ['visible', 'three'], ['delayed', 'later'], ['visible', 'from the page']])
    expect(await counts()).toBe('2 2 1')
    expect(await page.locator('#queue-attributes').innerText()).toContain('RedrivePolicy')

    // A bad send shows the server's message.
    await page.fill('#send-body', '')
    await page.click('#send')
    await expect.poll(async () => await page.locator('#send-form + div .error').innerText()).toContain('MessageBody')
    await shot('queues')
    const received = await t.queues.receiveMessage({ queueUrl, maxNumberOfMessages: 10 })
    expect(received.messages.map((m) => [m.body, m.attributes?.ApproximateReceiveCount ?? '1'])).toEqual(expect.arrayContaining([['three', '1'], ['from the page', '1']]))
    await expect.poll(counts, { timeout: 10_000 }).toBe('0 4 1')
  }, 30_000)
})
