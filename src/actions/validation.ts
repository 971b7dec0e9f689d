/**
 * Declarative input validation. Each action declares one TypeBox schema; this module
 * compiles it once with Ajv and turns every failed constraint into one line of an AWS-style
 * ValidationException ("Value 'x' at 'stream_name' failed to satisfy constraint: ...").
 * A wrong type is a SerializationException, as in AWS: the request could not be read.
 */
import { Type, type TSchema, type TUnsafe } from '@sinclair/typebox'
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv'
import { ServiceError } from '../errors.js'

/** Renders a field path; transports may name fields their own way (snake_case for gRPC). */
export type FieldNamer = (segments: ReadonlyArray<string | number>) => string

export const snakeCasePath: FieldNamer = (segments) =>
  segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : (i === 0 ? s : `.${s}`))).join('')

const ajv = new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false })

// Binary fields arrive as Buffers (gRPC) or decoded base64 (HTTP); JSON Schema has no byte
// type, so this keyword checks both the type and the size.
ajv.addKeyword({
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

/** A bytes field of at most `max` bytes. */
export function Bytes (max: number): TUnsafe<Uint8Array> {
  return Type.Unsafe<Uint8Array>({ maxByteLength: max })
}

const compiled = new WeakMap<TSchema, ValidateFunction>()

function validatorFor (schema: TSchema): ValidateFunction {
  let validate = compiled.get(schema)
  if (validate === undefined) {
    validate = ajv.compile(schema)
    compiled.set(schema, validate)
  }
  return validate
}

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

function show (value: unknown): string {
  if (value === undefined || value === null) return 'null'
  if (value instanceof Uint8Array) return `'<${value.byteLength} bytes>'`
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value as string | number | boolean)
  return `'${text.length > 64 ? text.slice(0, 61) + '...' : text}'`
}

function patternText (pattern: string): string {
  return pattern.replace(/^\^/, '').replace(/\$$/, '')
}

function constraint (error: ErrorObject): string {
  const p = error.params as Record<string, unknown>
  switch (error.keyword) {
    case 'required': return 'Member must not be null'
    case 'minLength': case 'minItems': case 'minProperties': return `Member must have length greater than or equal to ${String(p.limit)}`
    case 'maxLength': case 'maxItems': case 'maxProperties': case 'maxByteLength': return `Member must have length less than or equal to ${String(p.limit)}`
    case 'minimum': return `Member must have value greater than or equal to ${String(p.limit)}`
    case 'maximum': return `Member must have value less than or equal to ${String(p.limit)}`
    case 'pattern': return `Member must satisfy regular expression pattern: ${patternText(String(p.pattern))}`
    case 'enum': return `Member must satisfy enum value set: [${(p.allowedValues as unknown[]).map(String).join(', ')}]`
    case 'multipleOf': case 'type': return `Member must be of type ${String(p.type ?? 'integer')}`
    default: return error.message ?? `Member must satisfy ${error.keyword}`
  }
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
}

/** Turns an input's failed constraints into the error to throw. */
export type InvalidInputReporter = (problems: readonly InputProblem[]) => Error

function schemaAt (root: TSchema, segments: ReadonlyArray<string | number>): TSchema | undefined {
  let s: TSchema | undefined = root
  for (const seg of segments) {
    const node = s as { properties?: Record<string, TSchema>, items?: TSchema, patternProperties?: Record<string, TSchema>, additionalProperties?: unknown } | undefined
    if (node === undefined) return undefined
    if (typeof seg === 'number') s = node.items
    else s = node.properties?.[seg] ?? (node.patternProperties !== undefined ? Object.values(node.patternProperties)[0] : undefined)
  }
  return s
}

/**
 * Checks `input` against `schema`; throws SERIALIZATION_FAILED for a wrong type and
 * VALIDATION_FAILED listing every failed constraint otherwise (or what `report` makes of them).
 */
export function validateInput (schema: TSchema, input: unknown, name: FieldNamer = snakeCasePath, report?: InvalidInputReporter): void {
  const validate = validatorFor(schema)
  if (validate(input)) return
  const errors = (validate.errors ?? []).filter((e) => e.keyword !== 'propertyNames' || e.params.propertyName === undefined)
  if (report !== undefined) {
    throw report(errors.map((e) => {
      const path = pathOf(e)
      return { path, keyword: e.keyword, params: e.params, value: valueAt(input, path), schema: schemaAt(schema, path) }
    }))
  }
  const typeError = errors.find((e) => e.keyword === 'type')
  if (typeError !== undefined) {
    const path = pathOf(typeError)
    throw new ServiceError('SERIALIZATION_FAILED', `Field '${name(path)}' has the wrong type: expected ${String(typeError.params.type)}, got ${show(valueAt(input, path))}.`)
  }
  const lines = errors.map((e) => {
    const path = pathOf(e)
    return `Value ${show(valueAt(input, path))} at '${name(path)}' failed to satisfy constraint: ${constraint(e)}`
  })
  const count = lines.length
  throw new ServiceError('VALIDATION_FAILED', `${count} validation error${count === 1 ? '' : 's'} detected: ${lines.join('; ')}`)
}
