/**
 * GET /health and GET /ready on the HTTP port, for orchestrators; carved out for GET only,
 * so every other method and path keeps AWS's answers.
 */
import { fastify } from 'fastify'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { registerOpsRoutes, type Readiness } from '../src/http/ops-routes.js'
import { kinesisHeaders, rawHttp1 } from './helpers/raw-http.js'
import { startServer, uniqueName, type TestServer } from './helpers/server.js'

let t: TestServer
beforeAll(async () => { t = await startServer() })
afterAll(async () => { await t.close() })

function url (path: string): string {
  return `http://127.0.0.1:${t.server.httpPort}${path}`
}

describe('GET /health and /ready on a serving server', () => {
  it('answers /health with 200 and /ready with 200 while storage is open', async () => {
    const health = await fetch(url('/health'))
    expect(health.status).toBe(200)
    expect(await health.json()).toEqual({ status: 'ok' })
    const ready = await fetch(url('/ready'))
    expect(ready.status).toBe(200)
    expect(await ready.json()).toEqual({ status: 'ready', storage: 'open' })
    expect(ready.headers.get('cache-control')).toBe('no-store')
  })

  it('takes a query string', async () => {
    expect((await fetch(url('/ready?verbose=1'))).status).toBe(200)
  })

  it('leaves other methods and paths to AWS\'s answers', async () => {
    // GET elsewhere, and HEAD on the carved-out paths: AWS's 403 refusal.
    for (const [method, path] of [['GET', '/'], ['GET', '/healthz'], ['HEAD', '/health'], ['PUT', '/ready']] as const) {
      const res = await fetch(url(path), { method })
      expect(res.status, `${method} ${path}`).toBe(403)
      if (method !== 'HEAD') expect(await res.text()).toContain('<AccessDeniedException>')
    }
    // A Kinesis call POSTed to /health is a Kinesis call: AWS ignores the path.
    const streamName = uniqueName('health')
    await t.client.createStream({ streamName, shardCount: 1 })
    const res = await fetch(url('/health'), { method: 'POST', headers: kinesisHeaders('DescribeStreamSummary'), body: JSON.stringify({ StreamName: streamName }) })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { StreamDescriptionSummary: { StreamName: string } }).StreamDescriptionSummary.StreamName).toBe(streamName)
    const raw = await rawHttp1(t.server.httpPort, { method: 'GET' })
    expect(raw.status).toBe(403)
  })
})

describe('/ready through a server\'s life', () => {
  it('is not ready while opening or closing, or with storage closed', async () => {
    let state: Readiness = 'opening'
    let storage = true
    const app = fastify()
    registerOpsRoutes(app, { metrics: undefined, readiness: () => state, storageOpen: () => storage })
    try {
      const ask = async (): Promise<{ status: number, body: unknown }> => {
        const res = await app.inject({ method: 'GET', url: '/ready' })
        return { status: res.statusCode, body: res.json() }
      }
      expect(await ask()).toEqual({ status: 503, body: { status: 'opening', storage: 'open' } })
      state = 'serving'
      expect(await ask()).toEqual({ status: 200, body: { status: 'ready', storage: 'open' } })
      storage = false
      expect(await ask()).toEqual({ status: 503, body: { status: 'storage-closed', storage: 'closed' } })
      storage = true
      state = 'closing'
      expect(await ask()).toEqual({ status: 503, body: { status: 'closing', storage: 'open' } })
      // Live all along.
      expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200)
    } finally {
      await app.close()
    }
  })

  it('stops answering once the server has closed', async () => {
    const s = await startServer()
    const port = s.server.httpPort
    expect((await fetch(`http://127.0.0.1:${port}/ready`)).status).toBe(200)
    await s.close()
    await expect(fetch(`http://127.0.0.1:${port}/ready`)).rejects.toThrow()
  })
})
