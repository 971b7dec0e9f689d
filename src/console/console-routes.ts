/**
 * The web console's routes on the HTTP port. AWS clients only POST (and a browser's
 * preflight is an OPTIONS), so these GET routes collide with nothing; every other method
 * and path still reaches the AWS API's catch-all route. The page calls Kinesis, SQS and SNS
 * on `POST /`, as any client does.
 *
 * - `GET /console`: the page; `GET /console/assets/<file>`: its scripts and styles.
 * - `GET /console/events?stream=S&table=T&topic=N`: server-sent events, one JSON snapshot a
 *   second (console-feed.ts).
 * - `GET /console/hash?stream=S&key=K&key=...`: partition keys' hash keys, computed as the
 *   server places records (the page finds the shard from ListShards, as `shardline
 *   locate` does).
 * - `GET /console/peek?queue=NAME`: a queue's oldest unsettled messages, not received.
 *
 * Without a key file these act in the server's default account and region, as the page's
 * unsigned API calls do. With `--auth` each of them must be presigned (SigV4 in the query
 * string, which an EventSource can carry where it cannot carry a header) with a key in the
 * file, and acts in that key's account and the credential scope's region, as an API call
 * signed with the key would: the page and its files are open, the data behind them is not.
 */
import type { Server } from 'node:http'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { ActionContexts } from '../actions/index.js'
import { ServiceError, toServiceError } from '../errors.js'
import { signerContext } from '../http/kinesis-api.js'
import { checkSignature, type KeyTable } from '../http/sigv4.js'
import type { Scope } from '../scope.js'
import { hashPartitionKey } from '../streams/hash-key.js'
import { loadAssets } from './console-assets.js'
import { buildFeed, TrafficSampler, type FeedQuery, type FeedServices } from './console-feed.js'
import { PEEK_MAX, peekMessages } from './queue-peek.js'

/** How often open pages get a snapshot. */
export const FEED_INTERVAL_MS = 1000

/** A partition key is 1 to 256 Unicode characters (as PutRecord checks). */
const MAX_KEY_CHARS = 256

function queryValues (request: FastifyRequest, name: string): string[] {
  const value = (request.query as Record<string, string | string[] | undefined>)[name]
  return value === undefined ? [] : Array.isArray(value) ? value : [value]
}

function sendError (reply: FastifyReply, error: ServiceError): void {
  void reply.code(error.httpStatus).header('content-type', 'application/json').send(JSON.stringify({ __type: error.awsType, message: error.message }))
}

function streamOf (services: FeedServices, name: string | undefined): ReturnType<FeedServices['streams']['list']>[number] {
  const stream = name === undefined ? undefined : services.streams.list(services.scope).find((s) => s.name === name)
  if (stream === undefined) throw new ServiceError('STREAM_NOT_FOUND', `Stream ${name ?? '(none given)'} under account ${services.scope.accountId} not found.`)
  return stream
}

/** How the console's data routes are authorized: the server's key file, if any, and the scopes its keys act in. */
export interface ConsoleAccess {
  readonly keys: KeyTable | undefined
  readonly contexts: ActionContexts
}

