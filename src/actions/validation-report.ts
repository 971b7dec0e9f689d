/**
 * Words a failed validation as AWS does. It runs only after the compiled check has failed,
 * so it may take its time: it walks the schema the check was compiled from, members in
 * the order the schema declares them and each member's constraints in the order its
 * options declare them (the order AWS checks them in), and stops after 10 errors:
 *
 *   2 validation errors detected: Value '' at 'streamName' failed to satisfy constraint:
 *   Member must satisfy regular expression pattern: [a-zA-Z0-9_.-]+; Value null at ...
 *
 * Values are shown as AWS's Java service shows them: blobs as
 * `java.nio.HeapByteBuffer[pos=0 lim=N cap=N]`, maps as `{k=v, ...}`, lists as `[a, b]`
 * and structures by their `javaName` mark.
 */
import type { TSchema } from '@sinclair/typebox'
import { ServiceError } from '../errors.js'
import type { FieldNamer } from './validation.js'

type Path = ReadonlyArray<string | number>

/** A member required unless another member holds a given value (ShardCount, unless the stream is ON_DEMAND). */
export interface RequiredUnless {
  readonly member: string
  readonly unless: readonly string[]
  readonly is: unknown
}

/** Whether `rule` requires its member of `data`. */
export function requires (rule: RequiredUnless, data: Record<string, unknown>): boolean {
  let value: unknown = data
  for (const key of rule.unless) value = (value as Record<string, unknown> | null | undefined)?.[key]
  return value !== rule.is
}

/** The schema keywords the report reads. */
interface Shape {
  type?: string
  properties?: Record<string, TSchema>
  required?: string[]
  requiredOneOf?: string[][]
  requiredUnless?: RequiredUnless[]
  items?: TSchema
  propertyNames?: TSchema
  additionalProperties?: TSchema | boolean
  patternProperties?: Record<string, TSchema>
  enum?: unknown[]
  pattern?: string
  maxByteLength?: number
  epochMs?: boolean
  /** How AWS's Java service prints a structure, e.g. `...PutRecordsRequestEntry@c965e310`. */
  javaName?: string
  [keyword: string]: unknown
}

/** AWS reports at most this many failed constraints per request. */
export const MAX_REPORTED = 10

const shapeOf = (schema: TSchema | undefined): Shape => (schema ?? {}) as Shape

function isMap (s: Shape): boolean {
  return s.type === 'object' && s.properties === undefined
}

function mapValueSchema (s: Shape): TSchema | undefined {
  if (typeof s.additionalProperties === 'object') return s.additionalProperties
  const pattern = s.patternProperties
  return pattern === undefined ? undefined : Object.values(pattern)[0]
}

/** The pattern as AWS prints it: without the anchors JSON Schema needs (see awsPattern). */
export function patternText (pattern: string): string {
  const wrapped = /^\^\(\?:(.*)\)\$$/.exec(pattern)
  if (wrapped !== null) return wrapped[1]!
  return pattern.replace(/^\^/, '').replace(/\$$/, '')
}

function lengthOf (value: unknown): number | undefined {
  if (typeof value === 'string' || Array.isArray(value)) return value.length
  if (value instanceof Uint8Array) return value.byteLength
  if (typeof value === 'object' && value !== null) return Object.keys(value).length
  return undefined
}

/** One keyword's constraint as AWS words it, with a test of the value; undefined when the keyword is not a constraint. */
function constraintOf (keyword: string, s: Shape): { text: string, holds: (value: unknown) => boolean } | undefined {
  const limit = s[keyword]
  switch (keyword) {
    case 'minLength': case 'minItems': case 'minProperties':
      return { text: `Member must have length greater than or equal to ${String(limit)}`, holds: (v) => (lengthOf(v) ?? 0) >= (limit as number) }
    case 'maxLength': case 'maxItems': case 'maxProperties': case 'maxByteLength':
      return { text: `Member must have length less than or equal to ${String(limit)}`, holds: (v) => (lengthOf(v) ?? 0) <= (limit as number) }
    case 'minimum':
      return { text: `Member must have value greater than or equal to ${String(limit)}`, holds: (v) => typeof v !== 'number' || v >= (limit as number) }
    case 'maximum':
      return { text: `Member must have value less than or equal to ${String(limit)}`, holds: (v) => typeof v !== 'number' || v <= (limit as number) }
    case 'pattern': {
      const re = new RegExp(limit as string, 'u')
      return { text: `Member must satisfy regular expression pattern: ${patternText(limit as string)}`, holds: (v) => typeof v !== 'string' || re.test(v) }
    }
    case 'enum':
      return { text: `Member must satisfy enum value set: [${(limit as unknown[]).map(String).join(', ')}]`, holds: (v) => (limit as unknown[]).includes(v) }
    default:
      return undefined
  }
}

