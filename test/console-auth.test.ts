/**
 * The web console on a server that checks signatures (`--auth`): the console's own data
 * routes (the feed, the key locator, peeking at a queue) take presigned GETs, made here
 * with the AWS SDK's own signer, act in the signing key's account, and refuse what is
 * unsigned, tampered with or expired. In Chromium, the page asks for a key when the server
 * refuses it, then signs everything with it: the feed, the API calls, the peek.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CreateStreamCommand, KinesisClient } from '@aws-sdk/client-kinesis'
import { CreateQueueCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs'
import { SignatureV4 } from '@smithy/signature-v4'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NodeSha256 } from '../src/http/sigv4.js'
import { browserMissing, openBrowser, type TestBrowser } from './helpers/browser.js'
import { rawHttp1 } from './helpers/raw-http.js'
import { startServer, uniqueName, type TestServer } from './helpers/server.js'

const ALICE = { accessKeyId: 'AKIDALICE', secretAccessKey: 'alice-secret', accountId: '111111111111' }
const BOB = { accessKeyId: 'AKIDBOB', secretAccessKey: 'bob-secret', accountId: '222222222222' }

let dir: string
let ts: TestServer
let port: number
const aliceStream = uniqueName('alice-stream')
const bobStream = uniqueName('bob-stream')
const aliceQueue = uniqueName('alice-queue')

function clients (key: typeof ALICE): { kinesis: KinesisClient, sqs: SQSClient } {
  const common = { endpoint: `http://127.0.0.1:${port}`, region: 'us-east-1', credentials: key, maxAttempts: 1 }
  return { kinesis: new KinesisClient(common), sqs: new SQSClient(common) }
}

/** `path?query`, presigned by @smithy/signature-v4 (what the AWS SDKs' presigners use) for a GET to this server. */
async function presigned (key: typeof ALICE, path: string, query: Record<string, string>, options: { signingDate?: Date, expiresIn?: number } = {}): Promise<string> {
  const signer = new SignatureV4({ service: 'kinesis', region: 'us-east-1', credentials: key, sha256: NodeSha256 })
  const request = await signer.presign({ method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port, path, query, headers: { host: `127.0.0.1:${port}` } }, { expiresIn: options.expiresIn ?? 300, ...(options.signingDate === undefined ? {} : { signingDate: options.signingDate }) })
  return `${path}?${new URLSearchParams(request.query as Record<string, string>).toString()}`
}

/** The feed's first snapshot, read off the event stream. */
async function firstSnapshot (path: string): Promise<{ status: number, snapshot?: { streams: Array<{ name: string }> }, body?: unknown }> {
  const controller = new AbortController()
  try {
    const res = await fetch(`http://127.0.0.1:${port}${path}`, { signal: controller.signal })
    if (res.status !== 200) return { status: res.status, body: await res.json() }
    const reader = res.body!.getReader()
    let text = ''
    while (!text.includes('\n\n')) {
      const { value, done } = await reader.read()
      if (done) break
      text += Buffer.from(value).toString('utf8')
    }
    return { status: 200, snapshot: JSON.parse(text.slice(text.indexOf('data: ') + 6, text.indexOf('\n\n'))) }
  } finally {
    controller.abort()
  }
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'shardline-console-auth-'))
  const keyFile = join(dir, 'keys.json')
  await writeFile(keyFile, JSON.stringify(Object.fromEntries([ALICE, BOB].map((k) => [k.accessKeyId, { secretAccessKey: k.secretAccessKey, accountId: k.accountId }]))))
  ts = await startServer({ auth: keyFile })
  port = ts.server.httpPort
  const alice = clients(ALICE)
  const bob = clients(BOB)
  try {
    await alice.kinesis.send(new CreateStreamCommand({ StreamName: aliceStream, ShardCount: 1 }))
    await bob.kinesis.send(new CreateStreamCommand({ StreamName: bobStream, ShardCount: 1 }))
    const { QueueUrl } = await alice.sqs.send(new CreateQueueCommand({ QueueName: aliceQueue }))
    await alice.sqs.send(new SendMessageCommand({ QueueUrl, MessageBody: 'for alice only' }))
  } finally {
    for (const c of [alice, bob]) { c.kinesis.destroy(); c.sqs.destroy() }
  }
})

afterAll(async () => {
  await ts?.close()
  await rm(dir, { recursive: true, force: true })
})

