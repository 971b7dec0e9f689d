/**
 * The operator's GET endpoints on the HTTP port: `/metrics` (Prometheus text), `/health`
 * (the process answers) and `/ready` (storage open and the server serving). AWS clients
 * only POST, so these three paths are carved out for GET alone; every other method and
 * path still gets AWS's answers from the catch-all route (http-server.ts).
 */
import type { FastifyInstance } from 'fastify'
import type { Metrics } from '../metrics/metrics.js'

export type Readiness = 'opening' | 'serving' | 'closing'

export interface OpsRoutesOptions {
  /** undefined: metrics are off and `/metrics` is not served. */
  readonly metrics: Metrics | undefined
  /** Where the server is in its life; ready only while serving with storage open. */
  readonly readiness: () => Readiness
  readonly storageOpen: () => boolean
}

const JSON_TYPE = 'application/json; charset=utf-8'

export function registerOpsRoutes (app: FastifyInstance, options: OpsRoutesOptions): void {
  // No HEAD twins: a HEAD request stays AWS's to answer, as before.
  const get = { exposeHeadRoute: false } as const
  app.get('/health', get, async (_request, reply) => {
    void reply.code(200).header('content-type', JSON_TYPE).header('cache-control', 'no-store')
    return JSON.stringify({ status: 'ok' })
  })
  app.get('/ready', get, async (_request, reply) => {
    const state = options.readiness()
    const storage = options.storageOpen()
    const ready = state === 'serving' && storage
    void reply.code(ready ? 200 : 503).header('content-type', JSON_TYPE).header('cache-control', 'no-store')
    return JSON.stringify({ status: ready ? 'ready' : state === 'serving' ? 'storage-closed' : state, storage: storage ? 'open' : 'closed' })
  })
  const metrics = options.metrics
  if (metrics !== undefined) {
    app.get('/metrics', get, async (_request, reply) => {
      const text = await metrics.render()
      void reply.code(200).header('content-type', metrics.contentType).header('cache-control', 'no-store')
      return text
    })
  }
}
