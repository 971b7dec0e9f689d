/**
 * createServer: opens the store, loads the catalog, and starts the transports.
 */
import { randomBytes } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { ActionContexts, LEASE_ACTIONS, LEASE_STREAMING_ACTIONS, QUEUE_ACTIONS, STREAM_ACTIONS, STREAM_STREAMING_ACTIONS, TOPIC_ACTIONS } from './actions/index.js'
import { resolveConfig, type ServerConfig, type ServerOptions } from './config.js'
import { startGrpcServer, type GrpcServer } from './grpc/grpc-server.js'
import { startHttpServer, type HttpServer } from './http/http-server.js'
import { registerConsole } from './console/console-routes.js'
import { loadKeyFile } from './http/sigv4.js'
import { registerOpsRoutes, type Readiness } from './http/ops-routes.js'
import { registerDomainMetrics } from './metrics/domain-metrics.js'
import { Metrics } from './metrics/metrics.js'
import type { FastifyInstance } from 'fastify'
import type { Server as HttpNodeServer } from 'node:http'
import { LeaseRegistry } from './leases/lease-registry.js'
import { QueueRegistry } from './queues/queue-registry.js'
import { TopicRegistry } from './topics/topic-registry.js'
import { snsQueryService } from './http/sns-query.js'
import { createLogger } from './logger.js'
import { scopeOf } from './scope.js'
import { LevelStore } from './storage/level-store.js'
import type { Store } from './storage/store.js'
import { RecordReader } from './streams/record-reader.js'
import { RecordWriter } from './streams/record-writer.js'
import { RetentionTrimmer } from './streams/retention-trimmer.js'
import { AccountSettings } from './streams/account-settings.js'
import { OnDemandScaler } from './streams/on-demand-scaler.js'
import { ConsumerRegistry } from './streams/consumer-registry.js'
import { StreamRegistry } from './streams/stream-registry.js'
import { TokenSigner } from './streams/token-signer.js'

const SECRET_KEY = 'meta/token-secret'

/** Shutdown gives running calls this long before cutting them off. */
const SHUTDOWN_GRACE_MS = 3000

export interface ShardlineServer {
  /** The bound gRPC port (the real one when 0 was asked for). */
  readonly grpcPort: number
  /** The bound port of the AWS-compatible HTTP API (HTTP/1.1 and HTTP/2 cleartext). */
  readonly httpPort: number
  readonly host: string
  readonly config: ServerConfig
  /** The server's metrics (rendered at GET /metrics); other domains register theirs here. */
  readonly metrics: Metrics
  /** Runs the retention trimmer once, now. */
  trimNow (): Promise<void>
  /** Samples the shard loads of ON_DEMAND streams and scales them, once, now. */
  scaleNow (): Promise<void>
  /** Stops taking calls, finishes running ones, closes the database. Idempotent. */
  close (): Promise<void>
}

/** The secret that seals iterators and page tokens; kept in the database so tokens survive a restart. */
async function tokenSecret (store: Store): Promise<Buffer> {
  const stored = await store.getDocument<string>(SECRET_KEY)
  if (stored !== undefined) return Buffer.from(stored, 'hex')
  const secret = randomBytes(32)
  const batch = store.batch()
  batch.putDocument(SECRET_KEY, secret.toString('hex'))
  await store.commit(batch)
  return secret
}

