/**
 * CORS, so the AWS SDK works from a browser page served by another origin: preflights
 * are answered as AWS answers them (200, the asked headers and method allowed, cached for
 * two days), and answers to cross-origin requests allow any origin and expose the
 * headers the SDK reads. Shown by hand with node's http, and with the real AWS SDK
 * bundled into a page that a headless Chromium loads from another origin.
 */
import * as http from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { browserMissing, openBrowser } from './helpers/browser.js'
import { REPO_ROOT } from './helpers/child-server.js'
import { kinesisHeaders, rawHttp1 } from './helpers/raw-http.js'
import { startServer, uniqueName, type TestServer } from './helpers/server.js'

const EXPOSED = 'x-amzn-RequestId,x-amzn-ErrorType,x-amz-request-id,x-amz-id-2,x-amzn-ErrorMessage,Date'

let ts: TestServer
let port: number

beforeAll(async () => {
  ts = await startServer({})
  port = ts.server.httpPort
})

afterAll(async () => {
  await ts.close()
})

describe('CORS by hand', () => {
  it('answers a preflight with what was asked for, cached for two days, and nothing else', async () => {
    const res = await rawHttp1(port, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://page.example',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization,content-type,x-amz-date,x-amz-target,x-amz-user-agent'
      }
    })
    expect(res.status).toBe(200)
    expect(res.headers['access-control-allow-origin']).toBe('*')
    expect(res.headers['access-control-allow-methods']).toBe('POST')
    expect(res.headers['access-control-allow-headers']).toBe('authorization,content-type,x-amz-date,x-amz-target,x-amz-user-agent')
    expect(res.headers['access-control-max-age']).toBe('172800')
    expect(res.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/)
    // As AWS: no x-amz-id-2 and no content type on a preflight, and an empty body.
    expect(res.headers['x-amz-id-2']).toBeUndefined()
    expect(res.headers['content-type']).toBeUndefined()
    expect(res.headers['content-length']).toBe('0')
    expect(res.body.length).toBe(0)
  })

  it('allows any origin and exposes the headers the SDK reads on answers and errors', async () => {
    const ok = await rawHttp1(port, { headers: kinesisHeaders('ListStreams', { origin: 'http://page.example' }), body: '{}' })
    expect(ok.status).toBe(200)
    const failed = await rawHttp1(port, { headers: kinesisHeaders('DescribeStream', { origin: 'http://page.example' }), body: JSON.stringify({ StreamName: uniqueName('none') }) })
    expect(failed.status).toBe(400)
    for (const res of [ok, failed]) {
      expect(res.headers['access-control-allow-origin']).toBe('*')
      expect(res.headers['access-control-expose-headers']).toBe(EXPOSED)
    }
    // Without an Origin no CORS headers are sent.
    const plain = await rawHttp1(port, { headers: kinesisHeaders('ListStreams'), body: '{}' })
    expect(plain.headers['access-control-allow-origin']).toBeUndefined()
  })

  it('answers OPTIONS without an Origin as AWS does: access denied', async () => {
    const res = await rawHttp1(port, { method: 'OPTIONS', headers: {} })
    expect(res.status).toBe(403)
    expect(res.body.toString()).toContain('<AccessDeniedException>')
  })
})

/** The page's script: the real AWS SDK for JavaScript v3, bundled for the browser. */
const PAGE_SCRIPT = `
import { KinesisClient, CreateStreamCommand, DescribeStreamCommand, PutRecordCommand, GetShardIteratorCommand, GetRecordsCommand } from '@aws-sdk/client-kinesis'
window.run = async (endpoint, streamName) => {
  const kinesis = new KinesisClient({ endpoint, region: 'us-east-1', credentials: { accessKeyId: 'AKIDBROWSER', secretAccessKey: 'browser' }, maxAttempts: 1 })
  await kinesis.send(new CreateStreamCommand({ StreamName: streamName, ShardCount: 1 }))
  const put = await kinesis.send(new PutRecordCommand({ StreamName: streamName, PartitionKey: 'k', Data: new TextEncoder().encode('from the browser') }))
  const { ShardIterator } = await kinesis.send(new GetShardIteratorCommand({ StreamName: streamName, ShardId: put.ShardId, ShardIteratorType: 'TRIM_HORIZON' }))
  const got = await kinesis.send(new GetRecordsCommand({ ShardIterator }))
  let missing
  try {
    await kinesis.send(new DescribeStreamCommand({ StreamName: streamName + '-missing' }))
  } catch (err) {
    missing = { name: err.name, requestId: err.$metadata && err.$metadata.requestId }
  }
  return {
    origin: location.origin,
    sequenceNumber: put.SequenceNumber,
    requestId: put.$metadata.requestId,
    records: got.Records.map((r) => new TextDecoder().decode(r.Data)),
    missing
  }
}
`

describe('CORS from a browser page on another origin', () => {
  const reason = browserMissing('the CORS browser test')

  it.skipIf(reason !== undefined)('lets the AWS SDK in Chromium create a stream, put, read, and see AWS errors', async () => {
    const { build } = await import('esbuild')
    const bundle = await build({
      stdin: { contents: PAGE_SCRIPT, resolveDir: REPO_ROOT, loader: 'js' },
      bundle: true,
      platform: 'browser',
      format: 'iife',
      write: false,
      logLevel: 'silent'
    })
    const script = bundle.outputFiles[0]!.contents
    const pages = http.createServer((req, res) => {
      if (req.url === '/sdk.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' })
        res.end(script)
        return
      }
      res.writeHead(200, { 'content-type': 'text/html' })
      res.end('<!doctype html><title>shardline from a browser</title><script src="/sdk.js"></script>')
    })
    await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve))
    const pagePort = (pages.address() as AddressInfo).port
    const browser = await openBrowser()
    try {
      const page = browser.page
      // localhost and 127.0.0.1 are different origins, and both are secure contexts (WebCrypto signs).
      await page.goto(`http://localhost:${pagePort}/`)
      const streamName = uniqueName('browser')
      const result = await page.evaluate(async ([endpoint, name]: [string, string]) =>
        await (globalThis as unknown as { run: (e: string, n: string) => Promise<unknown> }).run(endpoint, name), [`http://127.0.0.1:${port}`, streamName] as [string, string]) as {
        origin: string, sequenceNumber: string, requestId: string, records: string[], missing: { name: string, requestId: string }
      }
      expect(result.origin).toBe(`http://localhost:${pagePort}`)
      expect(result.sequenceNumber).toMatch(/^\d{56}$/)
      // Read from an exposed header.
      expect(result.requestId).toMatch(/^[0-9a-f-]{36}$/)
      expect(result.records).toEqual(['from the browser'])
      expect(result.missing).toEqual({ name: 'ResourceNotFoundException', requestId: expect.stringMatching(/^[0-9a-f-]{36}$/) })
    } finally {
      await browser.close()
      await new Promise<void>((resolve) => pages.close(() => resolve()))
    }
  }, 120_000)
})
