/**
 * Consumer options with their defaults in one place. Programmer mistakes throw TypeError at
 * construction rather than failing later inside the lease protocol.
 */
import type { ChannelCredentials } from '@grpc/grpc-js'

import type { StreamRef } from '../types.js'

export type InitialPosition = 'TRIM_HORIZON' | 'LATEST' | { timestamp: number | Date }

export interface CheckpointOptions {
  /** Checkpoint automatically once this many records were handled since the last one. Default 1,000. */
  everyRecords?: number
  /** ... or once this long passed since the last one with records handled. Default 1,000 ms. */
  everyMs?: number
}

export interface ConsumerOptions {
  /** host:port of a shardline gRPC listener. */
  endpoint: string
  credentials?: ChannelCredentials
  /** The region of the stream and the lease table; default the server's. */
  region?: string
  /** The account of the stream and the lease table; default the server's. */
  accountId?: string
  /** Stream name or ARN. */
  stream: string
  /** Names the lease table (one per application) and, in fan-out mode, the stream consumer. */
  application: string
  /** Unique within the application; a restarted worker may reuse its id. Default worker-<pid>-<random>. */
  workerId?: string
  /** 'polling' reads with GetRecords (5 calls/s per shard); 'fanout' with SubscribeToShard. Default 'polling'. */
  mode?: 'polling' | 'fanout'
  /** Where shards without a checkpoint start. Default 'TRIM_HORIZON'. */
  initialPosition?: InitialPosition
  /** How long a lease lasts without renewal; failover takes at most about this long. 300 ms to 24 h; default 10,000 ms. */
  leaseDurationMs?: number
  /** Upper bound of leases this worker holds. Default unlimited. */
  maxLeasesForWorker?: number
  checkpoint?: CheckpointOptions
  /** GetRecords page size in polling mode, 1 to 10,000. Default 10,000. */
  maxRecordsPerBatch?: number
}

export interface ResolvedOptions {
  readonly endpoint: string
  readonly credentials: ChannelCredentials | undefined
  readonly region: string | undefined
  readonly accountId: string | undefined
  readonly stream: string
  readonly application: string
  readonly workerId: string
  readonly mode: 'polling' | 'fanout'
  readonly initialPosition: InitialPosition
  readonly leaseDurationMs: number
  readonly maxLeasesForWorker: number
  readonly everyRecords: number
  readonly everyMs: number
  readonly maxRecordsPerBatch: number
}

const MIN_LEASE_DURATION_MS = 300

const DEFAULTS = {
  mode: 'polling',
  initialPosition: 'TRIM_HORIZON',
  leaseDurationMs: 10_000,
  maxLeasesForWorker: Number.POSITIVE_INFINITY,
  everyRecords: 1000,
  everyMs: 1000,
  maxRecordsPerBatch: 10_000
} as const

/** The stream as the StreamService calls name it: by ARN when given one, else by name. */
export function streamRef (stream: string): StreamRef {
  return stream.startsWith('arn:') ? { streamArn: stream } : { streamName: stream }
}

function nonEmpty (name: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw new TypeError(`${name} must be a non-empty string, got ${String(value)}`)
  return value
}

function optionalNonEmpty (name: string, value: unknown): string | undefined {
  return value === undefined ? undefined : nonEmpty(name, value)
}

function positive (name: string, value: unknown, fallback: number, max = Number.POSITIVE_INFINITY): number {
  if (value === undefined) return fallback
  if (typeof value !== 'number' || !(value > 0) || value > max || (Number.isFinite(value) && !Number.isInteger(value))) {
    throw new TypeError(`${name} must be a positive integer${Number.isFinite(max) ? ` up to ${max}` : ''}, got ${String(value)}`)
  }
  return value
}

function defaultWorkerId (): string {
  return `worker-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
}

const KNOWN_OPTIONS: ReadonlySet<string> = new Set(['endpoint', 'credentials', 'region', 'accountId', 'stream', 'application', 'workerId', 'mode', 'initialPosition', 'leaseDurationMs', 'maxLeasesForWorker', 'checkpoint', 'maxRecordsPerBatch'])
const KNOWN_CHECKPOINT_OPTIONS: ReadonlySet<string> = new Set(['everyRecords', 'everyMs'])

/** A misspelt option would otherwise be ignored in silence and its default used. */
function refuseUnknown (what: string, value: object, known: ReadonlySet<string>): void {
  const unknown = Object.keys(value).filter((key) => !known.has(key))
  if (unknown.length > 0) throw new TypeError(`unknown ${what} ${unknown.join(', ')}; known: ${[...known].join(', ')}`)
}

export function resolveOptions (options: ConsumerOptions): ResolvedOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('new Consumer() takes an options object { endpoint, stream, application, ... }')
  refuseUnknown('Consumer option(s)', options, KNOWN_OPTIONS)
  if (options.checkpoint !== undefined) {
    if (typeof options.checkpoint !== 'object' || options.checkpoint === null) throw new TypeError('checkpoint must be an object { everyRecords, everyMs }')
    refuseUnknown('checkpoint option(s)', options.checkpoint, KNOWN_CHECKPOINT_OPTIONS)
  }
  const mode = options.mode ?? DEFAULTS.mode
  if (mode !== 'polling' && mode !== 'fanout') throw new TypeError(`mode must be 'polling' or 'fanout', got ${String(mode)}`)
  const initialPosition = options.initialPosition ?? DEFAULTS.initialPosition
  if (initialPosition !== 'TRIM_HORIZON' && initialPosition !== 'LATEST' &&
    !(typeof initialPosition === 'object' && initialPosition !== null && (typeof initialPosition.timestamp === 'number' || initialPosition.timestamp instanceof Date))) {
    throw new TypeError(`initialPosition must be 'TRIM_HORIZON', 'LATEST' or { timestamp }, got ${JSON.stringify(initialPosition)}`)
  }
  const workerId = options.workerId ?? defaultWorkerId()
  const leaseDurationMs = positive('leaseDurationMs', options.leaseDurationMs, DEFAULTS.leaseDurationMs, 86_400_000)
  // Renewals run every third of it, so below this a busy event loop would lose leases.
  if (leaseDurationMs < MIN_LEASE_DURATION_MS) throw new TypeError(`leaseDurationMs must be at least ${MIN_LEASE_DURATION_MS}, got ${leaseDurationMs}`)
  return {
    endpoint: nonEmpty('endpoint', options.endpoint),
    credentials: options.credentials,
    region: optionalNonEmpty('region', options.region),
    accountId: optionalNonEmpty('accountId', options.accountId),
    stream: nonEmpty('stream', options.stream),
    application: nonEmpty('application', options.application),
    workerId: nonEmpty('workerId', workerId),
    mode,
    initialPosition,
    leaseDurationMs,
    maxLeasesForWorker: positive('maxLeasesForWorker', options.maxLeasesForWorker, DEFAULTS.maxLeasesForWorker),
    everyRecords: positive('checkpoint.everyRecords', options.checkpoint?.everyRecords, DEFAULTS.everyRecords),
    everyMs: positive('checkpoint.everyMs', options.checkpoint?.everyMs, DEFAULTS.everyMs),
    maxRecordsPerBatch: positive('maxRecordsPerBatch', options.maxRecordsPerBatch, DEFAULTS.maxRecordsPerBatch, 10_000)
  }
}
