/**
 * Server options and their defaults, in one place. The CLI flags map one to one onto
 * these fields.
 */
import { systemClock, type Clock } from './clock.js'
import type { PartitionHash } from './streams/hash-key.js'

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent'

export interface ServerOptions {
  /** Data directory. Default `./data`. */
  dataDir?: string
  /** Keep nothing on disk. Default false. */
  memory?: boolean
  /** Listen address. Default `127.0.0.1`. */
  host?: string
  /** gRPC port; 0 picks a free one. Default 4568. */
  grpcPort?: number
  /** AWS-compatible HTTP port (HTTP/1.1 and HTTP/2 cleartext); 0 picks a free one. Default 4567. */
  httpPort?: number
  /**
   * A SigV4 key file (JSON `{"ACCESS_KEY_ID": "secret"}`): the HTTP API then verifies every
   * signature. Without it any credentials are accepted. Default none.
   */
  auth?: string
  /** `aws` enforces the per-shard limits; `off` lifts them. Default `aws`. */
  limits?: 'aws' | 'off'
  /** fsync every committed batch. Default false. */
  sync?: boolean
  /** Used in ARNs. Default `us-east-1`. */
  region?: string
  /** Used in ARNs. Default `000000000000`. */
  accountId?: string
  /** How long a stream stays CREATING (or DELETING). Default 0. */
  createStreamMs?: number
  /** Default `info` for the CLI, `warn` when embedded. */
  logLevel?: LogLevel
  /** Time source; tests inject one to drive retention and expiry. */
  clock?: Clock
  /** How often the retention trimmer runs. Default 60 s. */
  trimIntervalMs?: number
  /** UpdateShardCount calls allowed per stream per rolling 24 hours (AWS: 10). `limits: 'off'` lifts it. */
  shardCountUpdatesPerDay?: number
  /** Enhanced fan-out consumers per stream (AWS: 20). */
  maxConsumersPerStream?: number
  /** How long a SubscribeToShard subscription lives (AWS: 5 minutes). */
  subscriptionLifetimeMs?: number
  /** How often a subscription with nothing to send sends an empty event (AWS: 5 s). */
  subscriptionHeartbeatMs?: number
  /** How often a WatchLeases call with nothing to send sends a HEARTBEAT. Default 5 s. */
  leaseWatchHeartbeatMs?: number
  /** How new streams map partition keys to hash keys unless CreateStream says. Default `MURMUR3`; `MD5` places keys as AWS does. */
  partitionHash?: PartitionHash
  /**
   * Open shards allowed per account and region, over all streams (on-demand ones too).
   * Default AWS's: 500 in us-east-1, us-west-2 and eu-west-1, 200 elsewhere. `limits: 'off'` lifts it.
   */
  shardLimit?: number
  /** ON_DEMAND streams allowed per account and region (AWS: 50). `limits: 'off'` lifts it. */
  onDemandStreamLimit?: number
  /** How often ON_DEMAND streams' shard loads are sampled; 0 samples only on `scaleNow()`. Default 1 s. */
  onDemandCheckMs?: number
  /** An ON_DEMAND shard is split when its write load averaged over this is over half its limit. Default 60 s. */
  onDemandScaleUpMs?: number
  /** How long two neighbouring ON_DEMAND shards must stay under a quarter of their limit before they merge. Default 24 h. */
  onDemandScaleDownMs?: number
  /** A queue writes a snapshot of its state after this many changes (sends and events). Default 20,000. */
  queueSnapshotEvery?: number
  /** ...or this long after the first change since its last snapshot. Default 5 s. */
  queueSnapshotMs?: number
  /** Serve the web console at `GET /console` on the HTTP port. Default true. */
  console?: boolean
  /** Serve Prometheus metrics at `GET /metrics` on the HTTP port. Default true. */
  metrics?: boolean
  /**
   * Label stream and lease metrics by shard. Off, they are summed per stream (per lease
   * table), so streams with thousands of shards keep a bounded number of series. Default true.
   */
  metricsShardLabels?: boolean
  /** Lambda function name to the URL its SNS subscriptions POST their events to (`--lambda-endpoint NAME=URL`). */
  lambdaEndpoints?: Record<string, string>
}

export interface ServerConfig {
  readonly dataDir: string
  readonly memory: boolean
  readonly host: string
  readonly grpcPort: number
  readonly httpPort: number
  readonly auth: string | undefined
  readonly limits: 'aws' | 'off'
  readonly sync: boolean
  readonly region: string
  readonly accountId: string
  readonly createStreamMs: number
  readonly logLevel: LogLevel
  readonly clock: Clock
  readonly trimIntervalMs: number
  /** Shard iterators expire this long after they were issued (Kinesis: 5 minutes). */
  readonly iteratorTtlMs: number
  readonly shardCountUpdatesPerDay: number
  readonly maxConsumersPerStream: number
  readonly subscriptionLifetimeMs: number
  readonly subscriptionHeartbeatMs: number
  readonly leaseWatchHeartbeatMs: number
  readonly partitionHash: PartitionHash
  /** undefined: AWS's default for the region (see shardQuota in streams/account-limits.ts). */
  readonly shardLimit: number | undefined
  readonly onDemandStreamLimit: number
  readonly onDemandCheckMs: number
  readonly onDemandScaleUpMs: number
  readonly onDemandScaleDownMs: number
  readonly queueSnapshotEvery: number
  readonly queueSnapshotMs: number
  readonly console: boolean
  readonly metrics: boolean
  readonly metricsShardLabels: boolean
  readonly lambdaEndpoints: ReadonlyMap<string, string>
}