/** Every constraint a scalar schema declares, in its order: the bracket of a list's or map's member constraint. */
function scalarConstraints (schema: TSchema | undefined): Array<{ text: string, holds: (value: unknown) => boolean }> {
  const s = shapeOf(schema)
  return Object.keys(s).map((k) => constraintOf(k, s)).filter((c) => c !== undefined)
}

function render (value: unknown, schema: TSchema | undefined): string {
  const s = shapeOf(schema)
  if (value === null || value === undefined) return 'null'
  if (value instanceof Uint8Array) return `java.nio.HeapByteBuffer[pos=0 lim=${value.byteLength} cap=${value.byteLength}]`
  if (Array.isArray(value)) return `[${value.map((item) => render(item, s.items)).join(', ')}]`
  if (typeof value === 'object') {
    if (s.javaName !== undefined) return s.javaName
    if (isMap(s)) {
      const valueSchema = mapValueSchema(s)
      return `{${Object.entries(value).map(([k, v]) => `${k}=${render(v, valueSchema)}`).join(', ')}}`
    }
    return JSON.stringify(value)
  }
  return String(value as string | number | boolean)
}

class Report {
  readonly lines: string[] = []

  constructor (private readonly name: FieldNamer) {}

  get full (): boolean {
    return this.lines.length >= MAX_REPORTED
  }

  add (value: unknown, schema: TSchema | undefined, path: Path, text: string): void {
    if (this.full) return
    const shown = value === null || value === undefined ? 'null' : `'${render(value, schema)}'`
    this.lines.push(`Value ${shown} at '${this.name(path)}' failed to satisfy constraint: ${text}`)
  }

  struct (schema: TSchema, value: Record<string, unknown>, path: Path): void {
    const s = shapeOf(schema)
    const required = new Set(s.required ?? [])
    // Of each group of alternatives none of which is given, the first is reported missing.
    for (const group of s.requiredOneOf ?? []) {
      if (group.every((key) => value[key] === undefined || value[key] === null)) required.add(group[0]!)
    }
    for (const rule of s.requiredUnless ?? []) if (requires(rule, value)) required.add(rule.member)
    for (const [key, member] of Object.entries(s.properties ?? {})) {
      if (this.full) return
      const v = value[key]
      if (v === undefined || v === null) {
        if (required.has(key)) this.add(null, member, [...path, key], 'Member must not be null')
        continue
      }
      this.member(member, v, [...path, key])
    }
  }

  member (schema: TSchema, value: unknown, path: Path): void {
    const s = shapeOf(schema)
    for (const keyword of Object.keys(s)) {
      if (this.full) return
      const constraint = constraintOf(keyword, s)
      if (constraint !== undefined) {
        if (!constraint.holds(value)) this.add(value, schema, path, constraint.text)
        continue
      }
      switch (keyword) {
        case 'properties':
          if (typeof value === 'object' && value !== null) this.struct(schema, value as Record<string, unknown>, path)
          break
        case 'items':
          if (Array.isArray(value)) this.items(schema, value, path)
          break
        case 'propertyNames':
          this.mapPart(schema, value as object, Object.keys(value as object), s.propertyNames, path, 'Map keys must satisfy constraint')
          break
        case 'additionalProperties': case 'patternProperties':
          if (isMap(s)) this.mapPart(schema, value as object, Object.values(value as object), mapValueSchema(s), path, 'Map value must satisfy constraint')
          break
      }
    }
  }

