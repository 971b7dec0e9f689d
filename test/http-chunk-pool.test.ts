/**
 * Large HTTP bodies (GetRecords pages) are written into pooled 1 MiB chunks, which an
 * HTTP/1.1 response gives back once it has been sent: pages rendered while others are
 * still going out must each come back intact.
 */
import { randomBytes } from 'node:crypto'
import * as http from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { POOLED_CHUNK_BYTES, idleChunks, returnChunks, takeChunk } from '../src/http/chunk-pool.js'
import { kinesisHeaders, rawHttp1, rawHttp2 } from './helpers/raw-http.js'
import { startServer, uniqueName, type TestServer } from './helpers/server.js'

describe('the chunk pool', () => {
  it('gives a returned chunk out again, once however many times or views of it come back, and keeps nothing else', () => {
    const first = takeChunk()
    const second = takeChunk()
    expect(first.byteLength).toBe(POOLED_CHUNK_BYTES)
    expect(first.buffer).not.toBe(second.buffer)
    const before = idleChunks()
    // Two views of the first chunk, and a buffer the pool did not make.
    returnChunks([first.subarray(0, 10), first.subarray(10, 20), Buffer.alloc(POOLED_CHUNK_BYTES)])
    expect(idleChunks()).toBe(before + 1)
    // Given back again by another caller while it is still kept: still one entry.
    returnChunks([first])
    expect(idleChunks()).toBe(before + 1)
    const again = takeChunk()
    expect(again.buffer).toBe(first.buffer)
    expect(again.byteLength).toBe(POOLED_CHUNK_BYTES)
    expect(idleChunks()).toBe(before)
  })
})

describe('GetRecords pages larger than a chunk, over HTTP/1.1', () => {
  // 20 MiB of records: pages of about 10 MiB of data, 13 MB as JSON, more than the
  // sockets' buffers take, so each response is still being written when the next page is.
  const RECORDS = 160
  const RECORD_BYTES = 128 * 1024
  const BATCH = 32
  let ts: TestServer
  let port: number
  let stream: string
  /** What was put, by sequence number, in order. */
  const put = new Map<string, string>()

  beforeAll(async () => {
    ts = await startServer({ limits: 'off' })
    port = ts.server.httpPort
    stream = uniqueName('pool')
    const created = await rawHttp1(port, { headers: kinesisHeaders('CreateStream'), body: JSON.stringify({ StreamName: stream, ShardCount: 1 }) })
    expect(created.status).toBe(200)
    for (let b = 0; b < RECORDS / BATCH; b++) {
      const records = Array.from({ length: BATCH }, (_, i) => ({ PartitionKey: `key-${b}-${i}`, Data: randomBytes(RECORD_BYTES).toString('base64') }))
      const res = await rawHttp1(port, { headers: kinesisHeaders('PutRecords'), body: JSON.stringify({ StreamName: stream, Records: records }) })
      expect(res.status).toBe(200)
      const results = res.json?.Records as Array<{ SequenceNumber: string }>
      results.forEach((r, i) => put.set(r.SequenceNumber, records[i]!.Data))
    }
  })

  afterAll(async () => {
    await ts.close()
  })

  type Call = (action: string, body: unknown) => Promise<Record<string, unknown>>

  /**
   * An HTTP/1.1 call, on its own connection or on `agent`'s kept-alive ones, whose answer is
   * left unread for a while: it stays in flight as other pages are rendered.
   */
  function slowCall (agent: http.Agent | false): Call {
    return (action, body) => new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: kinesisHeaders(action), agent }, (res) => {
        res.pause()
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8')
          if (res.statusCode !== 200) {
            reject(new Error(`${action}: ${String(res.statusCode)} ${text.slice(0, 200)}`))
            return
          }
          try {
            resolve(JSON.parse(text) as Record<string, unknown>)
          } catch (err) {
            // A page written over while it was being sent is no longer JSON.
            reject(err)
          }
        })
        res.on('error', reject)
        setTimeout(() => res.resume(), 50)
      })
      req.on('error', reject)
      req.end(JSON.stringify(body))
    })
  }

  const http2Call: Call = async (action, body) => {
    const res = await rawHttp2(port, { headers: kinesisHeaders(action), body: JSON.stringify(body) })
    if (res.status !== 200 || res.json === undefined) throw new Error(`${action}: ${res.status} ${res.body.toString('utf8', 0, 200)}`)
    return res.json
  }

  async function drain (call: Call): Promise<Array<{ SequenceNumber: string, Data: string }>> {
    const got = await call('GetShardIterator', { StreamName: stream, ShardId: 'shardId-000000000000', ShardIteratorType: 'TRIM_HORIZON' })
    let iterator = got.ShardIterator as string
    const records: Array<{ SequenceNumber: string, Data: string }> = []
    for (let calls = 0; records.length < RECORDS && calls < 10; calls++) {
      const page = await call('GetRecords', { ShardIterator: iterator })
      records.push(...(page.Records as Array<{ SequenceNumber: string, Data: string }>))
      iterator = page.NextShardIterator as string
    }
    return records
  }

  function expectAllRecords (records: Array<{ SequenceNumber: string, Data: string }>): void {
    const expected = [...put.entries()]
    expect(records.length).toBe(RECORDS)
    const mismatched = records.filter((r, i) => r.SequenceNumber !== expected[i]![0] || r.Data !== expected[i]![1]).length
    expect(mismatched).toBe(0)
  }

  it('reads every record back byte for byte while several drains share the pool', async () => {
    const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 1 })
    try {
      const drains = await Promise.all([drain(slowCall(false)), drain(slowCall(false)), drain(slowCall(keepAlive))])
      for (const records of drains) expectAllRecords(records)
    } finally {
      keepAlive.destroy()
    }
    // The pages went through pooled chunks, and the responses gave them back: at least a
    // page's worth (13 MB, past the first 1 MiB written in smaller chunks).
    expect(idleChunks()).toBeGreaterThanOrEqual(12)
  })

  it('keeps the chunks an HTTP/2 answer was written into out of the pool', async () => {
    // Exactly four kept: a page takes more than that.
    while (idleChunks() > 0) takeChunk()
    returnChunks(Array.from({ length: 4 }, () => takeChunk()))
    expect(idleChunks()).toBe(4)
    expectAllRecords(await drain(http2Call))
    // The pages took the kept chunks and gave none back.
    expect(idleChunks()).toBe(0)
  })
})
