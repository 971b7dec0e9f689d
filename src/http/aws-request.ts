/**
 * An AWS request body (parsed JSON or CBOR) as an action's input, by walking the action's
 * own input schema: each member's AWS name is its PascalCase form, bytes are base64 (JSON)
 * or byte strings (CBOR), timestamps epoch seconds (JSON) or CBOR tag 1. Unknown members
 * are dropped and nulls mean absent, as in AWS.
 *
 * A value of the wrong type is refused here, the way AWS's Java deserializer refuses it:
 * with its words (`class java.lang.Boolean can not be converted to an String`, `Expected
 * map or null`), which name no member, for the first wrong member in the schema's order.
 */
import type { TSchema } from '@sinclair/typebox'
import { isEpochMs } from '../actions/schema.js'
import { ServiceError } from '../errors.js'
import { awsName } from './aws-shapes.js'

/** How a wire format reads the two types JSON has no native form for. */
export interface WireReader {
  /** A decoded wire timestamp in milliseconds, or undefined when `value` is not one. */
  readTime (value: unknown): number | undefined
}

export type Kind = 'String' | 'Integer' | 'Long' | 'Double' | 'Boolean' | 'Blob' | 'Timestamp' | 'List' | 'Map' | 'Structure' | 'Any'

interface Shape {
  type?: string
  awsType?: Kind
  properties?: Record<string, TSchema>
  additionalProperties?: TSchema | boolean
  patternProperties?: Record<string, TSchema>
  items?: TSchema
  maxByteLength?: number
}

export function kindOf (schema: TSchema): Kind {
  const s = schema as Shape
  if (s.awsType !== undefined) return s.awsType
  if (s.maxByteLength !== undefined) return 'Blob'
  if (isEpochMs(schema)) return 'Timestamp'
  switch (s.type) {
    case 'string': return 'String'
    case 'integer': return 'Integer'
    case 'number': return 'Double'
    case 'boolean': return 'Boolean'
    case 'array': return 'List'
    case 'object': return s.properties !== undefined ? 'Structure' : 'Map'
    default: return 'Any'
  }
}

function refused (message: string): ServiceError {
  return new ServiceError('SERIALIZATION_FAILED', message)
}

const NUMBER_CLASS = 'class com.amazon.coral.value.json.numbers.TruncatingBigNumber'

/** The Java class AWS's deserializer saw for a JSON scalar. */
function javaClass (value: unknown): string {
  if (typeof value === 'boolean') return 'class java.lang.Boolean'
  if (typeof value === 'number' || typeof value === 'bigint') return NUMBER_CLASS
  return 'class java.lang.String'
}

/** The message for an array or object where a scalar was expected. */
function structuralMismatch (value: unknown): string | undefined {
  if (Array.isArray(value)) return 'Start of list found where not expected'
  if (typeof value === 'object' && value !== null && !(value instanceof Uint8Array)) return 'Start of structure or map found where not expected.'
  return undefined
}

const INT_MIN = -2147483648
const INT_MAX = 2147483647

const BASE64_CHAR = /[^A-Za-z0-9+/=]|=[^=]/

/** Why `text` is not canonical base64, as AWS words it. */
function base64Problem (text: string): string {
  if (text.length % 4 !== 0) return `Base64 encoded length is expected a multiple of 4 bytes but found: ${text.length}`
  const bad = BASE64_CHAR.exec(text)
  if (bad !== null) return `Invalid Base64 character: '${bad[0].charAt(0)}'`
  return 'Invalid last non-pad Base64 character dectected'
}

