/**
 * Checks the wire types of a protobuf message against its schema before decoding.
 *
 * protobufjs's decoders trust the wire type of a known field: a string field sent as a
 * varint is read as something else and the request goes on with a wrong value. A client
 * that sends such bytes has a schema mismatch, which is a SerializationException, so
 * known fields must carry the wire type their type implies. Unknown fields are skipped,
 * as protobuf requires for forward compatibility.
 */
import protobuf from 'protobufjs'

const LENGTH_DELIMITED = 2

function expectedWireTypes (field: protobuf.Field): readonly number[] {
  if (field.map || field.resolvedType instanceof protobuf.Type) return [LENGTH_DELIMITED]
  const basic = field.resolvedType instanceof protobuf.Enum ? 0 : (protobuf.types.basic as Record<string, number | undefined>)[field.type]
  if (basic === undefined) return [LENGTH_DELIMITED]
  // Repeated scalars may be packed (one length-delimited run) or not.
  return field.repeated && (protobuf.types.packed as Record<string, number | undefined>)[field.type] !== undefined ? [basic, LENGTH_DELIMITED] : [basic]
}

/** Returns a description of the first mismatch, or undefined when the bytes fit `type`. */
export function checkWireTypes (type: protobuf.Type, bytes: Uint8Array): string | undefined {
  const reader = protobuf.Reader.create(bytes)
  while (reader.pos < reader.len) {
    const tag = reader.uint32()
    const wireType = tag & 7
    const field = type.fieldsById[tag >>> 3]
    if (field !== undefined) {
      const allowed = expectedWireTypes(field)
      if (!allowed.includes(wireType)) {
        return `field '${field.name}' (${field.map ? 'map' : field.type}) arrived with wire type ${wireType}, not ${allowed.join(' or ')}`
      }
      if (wireType === LENGTH_DELIMITED && field.resolvedType instanceof protobuf.Type && !field.map) {
        const inner = checkWireTypes(field.resolvedType, reader.bytes())
        if (inner !== undefined) return `${field.name}.${inner}`
        continue
      }
    }
    reader.skipType(wireType)
  }
  return undefined
}
