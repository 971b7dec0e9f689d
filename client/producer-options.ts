/**
 * The Producer's options: one object, its defaults in one place, checked once. Misuse
 * throws a TypeError that names the option and what it accepts.
 */
import type { ChannelCredentials } from '@grpc/grpc-js'
import type { StreamClient } from './stream-client.js'
import { MAX_BATCH_BYTES, MAX_BATCH_RECORDS, MIB } from './producer-records.js'

export interface ProducerRetryOptions {
  /** Attempts per record, the first included; default 100. Infinity for no limit but the deadline. */
  maxAttempts?: number
  /** No retry starts later than this many ms after the record was buffered; default 30,000. */
  deadlineMs?: number
  /** Upper bound of the first backoff; default 50. Each further attempt doubles it. */
  initialBackoffMs?: number
  /** Cap of the doubling; default 2,000. Delays are drawn uniformly below the bound (full jitter). */
  maxBackoffMs?: number
}

export interface ProducerOptions {
  /** host:port of a shardline gRPC listener. Give this or `client`. */
  endpoint?: string
  /** An existing client to share; the Producer then does not close it. */
  client?: StreamClient
  /** Channel credentials when the Producer opens its own client (default plaintext). */
  credentials?: ChannelCredentials
  /** A stream name or ARN. */
  stream: string
  /** How long a record may wait for others to fill its batch; default 10 ms. 0 sends at once. */
  lingerMs?: number
  /** Records per PutRecords call, 1 to 500; default 500. */
  maxBatchRecords?: number
  /** Bytes (data plus keys) per PutRecords call, up to 5 MiB; default 5 MiB. */
  maxBatchBytes?: number
  /** Bytes buffered and in flight before `send` waits; default 32 MiB. */
  maxBufferedBytes?: number
  /** PutRecords calls in flight at once; default 8. */
  maxInFlight?: number
  /** Deadline of each PutRecords call; default 10,000 ms. */
  callTimeoutMs?: number
  retry?: ProducerRetryOptions
}

export interface ResolvedRetry {
  readonly maxAttempts: number
  readonly deadlineMs: number
  readonly initialBackoffMs: number
  readonly maxBackoffMs: number
}

export interface ResolvedProducerOptions {
  readonly endpoint: string | undefined
  readonly client: StreamClient | undefined
  readonly credentials: ChannelCredentials | undefined
  /** Exactly one of the two is set. */
  readonly streamName: string | undefined
  readonly streamArn: string | undefined
  readonly lingerMs: number
  readonly maxBatchRecords: number
  readonly maxBatchBytes: number
  readonly maxBufferedBytes: number
  readonly maxInFlight: number
  readonly callTimeoutMs: number
  readonly retry: ResolvedRetry
}

export const PRODUCER_DEFAULTS = {
  lingerMs: 10,
  maxBatchRecords: MAX_BATCH_RECORDS,
  maxBatchBytes: MAX_BATCH_BYTES,
  maxBufferedBytes: 32 * MIB,
  maxInFlight: 8,
  callTimeoutMs: 10_000,
  retry: {
    maxAttempts: 100,
    deadlineMs: 30_000,
    initialBackoffMs: 50,
    maxBackoffMs: 2_000
  }
} as const

const KNOWN_OPTIONS: ReadonlySet<string> = new Set(['endpoint', 'client', 'credentials', 'stream', 'lingerMs', 'maxBatchRecords', 'maxBatchBytes', 'maxBufferedBytes', 'maxInFlight', 'callTimeoutMs', 'retry'])

function number (name: string, value: unknown, fallback: number, min: number, max: number, integer: boolean): number {
  if (value === undefined) return fallback
  const ok = typeof value === 'number' && !Number.isNaN(value) && value >= min && value <= max &&
    (!integer || Number.isInteger(value) || value === Infinity)
  if (!ok) throw new TypeError(`${name} must be ${integer ? 'an integer' : 'a number'} from ${min} to ${max}, got ${String(value)}`)
  return value
}