describe('the console\'s data routes under --auth', () => {
  it('refuses an unsigned GET and serves a presigned one in the signer\'s account', async () => {
    const unsigned = await rawHttp1(port, { method: 'GET', path: `/console/peek?queue=${aliceQueue}` })
    expect(unsigned.status).toBe(400)
    expect(unsigned.json).toMatchObject({ __type: 'MissingAuthenticationTokenException' })
    expect(unsigned.body.toString()).not.toContain('for alice only')

    const peeked = await rawHttp1(port, { method: 'GET', path: await presigned(ALICE, '/console/peek', { queue: aliceQueue }) })
    expect(peeked.status).toBe(200)
    expect((peeked.json as { messages: Array<{ body: string }> }).messages.map((m) => m.body)).toEqual(['for alice only'])
    // Bob's key acts in Bob's account, where Alice's queue does not exist.
    const asBob = await rawHttp1(port, { method: 'GET', path: await presigned(BOB, '/console/peek', { queue: aliceQueue }) })
    expect(asBob.json).toMatchObject({ __type: 'QueueDoesNotExist' })

    const hashed = await rawHttp1(port, { method: 'GET', path: await presigned(BOB, '/console/hash', { stream: bobStream, key: 'k1' }) })
    expect(hashed.status).toBe(200)
    expect(hashed.json).toMatchObject({ stream: bobStream, hashes: [{ key: 'k1', hashKey: expect.stringMatching(/^\d+$/) }] })
  })

  it('refuses a tampered, an expired and an unknown key\'s presigned URL', async () => {
    const good = await presigned(ALICE, '/console/peek', { queue: aliceQueue })
    const tampered = await rawHttp1(port, { method: 'GET', path: good.replace(`queue=${aliceQueue}`, 'queue=other') })
    expect(tampered.json).toMatchObject({ __type: 'InvalidSignatureException', message: expect.stringContaining('does not match') })
    const expired = await rawHttp1(port, { method: 'GET', path: await presigned(ALICE, '/console/peek', { queue: aliceQueue }, { signingDate: new Date(Date.now() - 3_600_000), expiresIn: 60 }) })
    expect(expired.json).toMatchObject({ __type: 'InvalidSignatureException', message: expect.stringContaining('Signature expired') })
    const unknown = await rawHttp1(port, { method: 'GET', path: await presigned({ ...ALICE, accessKeyId: 'AKIDNOBODY' }, '/console/peek', { queue: aliceQueue }) })
    expect(unknown.json).toMatchObject({ __type: 'UnrecognizedClientException' })
    for (const res of [tampered, expired, unknown]) expect(res.body.toString()).not.toContain('for alice only')
  })

  it('streams the feed of the signer\'s account only', async () => {
    expect(await firstSnapshot('/console/events')).toMatchObject({ status: 400, body: { __type: 'MissingAuthenticationTokenException' } })
    const alice = await firstSnapshot(await presigned(ALICE, '/console/events', {}))
    const bob = await firstSnapshot(await presigned(BOB, '/console/events', {}))
    expect(alice.snapshot!.streams.map((s) => s.name)).toContain(aliceStream)
    expect(alice.snapshot!.streams.map((s) => s.name)).not.toContain(bobStream)
    expect(bob.snapshot!.streams.map((s) => s.name)).toContain(bobStream)
    expect(bob.snapshot!.streams.map((s) => s.name)).not.toContain(aliceStream)
  })
})

describe('the console in Chromium under --auth', () => {
  const reason = browserMissing("the console's --auth browser test")
  let browser: TestBrowser | undefined
  let page: Page

  beforeAll(async () => {
    if (reason !== undefined) return
    browser = await openBrowser({ width: 1280, height: 900 })
    page = browser.page
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
  })

  it.skipIf(reason !== undefined)('asks for a key when refused, then signs the feed, the API calls and the peek with it', async () => {
    await page.goto(`http://127.0.0.1:${port}/console#/streams`)
    // The unsigned feed is refused; the page says why and asks for a key.
    await page.waitForSelector('dialog#credentials[open]')
    expect(await page.locator('dialog#credentials .error').first().innerText()).toMatch(/^MissingAuthenticationTokenException: /)
    await browser!.screenshot('console-auth-sign-in')
    // A wrong secret is refused by the server, and the page asks again.
    await page.fill('dialog#credentials input[name="accessKeyId"]', ALICE.accessKeyId)
    await page.fill('dialog#credentials input[name="secretAccessKey"]', 'not-the-secret')
    await page.click('dialog#credentials button[value="sign"]')
    await page.waitForSelector('dialog#credentials[open]')
    expect(await page.locator('dialog#credentials .error').first().innerText()).toMatch(/^InvalidSignatureException: /)
    await page.fill('dialog#credentials input[name="accessKeyId"]', ALICE.accessKeyId)
    await page.fill('dialog#credentials input[name="secretAccessKey"]', ALICE.secretAccessKey)
    await page.click('dialog#credentials button[value="sign"]')

    await page.waitForSelector(`#streams tr[data-stream="${aliceStream}"]`)
    expect(await page.locator(`#streams tr[data-stream="${bobStream}"]`).count()).toBe(0)
    await page.waitForSelector('#live.on')
    expect(await page.locator('#signer').innerText()).toContain(ALICE.accessKeyId)

    // A signed Kinesis call (ListShards) draws the shard map.
    await page.goto(`http://127.0.0.1:${port}/console#/shards/${aliceStream}`)
    await page.waitForSelector('#lineage g[data-shard="shardId-000000000000"]')
    // A signed SQS call and a presigned peek.
    await page.goto(`http://127.0.0.1:${port}/console#/queues/${aliceQueue}`)
    await page.waitForSelector('#count-visible')
    await page.fill('#send-body', 'signed by the page')
    await page.click('#send')
    await page.waitForSelector('#send-form + div .ok')
    await page.click('#peek')
    await page.waitForSelector('#peek-results tbody tr[data-message]')
    const bodies = await page.locator('#peek-results tbody tr').evaluateAll((trs) => trs.map((tr) => tr.children[4]!.textContent))
    expect(bodies).toEqual(['for alice only', 'signed by the page'])
    await browser!.screenshot('console-auth-queue')
  }, 60_000)
})
