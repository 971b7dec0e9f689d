/**
 * Schema building blocks every service's actions use: enums, timestamps and bytes fields,
 * with the marks transports read to write them on their wire.
 */
import { Type, type TSchema, type TUnsafe } from '@sinclair/typebox'

export { Bytes } from './validation.js'

// At most 15 digits of milliseconds (year 33658): the width sequence numbers give them.
// `epochMs` marks the field for transports whose wire writes timestamps another way (AWS
// JSON: epoch seconds); validation ignores the keyword.
export const Timestamp = Type.Integer({ minimum: 0, maximum: 999_999_999_999_999, epochMs: true })

/** Whether a schema is a timestamp field (milliseconds since the epoch). */
export function isEpochMs (schema: TSchema): boolean {
  return (schema as { epochMs?: unknown }).epochMs === true
}

/**
 * A string enum as one JSON Schema `enum`, so a wrong value is one validation error that
 * lists the allowed values (a union of literals would report one error per literal).
 */
export function StringEnum<const T extends readonly string[]> (values: T): TUnsafe<T[number]> {
  // No `type: 'string'`: an unknown enum number from protobuf is a bad enum value, not a
  // wrong type.
  return Type.Unsafe<T[number]>({ enum: [...values] })
}
