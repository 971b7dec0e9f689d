/**
 * What the Producer checks before a record is buffered, and how it turns per-record
 * PutRecords failures into ShardlineErrors. A record the server would refuse is refused
 * here with the server's own code, so it never costs a round trip and, above all, never
 * makes a whole PutRecords call fail for the other records batched with it.
 */
import { Metadata, status } from '@grpc/grpc-js'
import type { ServiceError } from '@grpc/grpc-js'
import { ShardlineError } from './errors.js'
import type { RecordData } from './types.js'

export const MIB = 1024 * 1024
/** A record: data plus partition key (UTF-8), as the server counts it. */
export const MAX_RECORD_BYTES = MIB
/** PutRecords: 500 records and 5 MiB of data plus partition keys. */
export const MAX_BATCH_RECORDS = 500
export const MAX_BATCH_BYTES = 5 * MIB
const MAX_KEY_CHARS = 256
const MAX_HASH_KEY = (1n << 128n) - 1n
const HASH_KEY_PATTERN = /^(0|[1-9]\d{0,38})$/

export interface ProducerRecord {
  /** 1 to 256 Unicode characters; records of one key are stored in the order sent. */
  partitionKey: string
  /** Bytes, or a string sent as UTF-8. With the key at most 1 MiB. */
  data: RecordData
  /** A decimal in [0, 2^128 - 1]; places the record instead of the key's hash. */
  explicitHashKey?: string
}

/** The record as it goes on the wire, with its size as the server counts it. */
export interface CheckedRecord {
  readonly partitionKey: string
  readonly data: Buffer
  readonly explicitHashKey: string | undefined
  readonly bytes: number
}

/**
 * Misuse (not an object, data of the wrong type) throws a TypeError; values the server
 * would refuse throw a ShardlineError with its code.
 */
export function checkRecord (record: ProducerRecord): CheckedRecord {
  if (typeof record !== 'object' || record === null) throw new TypeError('send() takes an object { partitionKey, data, explicitHashKey? }')
  const { partitionKey, explicitHashKey } = record
  if (typeof partitionKey !== 'string') throw new TypeError(`partitionKey must be a string, got ${typeof partitionKey}`)
  const data = toBuffer(record.data)
  // Ajv on the server counts code points; length in UTF-16 units is an upper bound of that.
  const chars = partitionKey.length <= MAX_KEY_CHARS ? partitionKey.length : [...partitionKey].length
  if (chars < 1 || chars > MAX_KEY_CHARS) {
    throw localError('VALIDATION_FAILED', `1 validation error detected: partitionKey has ${chars} characters; it must have 1 to ${MAX_KEY_CHARS}.`)
  }
  const bytes = data.byteLength + Buffer.byteLength(partitionKey, 'utf8')
  if (bytes > MAX_RECORD_BYTES) {
    throw localError('VALIDATION_FAILED', `1 validation error detected: the record is ${bytes} bytes (data plus partition key); a record may be at most ${MAX_RECORD_BYTES} bytes.`)
  }
  if (explicitHashKey !== undefined) {
    if (typeof explicitHashKey !== 'string') throw new TypeError(`explicitHashKey must be a decimal string, got ${typeof explicitHashKey}`)
    if (!HASH_KEY_PATTERN.test(explicitHashKey)) {
      throw localError('VALIDATION_FAILED', `1 validation error detected: explicitHashKey '${explicitHashKey}' must be a decimal integer without leading zeros.`)
    }
    if (BigInt(explicitHashKey) > MAX_HASH_KEY) {
      throw localError('INVALID_HASH_KEY', `Invalid explicitHashKey ${explicitHashKey}: it must be a decimal integer in [0, 2^128 - 1].`)
    }
  }
  return { partitionKey, data, explicitHashKey, bytes }
}

function toBuffer (data: RecordData): Buffer {
  if (typeof data === 'string') return Buffer.from(data, 'utf8')
  if (Buffer.isBuffer(data)) return data
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength)
  throw new TypeError(`data must be a Uint8Array, Buffer or string, got ${data === null ? 'null' : typeof data}`)
}

/** Per-record error codes of PutRecords, mapped to the catalogue. */
const RECORD_ERRORS: Readonly<Record<string, { code: string, retriable: boolean, grpcStatus: status }>> = {
  ProvisionedThroughputExceededException: { code: 'THROUGHPUT_EXCEEDED', retriable: true, grpcStatus: status.RESOURCE_EXHAUSTED },
  InternalFailure: { code: 'INTERNAL', retriable: true, grpcStatus: status.INTERNAL }
}

/**
 * The error of one failed PutRecords entry. An error code this client does not know is
 * not retried: the record would most likely fail the same way again.
 */
export function recordError (errorCode: string, errorMessage: string | undefined): ShardlineError {
  const known = RECORD_ERRORS[errorCode]
  const message = errorMessage ?? errorCode
  if (known === undefined) return localError(errorCode, message, { awsType: errorCode, retriable: false, grpcStatus: status.UNKNOWN })
  return localError(known.code, message, { awsType: errorCode, retriable: known.retriable, grpcStatus: known.grpcStatus })
}

/** AWS names of the codes the Producer raises itself. */
const LOCAL_AWS_TYPES: Readonly<Record<string, string>> = {
  VALIDATION_FAILED: 'ValidationException',
  INVALID_HASH_KEY: 'InvalidArgumentException',
  CANCELLED: 'InternalFailure'
}

/**
 * A ShardlineError made on the client, shaped like one from the server (its metadata
 * carries the code), so callers handle both alike.
 */
export function localError (code: string, message: string, options: { awsType?: string, retriable?: boolean, grpcStatus?: status } = {}): ShardlineError {
  const grpcStatus = options.grpcStatus ?? (code === 'CANCELLED' ? status.CANCELLED : status.INVALID_ARGUMENT)
  const metadata = new Metadata()
  metadata.set('shardline-code', code)
  metadata.set('shardline-aws-type', options.awsType ?? LOCAL_AWS_TYPES[code] ?? 'InternalFailure')
  metadata.set('shardline-retriable', String(options.retriable ?? false))
  const cause: ServiceError = Object.assign(new Error(`${grpcStatus} ${status[grpcStatus]}: ${message}`), { code: grpcStatus, details: message, metadata })
  return new ShardlineError(cause)
}
