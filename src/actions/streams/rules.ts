/**
 * Rules several operations share, beyond what their schemas say.
 */
import { ServiceError } from '../../errors.js'
import { MIB } from '../../streams/shard-throttle.js'

/** A record (data plus partition key) may not exceed 1 MiB. */
export function checkRecordSize (partitionKey: string, data: Uint8Array, where: string): number {
  const bytes = data.byteLength + Buffer.byteLength(partitionKey, 'utf8')
  if (bytes > MIB) {
    throw new ServiceError('VALIDATION_FAILED', `1 validation error detected: ${where} is ${bytes} bytes (data plus partition key); a record may be at most ${MIB} bytes.`)
  }
  return bytes
}

/** Tag keys starting with 'aws:' belong to AWS. */
export function rejectReservedTagKeys (keys: readonly string[]): void {
  const reserved = keys.find((k) => k.toLowerCase().startsWith('aws:'))
  if (reserved !== undefined) {
    throw new ServiceError('INVALID_ARGUMENT', `Tag key ${reserved} uses the reserved prefix 'aws:'; choose a key without it.`)
  }
}
