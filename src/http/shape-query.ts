/**
 * AWS Query parameters -> action input, and action output -> the XML element tree, by a
 * compiled shape tree (shape-table.ts). Parameters are first gathered into a tree by their
 * dotted names (`SendMessageBatchRequestEntry.2.MessageAttribute.1.Value.StringValue`),
 * then read by the shape: lists by their 1-based indexes in order (a flattened list of
 * strings also by its bare name), maps entry by entry.
 * Parameters no member names are ignored, as AWS ignores them.
 */
import { ServiceError } from '../errors.js'
import type { ShapeNode, StructNode } from './shape-table.js'

/** A parameter's value and the parameters below it (`Attribute.1` holds `Name` and `Value`). */
export interface ParamTree {
  value?: string
  children?: Map<string, ParamTree>
}

/** Parameters that carry the protocol or the signature, never a member. */
const PROTOCOL_PARAMS = new Set(['Action', 'Version', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Signature', 'X-Amz-SignedHeaders', 'X-Amz-Security-Token', 'X-Amz-Expires'])

export function paramTree (params: Iterable<[string, string]>): ParamTree {
  const root: ParamTree = { children: new Map() }
  for (const [name, value] of params) {
    if (PROTOCOL_PARAMS.has(name)) continue
    let node = root
    let start = 0
    while (true) {
      const dot = name.indexOf('.', start)
      const part = dot < 0 ? name.slice(start) : name.slice(start, dot)
      const children = node.children ?? (node.children = new Map())
      let child = children.get(part)
      if (child === undefined) {
        child = {}
        children.set(part, child)
      }
      node = child
      if (dot < 0) break
      start = dot + 1
    }
    node.value = value
  }
  return root
}

const INTEGER = /^-?\d+$/
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/

function invalidValue (value: string, path: string, reason: string): ServiceError {
  return new ServiceError('INVALID_PARAMETER_VALUE', `Value ${value} for parameter ${path} is invalid. Reason: ${reason}`)
}

/** The children of a list or map node whose names are indexes (1, 2, ...), in index order. */
function indexed (tree: ParamTree): ParamTree[] {
  const entries: Array<[number, ParamTree]> = []
  for (const [name, child] of tree.children ?? []) {
    if (!INTEGER.test(name)) continue
    const i = Number(name)
    if (i >= 1) entries.push([i, child])
  }
  entries.sort((a, b) => a[0] - b[0])
  return entries.map((e) => e[1])
}

function decodeValue (node: ShapeNode, tree: ParamTree, path: string): unknown {
  switch (node.kind) {
    case 'Structure':
      return decodeQueryStruct(node, tree, path)
    case 'List': {
      const items = node.flat ? tree : tree.children?.get('member')
      if (items === undefined) return []
      const decoded = indexed(items).map((item, i) => decodeValue(node.item, item, `${path}.${i + 1}`))
      // AWS takes a flattened list of names unindexed too, as its own Query examples send
      // it (`ReceiveMessage&AttributeName=All`): the bare parameter is one more item. An
      // empty one is how the SDKs send an empty list (`ActionName=`), so it adds none.
      if (node.flat && items.value !== undefined && items.value !== '' && node.item.kind === 'String') decoded.unshift(items.value)
      return decoded
    }
    case 'Map': {
      const entries = node.flat ? tree : tree.children?.get('entry')
      const out: Record<string, unknown> = {}
      if (entries === undefined) return out
      for (const entry of indexed(entries)) {
        const key = entry.children?.get(node.keyName)?.value
        const value = entry.children?.get(node.valueName)
        if (key === undefined || value === undefined) continue
        out[key] = decodeValue(node.value, value, `${path}.${key}`)
      }
      return out
    }
    default: {
      const text = tree.value
      if (text === undefined) return undefined
      switch (node.kind) {
        case 'Integer': case 'Long':
          if (!INTEGER.test(text.trim())) throw invalidValue(text, path, 'Must be an integer.')
          return Number(text.trim())
        case 'Double':
          if (!NUMBER.test(text.trim())) throw invalidValue(text, path, 'Must be a number.')
          return Number(text.trim())
        case 'Boolean': {
          const lower = text.trim().toLowerCase()
          if (lower !== 'true' && lower !== 'false') throw invalidValue(text, path, 'Must be true or false.')
          return lower === 'true'
        }
        case 'Blob':
          if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0) throw invalidValue(text, path, 'Must be base64.')
          return Buffer.from(text, 'base64')
        case 'Timestamp': {
          const ms = NUMBER.test(text) ? Number(text) * 1000 : Date.parse(text)
          if (Number.isNaN(ms)) throw invalidValue(text, path, 'Must be a timestamp.')
          return ms
        }
        default:
          return text
      }
    }
  }
}

/** Query parameters (as a tree) as an action's input. `path` prefixes member names in messages. */
export function decodeQueryStruct (node: StructNode, tree: ParamTree, path = ''): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  const children = tree.children
  if (children === undefined) return out
  for (const [name, child] of children) {
    const member = node.byQuery.get(name)
    if (member === undefined || out[member.key] !== undefined) continue
    const value = decodeValue(member.node, child, path === '' ? name : `${path}.${name}`)
    if (value !== undefined) out[member.key] = value
  }
  return out
}

/** An XML element's content: text, child elements (repeated when an array), or nothing. */
export type XmlContent = string | { [element: string]: XmlContent | XmlContent[] }

function encodeValue (node: ShapeNode, value: unknown): XmlContent | XmlContent[] {
  switch (node.kind) {
    case 'Structure':
      return encodeXmlStruct(node, value as Record<string, unknown>)
    case 'List': {
      const items = (value as unknown[]).map((v) => encodeValue(node.item, v) as XmlContent)
      return node.flat ? items : { member: items }
    }
    case 'Map': {
      const values = value as Record<string, unknown>
      const entries: XmlContent[] = []
      for (const key in values) {
        if (values[key] !== undefined) entries.push({ [node.keyName]: key, [node.valueName]: encodeValue(node.value, values[key]) })
      }
      return node.flat ? entries : { entry: entries }
    }
    case 'Blob':
      return Buffer.from((value as Uint8Array).buffer, (value as Uint8Array).byteOffset, (value as Uint8Array).byteLength).toString('base64')
    default:
      return String(value as string | number | boolean)
  }
}

/** An action's output as the elements of its `<Action>Result`. */
export function encodeXmlStruct (node: StructNode, output: Record<string, unknown>): { [element: string]: XmlContent | XmlContent[] } {
  const out: { [element: string]: XmlContent | XmlContent[] } = {}
  for (const member of node.members) {
    const value = output[member.key]
    if (value === undefined) continue
    // A flattened list's items (or map's entries) repeat under the member's Query name.
    out[member.query] = encodeValue(member.node, value)
  }
  return out
}
