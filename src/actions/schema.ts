/**
 * Schema building blocks every service's actions use: enums, timestamps, bytes fields,
 * patterns and maps, with the marks transports read to write them on their wire and the
 * validation report reads to word a failure as AWS does.
 *
 * The order of a schema's options is the order AWS checks them in, and the order of an
 * object's members the order AWS reports them in (validation-report.ts), so both are
 * written down as AWS's own messages show them.
 */
import { Type, type TSchema, type TUnsafe } from '@sinclair/typebox'

export { Bytes } from './validation.js'

// At most 15 digits of milliseconds (year 33658). `epochMs` marks the field for
// transports whose wire writes timestamps another way (AWS JSON: epoch seconds);
// validation ignores the keyword.
export const Timestamp = Type.Integer({ minimum: 0, maximum: 999_999_999_999_999, epochMs: true })

/** Whether a schema is a timestamp field (milliseconds since the epoch). */
export function isEpochMs (schema: TSchema): boolean {
  return (schema as { epochMs?: unknown }).epochMs === true
}

/**
 * A string enum as one JSON Schema `enum`, so a wrong value is one validation error that
 * lists the allowed values (a union of literals would report one error per literal).
 * AWS lists the values in its own order, which is the order given here.
 */
export function StringEnum<const T extends readonly string[]> (values: T): TUnsafe<T[number]> {
  // No `type: 'string'`: an unknown enum number from protobuf is a bad enum value, not a
  // wrong type. AWS JSON still reads the member as a string (aws-shapes.ts).
  return Type.Unsafe<T[number]>({ enum: [...values], awsType: 'String' })
}

/**
 * A regular expression as AWS writes it (matched against the whole value, as Java's
 * `matches` does), anchored for JSON Schema's search semantics. The report prints it
 * back without the anchors.
 */
export function awsPattern (pattern: string): string {
  return `^(?:${pattern})$`
}

/**
 * A map of strings to `value`: `keys` constrains its keys (the report words a failure as
 * "Map keys must satisfy constraint"), `options` the map itself, in AWS's order.
 */
export function StringMap<V extends TSchema> (keys: TSchema, value: V, options: { minProperties?: number, maxProperties?: number } = {}) {
  return Type.Unsafe<Record<string, V['static']>>({ type: 'object', ...options, propertyNames: keys, additionalProperties: value })
}
