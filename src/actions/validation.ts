/**
 * Declarative input validation. Each action declares one TypeBox schema; Ajv compiles it
 * once, and that compiled check is all a valid request pays (PutRecords with 500 records
 * included). Only a request that fails it is explained: validation-report.ts walks the
 * same schema and words each failed constraint as AWS's Kinesis does, in AWS's order; a
 * service that words its own errors (SQS) gets the failed constraints instead.
 */
import { Type, type TSchema, type TUnsafe } from '@sinclair/typebox'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { ServiceError } from '../errors.js'
import { explainFailure, requires, type RequiredUnless } from './validation-report.js'

/** Renders a field path; transports may name fields their own way (snake_case for gRPC). */
export type FieldNamer = (segments: ReadonlyArray<string | number>) => string

export const snakeCasePath: FieldNamer = (segments) =>
  segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : (i === 0 ? s : `.${s}`))).join('')

/** The check every request passes through: it stops at the first failure and says nothing. */
const fast = new Ajv({ allErrors: false, strict: false, coerceTypes: false, useDefaults: false })
/** For a service that words its own errors: every failure, with Ajv's account of it. */
const detailed = new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false })

// Binary fields arrive as Buffers (gRPC) or decoded base64 (HTTP); JSON Schema has no byte
// type, so this keyword checks both the type and the size.
fast.addKeyword({
  keyword: 'maxByteLength',
  schemaType: 'number',
  validate: (max: number, data: unknown) => data instanceof Uint8Array && data.byteLength <= max
})
detailed.addKeyword({
  keyword: 'maxByteLength',
  schemaType: 'number',
  errors: true,
  validate: function check (this: unknown, max: number, data: unknown) {
    const self = check as unknown as { errors: Array<Partial<ErrorObject>> }
    if (!(data instanceof Uint8Array)) {
      self.errors = [{ keyword: 'type', params: { type: 'bytes' } }]
      return false
    }
    if (data.byteLength > max) {
      self.errors = [{ keyword: 'maxByteLength', params: { limit: max } }]
      return false
    }
    return true
  }
})

for (const ajv of [fast, detailed]) {
  // Members of which at least one must be given (StreamName or StreamARN): when none is,
  // AWS reports the first as a null member.
  ajv.addKeyword({
    keyword: 'requiredOneOf',
    schemaType: 'array',
    validate: (groups: ReadonlyArray<readonly string[]>, data: unknown) => {
      if (typeof data !== 'object' || data === null) return true
      const record = data as Record<string, unknown>
      return groups.every((group) => group.some((key) => record[key] !== undefined && record[key] !== null))
    }
  })
  ajv.addKeyword({
    keyword: 'requiredUnless',
    schemaType: 'array',
    validate: (rules: readonly RequiredUnless[], data: unknown) => {
      if (typeof data !== 'object' || data === null) return true
      const record = data as Record<string, unknown>
      return rules.every((rule) => !requires(rule, record) || (record[rule.member] !== undefined && record[rule.member] !== null))
    }
  })
}

/** A bytes field of at most `max` bytes. */
export function Bytes (max: number): TUnsafe<Uint8Array> {
  return Type.Unsafe<Uint8Array>({ maxByteLength: max })
}

const compiled = new WeakMap<TSchema, ValidateFunction>()
const compiledDetailed = new WeakMap<TSchema, ValidateFunction>()

function validatorFor (schema: TSchema, ajv: Ajv, cache: WeakMap<TSchema, ValidateFunction>): ValidateFunction {
  let validate = cache.get(schema)
  if (validate === undefined) {
    validate = ajv.compile(schema)
    cache.set(schema, validate)
  }
  return validate
}

/** One failed constraint, for a service that words its own validation errors (SQS). */
export interface InputProblem {
  /** Where, as keys and list indexes from the input's root. */
  readonly path: ReadonlyArray<string | number>
  /** The JSON Schema keyword that failed (`required`, `maximum`, `type`, `pattern`, ...). */
  readonly keyword: string
  readonly params: Readonly<Record<string, unknown>>
  /** The value there (undefined for a missing member). */
  readonly value: unknown
  /** The schema of the failing value (of the parent object for `required`), for its marks. */
  readonly schema: TSchema | undefined
  /**
   * The schema at each step of `path` from the root (`along[i]` holds `path[i]`), so a
   * reporter can tell a member's name from a map's key (the caller's own text).
   */
  readonly along: ReadonlyArray<TSchema | undefined>
}

/** Turns an input's failed constraints into the error to throw. */
export type InvalidInputReporter = (problems: readonly InputProblem[]) => Error

function pathOf (error: ErrorObject): Array<string | number> {
  const segments: Array<string | number> = error.instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s))
  if (error.keyword === 'required') segments.push(String(error.params.missingProperty))
  if (error.keyword === 'propertyNames' || error.params.propertyName !== undefined) segments.push(String(error.params.propertyName))
  return segments
}

function valueAt (input: unknown, segments: ReadonlyArray<string | number>): unknown {
  let value: unknown = input
  for (const s of segments) {
    if (value === null || typeof value !== 'object') return undefined
    value = (value as Record<string | number, unknown>)[s]
  }
  return value
}

/** The schemas from the root down `segments`: one more than there are segments, the last the value's. */
function schemasAlong (root: TSchema, segments: ReadonlyArray<string | number>): Array<TSchema | undefined> {
  const out: Array<TSchema | undefined> = [root]
  let s: TSchema | undefined = root
  for (const seg of segments) {
    const node = s as { properties?: Record<string, TSchema>, items?: TSchema, patternProperties?: Record<string, TSchema>, additionalProperties?: unknown } | undefined
    if (node === undefined) s = undefined
    else if (typeof seg === 'number') s = node.items
    else s = node.properties?.[seg] ?? (node.patternProperties !== undefined ? Object.values(node.patternProperties)[0] : undefined)
    out.push(s)
  }
  return out
}

/** Ajv's own account of a failure, for a schema feature the report does not word. */
function ajvMessage (errors: readonly ErrorObject[] | null | undefined, name: FieldNamer): string {
  const first = errors?.[0]
  if (first === undefined) return '1 validation error detected: the request does not match its schema.'
  return `1 validation error detected: Value at '${name(pathOf(first))}' failed to satisfy constraint: ${first.message ?? first.keyword}`
}

/**
 * Checks `input` against `schema`; throws SERIALIZATION_FAILED for a wrong type and
 * VALIDATION_FAILED listing the failed constraints as AWS does (at most 10), or what
 * `report` makes of every failed constraint.
 */
export function validateInput (schema: TSchema, input: unknown, name: FieldNamer = snakeCasePath, report?: InvalidInputReporter): void {
  const validate = validatorFor(schema, fast, compiled)
  if (validate(input)) return
  if (report !== undefined) {
    const full = validatorFor(schema, detailed, compiledDetailed)
    full(input)
    const errors = (full.errors ?? []).filter((e) => e.keyword !== 'propertyNames' || e.params.propertyName === undefined)
    throw report(errors.map((e) => {
      const path = pathOf(e)
      const along = schemasAlong(schema, path)
      return { path, keyword: e.keyword, params: e.params, value: valueAt(input, path), schema: along[path.length], along }
    }))
  }
  throw explainFailure(schema, input, name) ?? new ServiceError('VALIDATION_FAILED', ajvMessage(validate.errors, name))
}
