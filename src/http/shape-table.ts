/**
 * An action's input or output schema compiled once, at startup, into the tree the SQS JSON
 * and Query codecs walk per request: each member's snake_case key, its JSON name, its
 * Query/XML name, and how its lists and maps are laid out. The names come from the
 * schemas' marks (`awsName`, `queryName`, `queryKey`, `queryValue`; see
 * src/actions/queues/fields.ts), which follow the botocore model's `locationName` and
 * `flattened` (test/sqs-model.test.ts checks them against it), so no model is read at run time.
 *
 * Query layouts, as botocore's query serializer writes them:
 * - a list with `queryName` is flattened: `<queryName>.N`; without, `<Member>.member.N`;
 * - a map with `queryName` is flattened: `<queryName>.N.<queryKey>` / `.<queryValue>`;
 *   without, `<Member>.entry.N.key` / `.value`.
 */
import type { TSchema } from '@sinclair/typebox'
import { kindOf, type Kind } from './aws-request.js'

export type ScalarKind = Exclude<Kind, 'Structure' | 'List' | 'Map'>

export interface ScalarNode { readonly kind: ScalarKind }

export interface MemberNode {
  /** The action's key (`message_body`). */
  readonly key: string
  /** The member in JSON (`MessageBody`). */
  readonly json: string
  /** The member's prefix in Query parameters and its element in XML (`MessageAttribute`). */
  readonly query: string
  readonly node: ShapeNode
}

export interface StructNode {
  readonly kind: 'Structure'
  readonly members: readonly MemberNode[]
  /** Members by JSON name. */
  readonly byJson: ReadonlyMap<string, MemberNode>
  /** Members by Query name, and by JSON name where that differs (clients send either, e.g. TagQueue's `Tags.N.Key`). */
  readonly byQuery: ReadonlyMap<string, MemberNode>
}

export interface ListNode {
  readonly kind: 'List'
  readonly item: ShapeNode
  /** Flattened: the items follow the member's prefix directly, with no `member` step. */
  readonly flat: boolean
}

export interface MapNode {
  readonly kind: 'Map'
  readonly value: ShapeNode
  readonly flat: boolean
  /** The key's and the value's names in an entry (`Name`/`Value`; `key`/`value` unflattened). */
  readonly keyName: string
  readonly valueName: string
}

export type ShapeNode = ScalarNode | StructNode | ListNode | MapNode

interface Marks {
  properties?: Record<string, TSchema>
  items?: TSchema
  additionalProperties?: TSchema | boolean
  patternProperties?: Record<string, TSchema>
  awsName?: string
  queryName?: string
  queryKey?: string
  queryValue?: string
}

/** How a service names members: `md5_of_body` -> `MD5OfBody` for SQS. */
export type MemberNamer = (snake: string) => string

const SCALARS = new Map<ScalarKind, ScalarNode>()
function scalar (kind: ScalarKind): ScalarNode {
  let node = SCALARS.get(kind)
  if (node === undefined) {
    node = { kind }
    SCALARS.set(kind, node)
  }
  return node
}

export function compileShape (schema: TSchema, namer: MemberNamer): ShapeNode {
  const s = schema as Marks
  const kind = kindOf(schema)
  switch (kind) {
    case 'Structure': {
      const members = Object.entries(s.properties ?? {}).map(([key, member]): MemberNode => {
        const m = member as Marks
        const json = m.awsName ?? namer(key)
        const node = compileShape(member, namer)
        // A flattened list or map is named by its items or entries; anything else by the member.
        const flattened = (node.kind === 'List' || node.kind === 'Map') && m.queryName !== undefined
        // `awsName` is the member's name in the model, which Query uses too (SNS's `phoneNumber`).
        return { key, json, query: flattened ? m.queryName! : (m.awsName ?? namer(key)), node }
      })
      // Query names first; then the JSON and the plain member names, where no Query name took them.
      const byQuery = new Map<string, MemberNode>()
      for (const names of [(m: MemberNode) => m.query, (m: MemberNode) => m.json, (m: MemberNode) => namer(m.key)]) {
        for (const m of members) if (!byQuery.has(names(m))) byQuery.set(names(m), m)
      }
      return { kind, members, byJson: new Map(members.map((m) => [m.json, m])), byQuery }
    }
    case 'List':
      return { kind, item: compileShape(s.items!, namer), flat: s.queryName !== undefined }
    case 'Map': {
      const value = typeof s.additionalProperties === 'object' ? s.additionalProperties : Object.values(s.patternProperties ?? {})[0]
      const flat = s.queryName !== undefined
      return {
        kind,
        value: value === undefined ? scalar('String') : compileShape(value, namer),
        flat,
        keyName: s.queryKey ?? 'key',
        valueName: s.queryValue ?? 'value'
      }
    }
    default:
      return scalar(kind)
  }
}

/** A compiled action: its input and output trees. */
export interface CompiledAction<A> {
  readonly action: A
  readonly input: StructNode
  readonly output: StructNode
  /** The output has no members (DeleteMessage) and names no Result element: Query answers with none. */
  readonly noOutput: boolean
  /** The input has a QueueUrl-like member a request path may stand in for. */
  readonly pathMember: MemberNode | undefined
}

const EMPTY_STRUCT: StructNode = { kind: 'Structure', members: [], byJson: new Map(), byQuery: new Map() }

export function compileAction<A extends { readonly input: TSchema, readonly output?: TSchema }> (action: A, namer: MemberNamer, pathKey?: string): CompiledAction<A> {
  const input = compileShape(action.input, namer) as StructNode
  const output = action.output === undefined ? EMPTY_STRUCT : compileShape(action.output, namer) as StructNode
  return {
    action,
    input,
    output,
    noOutput: output.members.length === 0 && (action.output as { resultElement?: boolean } | undefined)?.resultElement !== true,
    pathMember: pathKey === undefined ? undefined : input.members.find((m) => m.key === pathKey)
  }
}