export async function createServer (options: ServerOptions = {}): Promise<ShardlineServer> {
  const config = resolveConfig(options)
  const log = createLogger(config.logLevel)
  // Read before anything is opened, so a bad key file fails fast with nothing to undo.
  const keys = config.auth === undefined ? undefined : await loadKeyFile(config.auth)
  if (!config.memory) await mkdir(config.dataDir, { recursive: true })
  const metrics = new Metrics({ enabled: config.metrics, shardLabels: config.metricsShardLabels })
  let readiness: Readiness = 'opening'
  let store: LevelStore
  try {
    store = await LevelStore.open({
      location: config.dataDir,
      memory: config.memory,
      sync: config.sync,
      onObserverError: (err) => log.error({ err }, 'a commit observer failed'),
      onWrite: (submissions, seconds) => metrics.commits.committed(submissions, seconds)
    })
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message
    throw new Error(`cannot open the data directory ${config.dataDir}: ${cause} (is another shardline using it?)`, { cause: err })
  }
  const signer = new TokenSigner(await tokenSecret(store))
  const streams = await StreamRegistry.load(store, config, log)
  const consumers = new ConsumerRegistry(streams, config, log)
  const leases = await LeaseRegistry.open(store, config, scopeOf(config.accountId, config.region))
  const writer = new RecordWriter(store, config)
  const queues = await QueueRegistry.load(store, streams, writer, signer, config, log)
  const accounts = await AccountSettings.load(store, config.clock, config.region)
  const topics = await TopicRegistry.load(store, streams, writer, config, log, queues, config.lambdaEndpoints)
  const contexts = new ActionContexts({
    config,
    streams,
    consumers,
    leases,
    accounts,
    queues,
    topics,
    signer,
    writer,
    reader: new RecordReader(store, streams, signer, config),
    metrics
  })
  registerDomainMetrics(metrics, { streams, consumers, leases, queues, topics })
  const trimmer = new RetentionTrimmer(store, streams, config, log)
  trimmer.start()
  const scaler = new OnDemandScaler(streams, accounts, config, log)
  scaler.start()
  let grpc: GrpcServer | undefined
  let http: HttpServer
  try {
    grpc = await startGrpcServer(contexts, {
      'shardline.v1.StreamService': { unary: STREAM_ACTIONS, streaming: STREAM_STREAMING_ACTIONS },
      'shardline.v1.LeaseService': { unary: LEASE_ACTIONS, streaming: LEASE_STREAMING_ACTIONS },
      'shardline.v1.QueueService': { unary: QUEUE_ACTIONS },
      'shardline.v1.TopicService': { unary: TOPIC_ACTIONS }
    }, config.host, config.grpcPort, log)
    const scope = contexts.defaultScope
    // The operator's paths (/metrics, /health, /ready) and, unless turned off, the console.
    const routes = (app: FastifyInstance<HttpNodeServer>): void => {
      registerOpsRoutes(app as unknown as FastifyInstance, {
        metrics: config.metrics ? metrics : undefined,
        readiness: () => readiness,
        storageOpen: () => store.isOpen
      })
      if (config.console) registerConsole(app, { scope, streams, consumers, leases, queues, topics, store, clock: config.clock }, { keys, contexts })
    }
    http = await startHttpServer(contexts, { unary: STREAM_ACTIONS, streaming: STREAM_STREAMING_ACTIONS, queues: QUEUE_ACTIONS, query: [snsQueryService(TOPIC_ACTIONS)], keys, routes, topics }, config.host, config.httpPort, log)
  } catch (err) {
    await grpc?.close(0)
    await trimmer.stop()
    await scaler.stop()
    await topics.close()
    await queues.close()
    consumers.close()
    leases.close()
    streams.close()
    await store.close()
    throw err
  }
  const started = grpc
  // gRPC callers are told queue URLs on the HTTP API's real address.
  queues.origin = `http://${config.host.includes(':') ? `[${config.host}]` : config.host}:${http.port}`
  topics.origin = queues.origin
  // Deliveries start once every projection is open and the HTTP API serves the URLs they name.
  topics.start()
  log.info({ host: config.host, grpcPort: grpc.port, httpPort: http.port, data: config.memory ? ':memory:' : config.dataDir }, 'shardline started')

  readiness = 'serving'
  let closing: Promise<void> | undefined
  return {
    grpcPort: grpc.port,
    httpPort: http.port,
    host: config.host,
    config,
    metrics,
    trimNow: () => trimmer.trimNow(),
    scaleNow: () => scaler.scaleNow(),
    close () {
      closing ??= (async () => {
        readiness = 'closing'
        // Subscriptions and lease watches never finish by themselves; end them first so the
        // transport's graceful shutdown only waits for unary calls.
        consumers.close()
        leases.close()
        queues.endWaits()
        await Promise.all([started.close(SHUTDOWN_GRACE_MS), http.close(SHUTDOWN_GRACE_MS)])
        await trimmer.stop()
        await scaler.stop()
        // Topics first: their pumps write into queues.
        await topics.close()
        await queues.close()
        streams.close()
        // Closing drains the group commit first, so every acknowledged write is on disk.
        await store.close()
        log.info('shardline stopped')
        log.flush()
      })()
      return closing
    }
  }
}
