/**
 * Rules several operations share, beyond what their schemas say.
 */
import { ServiceError } from '../../errors.js'

/** What a record counts toward the limits: its data plus its partition key's UTF-8 bytes. */
export function recordSize (partitionKey: string, data: Uint8Array): number {
  return data.byteLength + Buffer.byteLength(partitionKey, 'utf8')
}

/**
 * A record (data plus partition key) may not exceed the stream's largest record (1 MiB
 * unless UpdateMaxRecordSize raised it). `entry` is the record's index in PutRecords.
 * Data over the limit by itself is reported as the schema reports a field too long.
 */
export function checkRecordSize (partitionKey: string, data: Uint8Array, entry: number | undefined, maxBytes: number, bytes = recordSize(partitionKey, data)): number {
  if (bytes > maxBytes) {
    if (data.byteLength > maxBytes) {
      const field = entry === undefined ? 'data' : `records[${entry}].data`
      throw new ServiceError('VALIDATION_FAILED', `1 validation error detected: Value '<${data.byteLength} bytes>' at '${field}' failed to satisfy constraint: Member must have length less than or equal to ${maxBytes}`)
    }
    const record = entry === undefined ? 'The record' : `records[${entry}]`
    throw new ServiceError('VALIDATION_FAILED', `1 validation error detected: ${record} is ${bytes} bytes (data plus partition key); a record of this stream may be at most ${maxBytes} bytes (its MaxRecordSizeInKiB, which UpdateMaxRecordSize raises up to 10 MiB).`)
  }
  return bytes
}

/**
 * The forms a KMS key id takes (AWS's StartStreamEncryption documentation): a key ARN, an
 * alias ARN, an alias name (`alias/aws/kinesis` is Kinesis's own key), or a key id (a
 * UUID, or `mrk-` and 32 hex digits for a multi-Region key).
 */
const KEY_ID_FORMS = [
  /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i,
  /^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:alias\/[a-zA-Z0-9/_-]+$/,
  /^alias\/[a-zA-Z0-9/_-]+$/,
  /^(mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i
]

/** No KMS is called, so a key is not looked up; but a KeyId in none of KMS's forms is refused as AWS refuses it. */
export function checkKeyId (keyId: string): void {
  if (!KEY_ID_FORMS.some((form) => form.test(keyId))) {
    throw new ServiceError('INVALID_ARGUMENT', `KeyId ${keyId} is not a KMS key: give a key ARN (arn:aws:kms:<region>:<account>:key/<key id>), an alias ARN (arn:aws:kms:<region>:<account>:alias/<name>), an alias name (alias/<name>, e.g. alias/aws/kinesis) or a key id (a UUID).`)
  }
}
