/**
 * AWS names and shapes <-> action shapes, with no per-action code (requests are decoded
 * in aws-request.ts). A member's AWS name is its snake_case key in PascalCase. Outputs are
 * encoded by name: every key becomes PascalCase, timestamp members' numbers
 * (milliseconds) become epoch seconds, bytes become base64. Only the acronym ARN breaks the rule
 * (`StreamARN`, `ConsumerARN`).
 */
import type { TSchema } from '@sinclair/typebox'
import type { FieldNamer } from '../actions/validation.js'

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

interface Schemaish {
  properties?: Record<string, TSchema>
  patternProperties?: Record<string, TSchema>
  additionalProperties?: TSchema | boolean
  items?: TSchema
}

function isPlainObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
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
    if (typeof s.additionalProperties === 'object') visit(s.additionalProperties)
  }
  for (const schema of schemas) visit(schema)
  return names
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