export function registerConsole (app: FastifyInstance<Server>, services: FeedServices, access: ConsoleAccess): void {
  const assets = loadAssets()
  const sampler = new TrafficSampler()
  /** Each open page's push, and the scope it watches. */
  const pages = new Map<() => void, Scope>()
  let timer: NodeJS.Timeout | undefined

  /** The services as the request's signer sees them: its account and region (the default's without --auth). */
  const scoped = async (request: FastifyRequest): Promise<FeedServices> => {
    if (access.keys === undefined) return services
    const signer = await checkSignature({ method: request.method, url: request.url, headers: request.headers, body: Buffer.alloc(0) }, access.keys)
    return { ...services, scope: signerContext(access.contexts, signer).scope }
  }

  const sendAsset = (reply: FastifyReply, name: string): FastifyReply => {
    const asset = assets.get(name)
    if (asset === undefined) return reply.code(404).header('content-type', 'text/plain; charset=utf-8').send(`The console has no file ${name}.\n`)
    return reply.header('content-type', asset.contentType).header('cache-control', 'no-cache').send(asset.body)
  }
  app.get('/console', async (_request, reply) => sendAsset(reply, 'index.html'))
  app.get('/console/', async (_request, reply) => sendAsset(reply, 'index.html'))
  app.get('/console/assets/*', async (request, reply) => sendAsset(reply, (request.params as Record<string, string>)['*'] ?? ''))

  app.get('/console/hash', async (request, reply) => {
    try {
      const stream = streamOf(await scoped(request), queryValues(request, 'stream')[0])
      const keys = queryValues(request, 'key')
      if (keys.length === 0) throw new ServiceError('VALIDATION_FAILED', 'Give at least one partition key.')
      const hashes = keys.map((key) => {
        const chars = [...key].length
        if (chars < 1 || chars > MAX_KEY_CHARS) {
          throw new ServiceError('VALIDATION_FAILED', `1 validation error detected: Value '${key}' at 'partitionKey' failed to satisfy constraint: Member must have length between 1 and ${MAX_KEY_CHARS} (it has ${chars} characters).`)
        }
        return { key, hashKey: hashPartitionKey(key, stream.doc.partitionHash).toString() }
      })
      return await reply.header('content-type', 'application/json').send(JSON.stringify({ stream: stream.name, partitionHash: stream.doc.partitionHash, hashes }))
    } catch (err) {
      sendError(reply, toServiceError(err))
      return reply
    }
  })

  app.get('/console/peek', async (request, reply) => {
    try {
      const name = queryValues(request, 'queue')[0] ?? ''
      const { scope } = await scoped(request)
      const queue = services.queues.find(scope, name)
      if (queue === undefined || !queue.isOpen) throw new ServiceError('QUEUE_NOT_FOUND', `The specified queue ${name} does not exist.`)
      const messages = await peekMessages(queue, services.store, PEEK_MAX, services.clock())
      return await reply.header('content-type', 'application/json').send(JSON.stringify({ queue: queue.name, messages }))
    } catch (err) {
      sendError(reply, toServiceError(err))
      return reply
    }
  })

  /** Per-shard rates for every scope a page watches, each sampled once. */
  const sample = (): void => {
    const now = services.clock()
    for (const scope of new Set(pages.values())) sampler.sample(services.streams.list(scope), now)
  }
  const tick = (): void => {
    sample()
    for (const push of pages.keys()) push()
  }

  app.get('/console/events', async (request, reply) => {
    const query: FeedQuery = { stream: queryValues(request, 'stream')[0], table: queryValues(request, 'table')[0], topic: queryValues(request, 'topic')[0] }
    let watched: FeedServices
    try {
      watched = await scoped(request)
    } catch (err) {
      sendError(reply, toServiceError(err))
      return reply
    }
    reply.hijack()
    const res = reply.raw
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' })
    let busy = false
    const push = (): void => {
      // A page that has not taken the last snapshot (a slow tab) skips one.
      if (busy || res.writableNeedDrain) return
      busy = true
      buildFeed(watched, sampler, query).then((feed) => {
        if (!res.writableEnded) res.write(`data: ${JSON.stringify(feed)}\n\n`)
      }, (err: unknown) => {
        if (!res.writableEnded) res.write(`event: failure\ndata: ${JSON.stringify({ message: (err as Error).message })}\n\n`)
      }).finally(() => { busy = false })
    }
    const end = (): void => {
      pages.delete(push)
      if (!res.writableEnded) res.end()
      if (pages.size === 0 && timer !== undefined) {
        clearInterval(timer)
        timer = undefined
      }
    }
    pages.set(push, watched.scope)
    endings.add(end)
    request.raw.on('close', () => {
      endings.delete(end)
      end()
    })
    // Sampled only while someone watches; the first snapshot goes out at once.
    timer ??= setInterval(tick, FEED_INTERVAL_MS)
    sample()
    push()
    return reply
  })
  const endings = new Set<() => void>()
  // Event streams never end by themselves: end them before the server waits for its
  // connections to finish.
  app.addHook('preClose', (done) => {
    for (const end of endings) end()
    endings.clear()
    done()
  })
}