const BASE64_VALUES = new Int8Array(128).fill(-1)
for (const [i, c] of [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'].entries()) BASE64_VALUES[c.charCodeAt(0)] = i

/**
 * Strict base64, cheaply (a 5 MiB PutRecords holds 6.7 MB of it): Buffer.from skips what
 * is not base64 (and takes base64url's `-` and `_`), which shows as a decoded length short
 * of what the text's length promises; the two base64url characters are looked for
 * directly, and the last character before the padding must leave no bits unused.
 */
function decodeBase64 (text: string): Buffer {
  const padding = text.endsWith('==') ? 2 : (text.endsWith('=') ? 1 : 0)
  if (text.length % 4 === 0 && !text.includes('-') && !text.includes('_')) {
    const decoded = Buffer.from(text, 'base64')
    const last = padding === 0 ? 0 : BASE64_VALUES[text.charCodeAt(text.length - padding - 1)] ?? -1
    const unusedBits = padding === 2 ? 0x0f : 0x03
    if (decoded.length === (text.length / 4) * 3 - padding && (padding === 0 || (last >= 0 && (last & unusedBits) === 0))) return decoded
  }
  throw refused(`'${text}' can not be converted to a Blob: ${base64Problem(text)}`)
}

function isPlainObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
}

export function decodeScalar (kind: Kind, value: unknown, wire: WireReader): unknown {
  switch (kind) {
    case 'String':
      if (typeof value === 'string') return value
      throw refused(structuralMismatch(value) ?? `${javaClass(value)} can not be converted to an String`)
    case 'Integer': case 'Long': case 'Double':
      if (typeof value === 'number') {
        if (kind === 'Double') return value
        // AWS truncates a JSON number to the member's integer type.
        const whole = Math.trunc(value)
        return kind === 'Integer' ? Math.min(INT_MAX, Math.max(INT_MIN, whole)) : whole
      }
      throw refused(structuralMismatch(value) ?? `${javaClass(value)} can not be converted to an ${kind}`)
    case 'Boolean':
      if (typeof value === 'boolean') return value
      if (typeof value === 'string') {
        const upper = value.toUpperCase()
        if (upper === 'TRUE' || upper === 'FALSE') return upper === 'TRUE'
        throw refused(`'${upper}' can not be converted to an Boolean`)
      }
      throw refused(structuralMismatch(value) ?? `${javaClass(value)} can not be converted to an Boolean`)
    case 'Blob':
      if (typeof value === 'string') return decodeBase64(value)
      if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength)
      throw refused(structuralMismatch(value) ?? `${javaClass(value)} can not be converted to a Blob`)
    case 'Timestamp': {
      const ms = typeof value === 'string' || typeof value === 'boolean' ? undefined : wire.readTime(value)
      if (ms !== undefined) return ms
      throw refused(structuralMismatch(value) ?? `${javaClass(value)} can not be converted to milliseconds since epoch`)
    }
    default:
      return value
  }
}

function decodeValue (schema: TSchema, kind: Kind, value: unknown, wire: WireReader): unknown {
  const s = schema as Shape
  switch (kind) {
    case 'Structure':
      if (isPlainObject(value)) return decodeStruct(s.properties!, value, wire)
      throw refused(Array.isArray(value) ? 'Start of list found where not expected' : 'Expected null')
    case 'List': {
      if (!Array.isArray(value)) throw refused(isPlainObject(value) ? 'Start of structure or map found where not expected.' : 'Expected list or null')
      const item = s.items!
      const itemKind = kindOf(item)
      return value.map((v) => (v === null || v === undefined ? v : decodeValue(item, itemKind, v, wire)))
    }
    case 'Map': {
      if (!isPlainObject(value)) throw refused(Array.isArray(value) ? 'Start of list found where not expected' : 'Expected map or null')
      const valueSchema = typeof s.additionalProperties === 'object' ? s.additionalProperties : Object.values(s.patternProperties ?? {})[0]
      if (valueSchema === undefined) return value
      const valueKind = kindOf(valueSchema)
      const out: Record<string, unknown> = {}
      for (const key of Object.keys(value)) {
        const v = value[key]
        if (v !== null && v !== undefined) out[key] = decodeValue(valueSchema, valueKind, v, wire)
      }
      return out
    }
    default:
      return decodeScalar(kind, value, wire)
  }
}

interface StructMember {
  readonly key: string
  /** The member's name in the body (`PartitionKey`). */
  readonly name: string
  readonly schema: TSchema
  readonly kind: Kind
}

/** Each struct schema's members, worked out once: a PutRecords body has 500 structs. */
const structMembers = new WeakMap<Record<string, TSchema>, readonly StructMember[]>()

function membersOf (properties: Record<string, TSchema>): readonly StructMember[] {
  let members = structMembers.get(properties)
  if (members === undefined) {
    members = Object.entries(properties).map(([key, schema]) => ({ key, name: awsName(key), schema, kind: kindOf(schema) }))
    structMembers.set(properties, members)
  }
  return members
}

function decodeStruct (properties: Record<string, TSchema>, body: Record<string, unknown>, wire: WireReader): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const member of membersOf(properties)) {
    const value = body[member.name]
    if (value === null || value === undefined) continue
    out[member.key] = decodeValue(member.schema, member.kind, value, wire)
  }
  return out
}

/** An AWS request body (already parsed from JSON or CBOR) as the action's input. */
export function decodeRequest (schema: TSchema, body: Record<string, unknown>, wire: WireReader): Record<string, unknown> {
  return decodeStruct((schema as Shape).properties ?? {}, body, wire)
}
