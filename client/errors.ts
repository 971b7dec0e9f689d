import { Metadata, status } from '@grpc/grpc-js'
import type { ServiceError } from '@grpc/grpc-js'
import type { Lease } from './lease-types.js'

/** Trailing metadata keys the server fills on every failed call. */
const METADATA_KEYS = {
  code: 'shardline-code',
  awsType: 'shardline-aws-type',
  retriable: 'shardline-retriable'
} as const

/**
 * Transport failures a retry may cure; the rest would fail the same way again. Without the
 * server's metadata, RESOURCE_EXHAUSTED is grpc-js's own "message too large", which a
 * retry cannot cure (the server's throttling always carries metadata).
 */
const RETRIABLE_STATUSES: ReadonlySet<number> = new Set([
  status.UNAVAILABLE,
  status.DEADLINE_EXCEEDED,
  status.INTERNAL
])

/**
 * The one error StreamClient calls reject with. Branch on `code` (a stable shardline code
 * such as STREAM_NOT_FOUND) and `retriable`, never on the message.
 */
export class ShardlineError extends Error {
  readonly code: string
  /** The AWS error name, e.g. ResourceNotFoundException. */
  readonly awsType: string
  /** True when the same request may succeed if sent again later, unchanged. */
  readonly retriable: boolean
  readonly grpcStatus: number
  /** With LEASE_COUNTER_MISMATCH: the lease as it is now, to retry against its counter. */
  readonly currentLease?: Lease
  override readonly cause: ServiceError

  constructor (cause: ServiceError, extras: { currentLease?: Lease } = {}) {
    super(typeof cause.details === 'string' && cause.details !== '' ? cause.details : cause.message, { cause })
    this.name = 'ShardlineError'
    this.cause = cause
    this.grpcStatus = cause.code
    this.code = metadataString(cause.metadata, METADATA_KEYS.code) ?? fallbackCode(cause.code)
    this.awsType = metadataString(cause.metadata, METADATA_KEYS.awsType) ??
      (cause.code === status.UNAVAILABLE ? 'ServiceUnavailable' : 'InternalFailure')
    this.retriable = metadataBoolean(cause.metadata, METADATA_KEYS.retriable) ??
      RETRIABLE_STATUSES.has(cause.code)
    if (extras.currentLease !== undefined) this.currentLease = extras.currentLease
  }
}

export function isShardlineError (err: unknown): err is ShardlineError {
  return err instanceof ShardlineError
}

/**
 * grpc-js reports most failures as a ServiceError through the callback, but some (a call on
 * a closed channel, a failed connection wait) arrive as plain errors; those are dressed as
 * a ServiceError with the given status so callers see one error type.
 */
export function toShardlineError (err: unknown, statusIfUnknown: status = status.INTERNAL): ShardlineError {
  if (err instanceof ShardlineError) return err
  if (isServiceError(err)) return new ShardlineError(err)
  return new ShardlineError(syntheticServiceError(err, statusIfUnknown, new Metadata()))
}

/**
 * A request the client cannot even encode would be rejected by the server as
 * SERIALIZATION_FAILED, so it is reported the same way, without a round trip.
 */
export function requestEncodingError (err: unknown): ShardlineError {
  const metadata = new Metadata()
  metadata.set(METADATA_KEYS.code, 'SERIALIZATION_FAILED')
  metadata.set(METADATA_KEYS.awsType, 'SerializationException')
  metadata.set(METADATA_KEYS.retriable, 'false')
  return new ShardlineError(syntheticServiceError(err, status.INVALID_ARGUMENT, metadata))
}

function syntheticServiceError (err: unknown, code: status, metadata: Metadata): ServiceError {
  const details = err instanceof Error ? err.message : String(err)
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`, { cause: err }), { code, details, metadata })
}

function isServiceError (err: unknown): err is ServiceError {
  return err instanceof Error &&
    typeof (err as Partial<ServiceError>).code === 'number' &&
    (err as Partial<ServiceError>).metadata instanceof Metadata
}

function fallbackCode (grpcStatus: number): string {
  if (grpcStatus === status.UNAVAILABLE) return 'UNAVAILABLE'
  if (grpcStatus === status.DEADLINE_EXCEEDED) return 'DEADLINE_EXCEEDED'
  return 'INTERNAL'
}

function metadataString (metadata: Metadata | undefined, key: string): string | undefined {
  const value = metadata?.get(key)[0]
  if (value === undefined) return undefined
  const text = typeof value === 'string' ? value : value.toString('utf8')
  return text === '' ? undefined : text
}

function metadataBoolean (metadata: Metadata | undefined, key: string): boolean | undefined {
  const text = metadataString(metadata, key)
  if (text === 'true') return true
  if (text === 'false') return false
  return undefined
}

/** A call on a client that was closed: not retriable, since this client never will be open again. */
export function closedClientError (endpoint: string, client = 'StreamClient'): ShardlineError {
  const metadata = new Metadata()
  metadata.set(METADATA_KEYS.code, 'CANCELLED')
  metadata.set(METADATA_KEYS.awsType, 'InternalFailure')
  metadata.set(METADATA_KEYS.retriable, 'false')
  return new ShardlineError(syntheticServiceError(new Error(`${client} for ${endpoint} is closed`), status.CANCELLED, metadata))
}
