/**
 * AWS JSON shapes <-> action shapes, with no per-action code. Requests are decoded by
 * walking the action's own input schema (snake_case keys): each member's AWS name is its
 * PascalCase form, bytes fields are base64 (JSON) or byte strings (CBOR), and timestamp
 * fields are epoch seconds (JSON) or CBOR tag 1. Outputs are encoded by name: every key
 * becomes PascalCase, timestamp members' numbers (milliseconds) become epoch seconds, bytes
 * become base64. Only the acronym ARN breaks the rule (`StreamARN`, `ConsumerARN`).
 */
import type { TSchema } from '@sinclair/typebox'
import { ServiceError } from '../errors.js'
import type { FieldNamer } from '../actions/validation.js'
import { isEpochMs } from '../actions/schema.js'

/** How one wire format writes the two types JSON has no native form for. */
export interface WireTypes {
  /** A timestamp in milliseconds as the wire writes it. */
  time (ms: number): unknown
  bytes (data: Uint8Array): unknown
  /** A decoded wire timestamp in milliseconds, or undefined when `value` is not one. */
  readTime (value: unknown): number | undefined
}

const ACRONYMS: Record<string, string> = { arn: 'ARN' }

const pascalCache = new Map<string, string>()

/** `stream_arn` -> `StreamARN`, `millis_behind_latest` -> `MillisBehindLatest`. */
export function awsName (snake: string): string {
  let name = pascalCache.get(snake)
  if (name === undefined) {
    name = snake.split('_').map((w) => ACRONYMS[w] ?? (w.charAt(0).toUpperCase() + w.slice(1))).join('')
    pascalCache.set(snake, name)
  }
  return name
}

/**
 * Field paths in validation messages as AWS writes them: the member name with a lower-case
 * first letter, list elements as `records.1.member` (counted from 1).
 */
export const awsFieldPath: FieldNamer = (segments) => segments
  .map((s) => (typeof s === 'number' ? `${s + 1}.member` : lowerFirst(awsName(s))))
  .join('.')

/**
 * Whether an output member is a timestamp, by its name: AWS's older members end in
 * `Timestamp` (`StreamCreationTimestamp`), its newer ones in `At` (`StartedAt`).
 */
export function isTimestampKey (key: string): boolean {
  return key.endsWith('_timestamp') || key.endsWith('_at')
}

function lowerFirst (name: string): string {
  return name.charAt(0).toLowerCase() + name.slice(1)
}

function serialization (message: string): ServiceError {
  return new ServiceError('SERIALIZATION_FAILED', message)
}

/**
 * Strict base64: Buffer.from skips characters that are not base64 (and takes base64url's
 * `-` and `_`), where AWS rejects the value. A skipped character shows as a decoded length
 * short of what the text's length promises; the two base64url characters are looked for
 * directly. Cheaper than a regular expression over every record's data.
 */
function decodeBase64 (text: string, path: string): Buffer {
  const invalid = (): ServiceError => serialization(`Field '${path}' is not valid base64: a Blob must be base64 (A-Z, a-z, 0-9, +, /, with = padding) with a length that is a multiple of 4.`)
  if (text.length % 4 !== 0 || text.includes('-') || text.includes('_')) throw invalid()
  const decoded = Buffer.from(text, 'base64')
  const padding = text.endsWith('==') ? 2 : (text.endsWith('=') ? 1 : 0)
  if (decoded.length !== (text.length / 4) * 3 - padding) throw invalid()
  return decoded
}

interface Schemaish {
  type?: string
  properties?: Record<string, TSchema>
  patternProperties?: Record<string, TSchema>
  items?: TSchema
  maxByteLength?: number
}

function isPlainObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
}

/**
 * Decodes one value by its schema. Values of the wrong JSON type pass through unchanged,
 * so the action's validation reports them (as a SerializationException) with the field's
 * name; unknown members are dropped and nulls mean absent, as in AWS.
 */
function decodeValue (schema: TSchema, value: unknown, wire: WireTypes, path: string): unknown {
  const s = schema as Schemaish
  if (s.maxByteLength !== undefined) {
    if (typeof value === 'string') return decodeBase64(value, path)
    return value instanceof Uint8Array ? Buffer.from(value.buffer, value.byteOffset, value.byteLength) : value
  }
  if (isEpochMs(schema)) return wire.readTime(value) ?? value
  if (s.properties !== undefined) return isPlainObject(value) ? decodeStruct(s.properties, value, wire, path) : value
  if (s.patternProperties !== undefined && isPlainObject(value)) {
    const valueSchema = Object.values(s.patternProperties)[0]!
    const out: Record<string, unknown> = {}
    for (const [key, v] of Object.entries(value)) {
      if (v !== null && v !== undefined) out[key] = decodeValue(valueSchema, v, wire, `${path}.${key}`)
    }
    return out
  }
  if (s.items !== undefined && Array.isArray(value)) {
    return value.map((v, i) => decodeValue(s.items!, v, wire, `${path}.${i + 1}.member`))
  }
  return value
}

interface StructMember {
  readonly key: string
  /** The member's name in the body (`PartitionKey`). */
  readonly name: string
  /** Its name in a field path (`partitionKey`). */
  readonly pathName: string
  readonly schema: TSchema
}

/** Each struct schema's members, worked out once: a PutRecords body has 500 structs. */
const structMembers = new WeakMap<Record<string, TSchema>, readonly StructMember[]>()

function membersOf (properties: Record<string, TSchema>): readonly StructMember[] {
  let members = structMembers.get(properties)
  if (members === undefined) {
    members = Object.entries(properties).map(([key, schema]) => ({ key, name: awsName(key), pathName: lowerFirst(awsName(key)), schema }))
    structMembers.set(properties, members)
  }
  return members
}

function decodeStruct (properties: Record<string, TSchema>, body: Record<string, unknown>, wire: WireTypes, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const member of membersOf(properties)) {
    const value = body[member.name]
    if (value === null || value === undefined) continue
    out[member.key] = decodeValue(member.schema, value, wire, path === '' ? member.pathName : path + '.' + member.pathName)
  }
  return out
}

/** The snake_case names (with at least one underscore) of every member of the given input schemas, at any depth. */
export function memberNamesOf (schemas: readonly TSchema[]): Set<string> {
  const names = new Set<string>()
  const visit = (schema: TSchema | undefined): void => {
    const s = schema as Schemaish | undefined
    if (s === undefined) return
    for (const [key, member] of Object.entries(s.properties ?? {})) {
      if (key.includes('_')) names.add(key)
      visit(member)
    }
    visit(s.items)
    for (const member of Object.values(s.patternProperties ?? {})) visit(member)
  }
  for (const schema of schemas) visit(schema)
  return names
}

/** An AWS request body (already parsed from JSON or CBOR) as the action's input. */
export function decodeRequest (schema: TSchema, body: unknown, wire: WireTypes): unknown {
  const properties = (schema as Schemaish).properties
  if (!isPlainObject(body)) throw serialization('The request body must be a JSON object (or a CBOR map).')
  return decodeStruct(properties ?? {}, body, wire, '')
}

/** An action's output as the AWS response shape. */
export function encodeResponse (output: unknown, wire: WireTypes): unknown {
  if (output instanceof Uint8Array) return wire.bytes(output)
  if (Array.isArray(output)) return output.map((v) => encodeResponse(v, wire))
  if (!isPlainObject(output)) return output
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(output)) {
    if (value === undefined) continue
    out[awsName(key)] = isTimestampKey(key) && typeof value === 'number' ? wire.time(value) : encodeResponse(value, wire)
  }
  return out
}