  /** A list of structures is checked member by member; a list of scalars as one constraint on the list. */
  private items (schema: TSchema, list: readonly unknown[], path: Path): void {
    const item = shapeOf(schema).items
    if (shapeOf(item).properties !== undefined) {
      list.forEach((v, i) => {
        if (this.full) return
        if (v === null || v === undefined) this.add(null, item, [...path, i], 'Member must not be null')
        else this.member(item!, v, [...path, i])
      })
      return
    }
    const constraints = scalarConstraints(item)
    if (list.some((v) => constraints.some((c) => !c.holds(v)))) {
      this.add(list, schema, path, `Member must satisfy constraint: [${constraints.map((c) => c.text).join(', ')}]`)
    }
  }

  /** A constraint on a map's keys or values is reported with the whole map as the value. */
  private mapPart (schema: TSchema, map: object, parts: readonly unknown[], partSchema: TSchema | undefined, path: Path, what: string): void {
    const constraints = scalarConstraints(partSchema)
    if (parts.some((v) => constraints.some((c) => !c.holds(v)))) {
      this.add(map, schema, path, `${what}: [${constraints.map((c) => c.text).join(', ')}]`)
    }
  }
}

/** A type the value does not have, described readably (AWS JSON's own wording is the HTTP decoder's job). */
function typeMismatch (schema: TSchema, value: unknown): string | undefined {
  const s = shapeOf(schema)
  if (s.maxByteLength !== undefined) return value instanceof Uint8Array ? undefined : 'bytes'
  switch (s.type) {
    case 'string': return typeof value === 'string' ? undefined : 'string'
    case 'integer': return Number.isInteger(value) ? undefined : 'integer'
    case 'number': return typeof value === 'number' ? undefined : 'number'
    case 'boolean': return typeof value === 'boolean' ? undefined : 'boolean'
    case 'array': return Array.isArray(value) ? undefined : 'array'
    case 'object': return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array) ? undefined : 'object'
  }
  // An enum number outside the enum (protobuf) is a bad value, which the constraints report.
  return undefined
}

function findTypeError (schema: TSchema, value: unknown, path: Path): { path: Path, expected: string, value: unknown } | undefined {
  if (value === undefined || value === null) return undefined
  const expected = typeMismatch(schema, value)
  if (expected !== undefined) return { path, expected, value }
  const s = shapeOf(schema)
  if (s.properties !== undefined) {
    for (const [key, member] of Object.entries(s.properties)) {
      const found = findTypeError(member, (value as Record<string, unknown>)[key], [...path, key])
      if (found !== undefined) return found
    }
  } else if (Array.isArray(value) && s.items !== undefined) {
    for (let i = 0; i < value.length; i++) {
      const found = findTypeError(s.items, value[i], [...path, i])
      if (found !== undefined) return found
    }
  } else if (isMap(s)) {
    const valueSchema = mapValueSchema(s)
    for (const [key, v] of Object.entries(value as object)) {
      const found = valueSchema === undefined ? undefined : findTypeError(valueSchema, v, [...path, key])
      if (found !== undefined) return found
    }
  }
  return undefined
}

function shortShow (value: unknown): string {
  if (value instanceof Uint8Array) return `<${value.byteLength} bytes>`
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value as string | number | boolean)
  return text.length > 64 ? text.slice(0, 61) + '...' : text
}

/**
 * The error for an input the compiled check refused: SERIALIZATION_FAILED for the first
 * value of a wrong type, else VALIDATION_FAILED with AWS's list. Undefined when the
 * schema failed on something the report does not word.
 */
export function explainFailure (schema: TSchema, input: unknown, name: FieldNamer): ServiceError | undefined {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return new ServiceError('SERIALIZATION_FAILED', 'The request must be an object of the operation\'s members.')
  }
  const wrong = findTypeError(schema, input, [])
  if (wrong !== undefined) {
    return new ServiceError('SERIALIZATION_FAILED', `Field '${name(wrong.path)}' has the wrong type: expected ${wrong.expected}, got '${shortShow(wrong.value)}'.`)
  }
  const report = new Report(name)
  report.struct(schema, input as Record<string, unknown>, [])
  const count = report.lines.length
  if (count === 0) return undefined
  return new ServiceError('VALIDATION_FAILED', `${count} validation error${count === 1 ? '' : 's'} detected: ${report.lines.join('; ')}`)
}
