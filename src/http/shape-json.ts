/**
 * AWS JSON 1.0 bodies <-> action shapes by a compiled shape tree (shape-table.ts): members
 * by their JSON names, blobs as base64. Unknown members are dropped and nulls mean absent,
 * as in AWS; a value of the wrong type is refused with AWS's deserializer words
 * (aws-request.ts's decodeScalar). Outputs are written by the same tree, so map keys (tag
 * keys, attribute names) are kept as they are.
 */
import { ServiceError } from '../errors.js'
import { decodeScalar, type WireReader } from './aws-request.js'
import type { ShapeNode, StructNode } from './shape-table.js'

function refused (message: string): ServiceError {
  return new ServiceError('SERIALIZATION_FAILED', message)
}

function isPlainObject (value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array)
}

const JSON_READER: WireReader = {
  readTime: (value) => (typeof value === 'number' && Number.isFinite(value) ? Math.round(value * 1000) : undefined)
}

function decodeValue (node: ShapeNode, value: unknown): unknown {
  switch (node.kind) {
    case 'Structure':
      if (isPlainObject(value)) return decodeJsonStruct(node, value)
      throw refused(Array.isArray(value) ? 'Start of list found where not expected' : 'Expected null')
    case 'List': {
      if (!Array.isArray(value)) throw refused(isPlainObject(value) ? 'Start of structure or map found where not expected.' : 'Expected list or null')
      const out: unknown[] = []
      for (const v of value) if (v !== null && v !== undefined) out.push(decodeValue(node.item, v))
      return out
    }
    case 'Map': {
      if (!isPlainObject(value)) throw refused(Array.isArray(value) ? 'Start of list found where not expected' : 'Expected map or null')
      const out: Record<string, unknown> = {}
      for (const key of Object.keys(value)) {
        const v = value[key]
        if (v !== null && v !== undefined) out[key] = decodeValue(node.value, v)
      }
      return out
    }
    default:
      return decodeScalar(node.kind, value, JSON_READER)
  }
}

/** A parsed JSON request body as the action's input. */
export function decodeJsonStruct (node: StructNode, body: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const member of node.members) {
    const value = body[member.json]
    if (value === null || value === undefined) continue
    out[member.key] = decodeValue(member.node, value)
  }
  return out
}

function encodeValue (node: ShapeNode, value: unknown): unknown {
  switch (node.kind) {
    case 'Structure':
      return encodeJsonStruct(node, value as Record<string, unknown>)
    case 'List':
      return (value as unknown[]).map((v) => encodeValue(node.item, v))
    case 'Map': {
      const out: Record<string, unknown> = {}
      const entries = value as Record<string, unknown>
      for (const key in entries) if (entries[key] !== undefined) out[key] = encodeValue(node.value, entries[key])
      return out
    }
    case 'Blob':
      return Buffer.from((value as Uint8Array).buffer, (value as Uint8Array).byteOffset, (value as Uint8Array).byteLength).toString('base64')
    default:
      return value
  }
}

/** An action's output as its AWS JSON body (an object for JSON.stringify). */
export function encodeJsonStruct (node: StructNode, output: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const member of node.members) {
    const value = output[member.key]
    if (value !== undefined) out[member.json] = encodeValue(member.node, value)
  }
  return out
}
