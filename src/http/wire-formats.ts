/**
 * The two body encodings of the Kinesis API: JSON 1.1 (AWS SDKs, CLI, boto3) and CBOR 1.1
 * (the AWS SDK for Java's default). They differ only in how they write timestamps and
 * bytes, which `WireTypes` captures.
 */
import { addExtension, Decoder, Encoder, Tag } from 'cbor-x'
import { ServiceError } from '../errors.js'
import { encodeResponse, type WireTypes } from './aws-shapes.js'
import { writeAwsJson, writeAwsJsonChunks } from './json-writer.js'

export const AMZ_JSON = 'application/x-amz-json-1.1'

/** Content-Type headers seen, and their media types: a client sends the same one on every call. */
const mediaTypes = new Map<string, string>()
const MEDIA_TYPES_KEPT = 64

/** The media type of a Content-Type header, lower case, without parameters; '' for none. */
export function mediaTypeOf (contentType: string | undefined): string {
  if (contentType === undefined) return ''
  let type = mediaTypes.get(contentType)
  if (type === undefined) {
    const semi = contentType.indexOf(';')
    type = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase()
    // Bounded: a client making up headers must not grow it.
    if (mediaTypes.size >= MEDIA_TYPES_KEPT) mediaTypes.clear()
    mediaTypes.set(contentType, type)
  }
  return type
}
export const AMZ_CBOR = 'application/x-amz-cbor-1.1'

export interface WireFormat {
  readonly contentType: string
  readonly types: WireTypes
  parse (body: Buffer): unknown
  /** Any value (error bodies) as this wire's bytes. */
  serialize (value: unknown): Buffer
  /** An action's output (snake_case, milliseconds, bytes) as the AWS response body. */
  encode (output: unknown): Buffer
  /** The same body as one or more chunks, to send without joining them. */
  encodeChunks (output: unknown): Buffer[]
}

function epochSecondsToMs (value: unknown): number | undefined {
  // Fractional seconds carry milliseconds; rounding undoes float error (x.123 * 1000).
  return typeof value === 'number' && Number.isFinite(value) ? Math.round(value * 1000) : undefined
}

export const jsonWire: WireFormat = {
  contentType: AMZ_JSON,
  types: {
    time: (ms) => ms / 1000,
    bytes: (data) => Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('base64'),
    readTime: epochSecondsToMs
  },
  parse (body) {
    try {
      return JSON.parse(body.toString('utf8')) as unknown
    } catch (err) {
      throw new ServiceError('SERIALIZATION_FAILED', `The request body is not valid JSON: ${(err as Error).message}.`)
    }
  },
  serialize: (value) => Buffer.from(JSON.stringify(value)),
  encode: writeAwsJson,
  encodeChunks: writeAwsJsonChunks
}

/** A CBOR tag-1 timestamp as read from a request. */
class CborEpoch {
  constructor (readonly value: number | bigint) {}
}

// cbor-x reads tag 1 as a Date of epoch seconds; the AWS SDK for Java writes epoch
// milliseconds under tag 1 (and reads them back the same way), so the raw value is kept.
addExtension({
  Class: CborEpoch,
  tag: 1,
  encode: (epoch: CborEpoch, encode: (value: number | bigint) => Uint8Array) => encode(epoch.value),
  decode: (value: number | bigint) => new CborEpoch(value)
})

const cborDecoder = new Decoder({ mapsAsObjects: true, useRecords: false })
const cborEncoder = new Encoder({ mapsAsObjects: true, useRecords: false })

export const cborWire: WireFormat = {
  contentType: AMZ_CBOR,
  types: {
    // A 64-bit integer under tag 1, as AWS writes it (a plain number would be a float).
    time: (ms) => new Tag(BigInt(Math.round(ms)), 1),
    bytes: (data) => Buffer.from(data.buffer, data.byteOffset, data.byteLength),
    readTime: (value) => {
      if (value instanceof CborEpoch) return Number(value.value)
      return epochSecondsToMs(value)
    }
  },
  parse (body) {
    try {
      return cborDecoder.decode(body) as unknown
    } catch (err) {
      throw new ServiceError('SERIALIZATION_FAILED', `The request body is not valid CBOR: ${(err as Error).message}.`)
    }
  },
  serialize: (value) => cborEncoder.encode(value),
  encode: (output) => cborEncoder.encode(encodeResponse(output, cborWire.types)),
  encodeChunks: (output) => [cborWire.encode(output)]
}

/** The wire format for a Content-Type header (parameters ignored), if it is one of ours. */
export function wireFor (contentType: string | undefined): WireFormat | undefined {
  // What SDKs send, as they send it, without splitting and case-folding.
  if (contentType === AMZ_JSON) return jsonWire
  if (contentType === AMZ_CBOR) return cborWire
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase()
  if (type === AMZ_JSON) return jsonWire
  if (type === AMZ_CBOR) return cborWire
  return undefined
}