export const DEFAULTS = {
  dataDir: './data',
  memory: false,
  host: '127.0.0.1',
  grpcPort: 4568,
  httpPort: 4567,
  limits: 'aws',
  sync: false,
  region: 'us-east-1',
  accountId: '000000000000',
  createStreamMs: 0,
  logLevel: 'warn',
  trimIntervalMs: 60_000,
  iteratorTtlMs: 300_000,
  shardCountUpdatesPerDay: 10,
  maxConsumersPerStream: 20,
  subscriptionLifetimeMs: 300_000,
  subscriptionHeartbeatMs: 5000,
  leaseWatchHeartbeatMs: 5000,
  partitionHash: 'MURMUR3',
  onDemandStreamLimit: 50,
  onDemandCheckMs: 1000,
  onDemandScaleUpMs: 60_000,
  onDemandScaleDownMs: 86_400_000,
  queueSnapshotEvery: 20_000,
  queueSnapshotMs: 5000,
  console: true,
  metrics: true,
  metricsShardLabels: true
} as const

function wholeNumber (name: string, value: number | undefined, min: number): number | undefined {
  if (value !== undefined && (!Number.isSafeInteger(value) || value < min)) throw new TypeError(`${name} must be an integer >= ${min}, got ${String(value)}`)
  return value
}

export function resolveConfig (options: ServerOptions = {}): ServerConfig {
  const port = options.grpcPort ?? DEFAULTS.grpcPort
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new TypeError(`grpcPort must be an integer in 0..65535, got ${String(port)}`)
  const httpPort = options.httpPort ?? DEFAULTS.httpPort
  if (!Number.isInteger(httpPort) || httpPort < 0 || httpPort > 65535) throw new TypeError(`httpPort must be an integer in 0..65535, got ${String(httpPort)}`)
  const delay = options.createStreamMs ?? DEFAULTS.createStreamMs
  if (!Number.isFinite(delay) || delay < 0) throw new TypeError(`createStreamMs must be a number >= 0, got ${String(delay)}`)
  const limits = options.limits ?? DEFAULTS.limits
  if (limits !== 'aws' && limits !== 'off') throw new TypeError(`limits must be 'aws' or 'off', got ${String(limits)}`)
  const accountId = options.accountId ?? DEFAULTS.accountId
  if (!/^\d{12}$/.test(accountId)) throw new TypeError(`accountId must be 12 digits, got ${accountId}`)
  const region = options.region ?? DEFAULTS.region
  if (!/^[a-z0-9-]+$/.test(region)) throw new TypeError(`region must be lowercase letters, digits and dashes, got ${region}`)
  const partitionHash = options.partitionHash ?? DEFAULTS.partitionHash
  if (partitionHash !== 'MURMUR3' && partitionHash !== 'MD5') throw new TypeError(`partitionHash must be 'MURMUR3' or 'MD5', got ${String(partitionHash)}`)
  return {
    dataDir: options.dataDir ?? DEFAULTS.dataDir,
    memory: options.memory ?? DEFAULTS.memory,
    host: options.host ?? DEFAULTS.host,
    grpcPort: port,
    httpPort,
    auth: options.auth,
    limits,
    sync: options.sync ?? DEFAULTS.sync,
    region,
    accountId,
    createStreamMs: delay,
    logLevel: options.logLevel ?? DEFAULTS.logLevel,
    clock: options.clock ?? systemClock,
    trimIntervalMs: options.trimIntervalMs ?? DEFAULTS.trimIntervalMs,
    iteratorTtlMs: DEFAULTS.iteratorTtlMs,
    shardCountUpdatesPerDay: options.shardCountUpdatesPerDay ?? DEFAULTS.shardCountUpdatesPerDay,
    maxConsumersPerStream: options.maxConsumersPerStream ?? DEFAULTS.maxConsumersPerStream,
    subscriptionLifetimeMs: options.subscriptionLifetimeMs ?? DEFAULTS.subscriptionLifetimeMs,
    subscriptionHeartbeatMs: options.subscriptionHeartbeatMs ?? DEFAULTS.subscriptionHeartbeatMs,
    leaseWatchHeartbeatMs: options.leaseWatchHeartbeatMs ?? DEFAULTS.leaseWatchHeartbeatMs,
    partitionHash,
    shardLimit: wholeNumber('shardLimit', options.shardLimit, 1),
    onDemandStreamLimit: wholeNumber('onDemandStreamLimit', options.onDemandStreamLimit, 1) ?? DEFAULTS.onDemandStreamLimit,
    onDemandCheckMs: wholeNumber('onDemandCheckMs', options.onDemandCheckMs, 0) ?? DEFAULTS.onDemandCheckMs,
    onDemandScaleUpMs: wholeNumber('onDemandScaleUpMs', options.onDemandScaleUpMs, 0) ?? DEFAULTS.onDemandScaleUpMs,
    onDemandScaleDownMs: wholeNumber('onDemandScaleDownMs', options.onDemandScaleDownMs, 0) ?? DEFAULTS.onDemandScaleDownMs,
    queueSnapshotEvery: options.queueSnapshotEvery ?? DEFAULTS.queueSnapshotEvery,
    queueSnapshotMs: options.queueSnapshotMs ?? DEFAULTS.queueSnapshotMs,
    console: options.console ?? DEFAULTS.console,
    metrics: options.metrics ?? DEFAULTS.metrics,
    metricsShardLabels: options.metricsShardLabels ?? DEFAULTS.metricsShardLabels,
    lambdaEndpoints: new Map(Object.entries(options.lambdaEndpoints ?? {}))
  }
}