export function resolveProducerOptions (options: ProducerOptions): ResolvedProducerOptions {
  if (typeof options !== 'object' || options === null) throw new TypeError('new Producer() takes an options object { endpoint, stream, ... }')
  // A misspelt option would otherwise be ignored in silence and its default used.
  const unknown = Object.keys(options).filter((key) => !KNOWN_OPTIONS.has(key))
  if (unknown.length > 0) throw new TypeError(`unknown Producer option(s) ${unknown.join(', ')}; known: ${[...KNOWN_OPTIONS].join(', ')}`)
  const { endpoint, client, stream } = options
  if (client === undefined && (typeof endpoint !== 'string' || endpoint === '')) {
    throw new TypeError('endpoint must be a host:port string (or give client, an existing StreamClient)')
  }
  if (client !== undefined && endpoint !== undefined) throw new TypeError('give endpoint or client, not both')
  if (client !== undefined && options.credentials !== undefined) throw new TypeError('credentials apply to the channel opened for endpoint; a shared client has its own')
  if (typeof stream !== 'string' || stream === '') throw new TypeError('stream must be a stream name or ARN')
  const retry = options.retry ?? {}
  if (typeof retry !== 'object' || retry === null) throw new TypeError('retry must be an object { maxAttempts, deadlineMs, initialBackoffMs, maxBackoffMs }')
  const d = PRODUCER_DEFAULTS
  const resolved: ResolvedProducerOptions = {
    endpoint,
    client,
    credentials: options.credentials,
    ...(stream.startsWith('arn:') ? { streamName: undefined, streamArn: stream } : { streamName: stream, streamArn: undefined }),
    lingerMs: number('lingerMs', options.lingerMs, d.lingerMs, 0, 60_000, false),
    maxBatchRecords: number('maxBatchRecords', options.maxBatchRecords, d.maxBatchRecords, 1, MAX_BATCH_RECORDS, true),
    maxBatchBytes: number('maxBatchBytes', options.maxBatchBytes, d.maxBatchBytes, 1, MAX_BATCH_BYTES, true),
    maxBufferedBytes: number('maxBufferedBytes', options.maxBufferedBytes, d.maxBufferedBytes, 1, Number.MAX_SAFE_INTEGER, true),
    maxInFlight: number('maxInFlight', options.maxInFlight, d.maxInFlight, 1, 1_000, true),
    callTimeoutMs: number('callTimeoutMs', options.callTimeoutMs, d.callTimeoutMs, 1, 3_600_000, false),
    retry: {
      maxAttempts: number('retry.maxAttempts', retry.maxAttempts, d.retry.maxAttempts, 1, Infinity, true),
      deadlineMs: number('retry.deadlineMs', retry.deadlineMs, d.retry.deadlineMs, 0, Infinity, false),
      initialBackoffMs: number('retry.initialBackoffMs', retry.initialBackoffMs, d.retry.initialBackoffMs, 0, 3_600_000, false),
      maxBackoffMs: number('retry.maxBackoffMs', retry.maxBackoffMs, d.retry.maxBackoffMs, 0, 3_600_000, false)
    }
  }
  if (resolved.retry.maxBackoffMs < resolved.retry.initialBackoffMs) {
    throw new TypeError(`retry.maxBackoffMs (${resolved.retry.maxBackoffMs}) must not be below retry.initialBackoffMs (${resolved.retry.initialBackoffMs})`)
  }
  return resolved
}

/** Full jitter: uniform in [0, min(cap, initial * 2^(attempt - 1))). */
export function backoffMs (retry: ResolvedRetry, attempt: number): number {
  const bound = Math.min(retry.maxBackoffMs, retry.initialBackoffMs * 2 ** Math.min(attempt - 1, 30))
  return Math.random() * bound
}
