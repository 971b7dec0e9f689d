/**
 * SNS subscription filter policies, compiled once (when set, and on load) into a tree of
 * small matcher closures, so matching a message costs a walk over the policy's keys and
 * no parsing. Scope MessageAttributes matches the message's attributes (String, Number,
 * String.Array as a JSON array); scope MessageBody matches the JSON body, with nested
 * keys. An array in the message matches when any element does. AWS's limits: 5 keys at
 * the top level, 150 combinations of values, 256 KB; messages are AWS's wording.
 */
import { BlockList, isIP } from 'node:net'
import { ServiceError } from '../errors.js'
import type { PublishedMessage } from './topic-model.js'

export type FilterScope = 'MessageAttributes' | 'MessageBody'

/** One value as the policy sees it: a string, a number, a boolean or null. */
export type Leaf = string | number | boolean | null

/** A matcher of one key: the key's values in the message (empty: absent). */
type ValueTest = (values: readonly Leaf[], present: boolean) => boolean
type Node = (subject: unknown) => boolean

/**
 * A top-level key every match needs one of these exact values of (strings, booleans or
 * null, compared with ===): a policy with one can only match a message that has it, which
 * is what lets filter-index.ts skip it for every other message.
 */
export interface FilterAnchor {
  readonly key: string
  readonly values: readonly Leaf[]
}

export interface CompiledFilter {
  readonly scope: FilterScope
  readonly match: (message: PublishedMessage) => boolean
  /** The most selective anchor (fewest values), if the policy has one. */
  readonly anchor?: FilterAnchor | undefined
}

export const MAX_POLICY_BYTES = 256 * 1024
const MAX_KEYS = 5
const MAX_COMBINATIONS = 150

function invalid (prefix: string, reason: string): ServiceError {
  return new ServiceError('SNS_INVALID_PARAMETER', `${prefix}FilterPolicy: ${reason}`)
}

function isObject (v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Numbers compare as AWS does: to 5 decimal places. */
function numeric (v: Leaf): number | undefined {
  if (typeof v === 'number') return v
  if (typeof v === 'string' && v.trim() !== '' && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(v.trim())) return Number(v)
  return undefined
}

function sameNumber (a: number, b: number): boolean {
  return Math.round(a * 1e5) === Math.round(b * 1e5)
}

class Compiler {
  constructor (private readonly prefix: string, private readonly scope: FilterScope) {}

  fail (reason: string): never {
    throw invalid(this.prefix, reason)
  }

  /** A policy object: every key must match (a `$or` key: one of its branches). */
  object (policy: Record<string, unknown>, depth: number): { node: Node, combinations: number } {
    if (depth > 64) this.fail('Filter policy is nested too deeply')
    const tests: Node[] = []
    let combinations = 1
    for (const [key, value] of Object.entries(policy)) {
      if (key === '$or') {
        if (!Array.isArray(value) || value.length < 2) this.fail('$or must be an array of at least two filter policies')
        const branches = value.map((branch) => {
          if (!isObject(branch)) this.fail('$or must be an array of at least two filter policies')
          return this.object(branch, depth)
        })
        combinations *= branches.reduce((n, b) => n + b.combinations, 0)
        const nodes = branches.map((b) => b.node)
        tests.push((subject) => nodes.some((n) => n(subject)))
        continue
      }
      if (Array.isArray(value)) {
        if (value.length === 0) this.fail('Empty arrays are not allowed')
        // AWS counts a nested key's values once per level of its nesting (its docs'
        // example: four values three levels down count 3 x 4).
        combinations *= value.length * (depth + 1)
        const test = this.values(value)
        tests.push((subject) => {
          const { values, present } = lookup(subject, key)
          return test(values, present)
        })
        continue
      }
      if (isObject(value)) {
        const nested = this.object(value, depth + 1)
        // AWS reports what is wrong inside first, then that this scope has no nesting.
        if (this.scope === 'MessageAttributes') this.fail('Filter policy scope MessageAttributes does not support nested filter policy')
        combinations *= nested.combinations
        tests.push((subject) => {
          const child = isObject(subject) ? subject[key] : undefined
          if (Array.isArray(child)) return child.some((c) => nested.node(c))
          return nested.node(child)
        })
        continue
      }
      this.fail(`"${key}" must be an object or an array`)
    }
    return { node: (subject) => tests.every((t) => t(subject)), combinations }
  }

  /** A key's list of conditions: any may match. */
  values (conditions: readonly unknown[]): ValueTest {
    const tests = conditions.map((c) => this.condition(c))
    return (values, present) => tests.some((t) => t(values, present))
  }

  condition (c: unknown): ValueTest {
    if (c === null || typeof c === 'string' || typeof c === 'boolean') {
      return (values) => values.some((v) => v === c)
    }
    if (typeof c === 'number') {
      return (values) => values.some((v) => { const n = numeric(v); return n !== undefined && sameNumber(n, c) })
    }
    if (!isObject(c)) this.fail('Match value must be String, number, true, false, or null')
    const keys = Object.keys(c)
    if (keys.length !== 1) this.fail('Only one key allowed in match expression')
    const operator = keys[0]!
    const operand = c[operator]
    switch (operator) {
      case 'prefix':
      case 'suffix':
      case 'equals-ignore-case': {
        if (typeof operand !== 'string') this.fail(`${operator} match pattern must be a string`)
        const test = stringTest(operator, operand)
        return (values) => values.some((v) => typeof v === 'string' && test(v))
      }
      case 'exists':
        if (typeof operand !== 'boolean') this.fail('exists match pattern must be either true or false.')
        return (_values, present) => present === operand
      case 'anything-but':
        return this.anythingBut(operand)
      case 'numeric':
        return this.numericRange(operand)
      case 'cidr':
        return this.cidr(operand)
      default:
        this.fail(`Unrecognized match type ${operator}`)
    }
  }

  anythingBut (operand: unknown): ValueTest {
    let excluded: (v: Leaf) => boolean
    if (isObject(operand)) {
      const keys = Object.keys(operand)
      const op = keys[0]
      if (keys.length !== 1 || (op !== 'prefix' && op !== 'suffix' && op !== 'equals-ignore-case')) this.fail(`Unsupported anything-but pattern: ${op ?? ''}`)
      const inner = operand[op]
      const list = Array.isArray(inner) ? inner : [inner]
      if (list.length === 0 || list.some((s) => typeof s !== 'string')) this.fail(`${op} match pattern must be a string`)
      const tests = (list as string[]).map((s) => stringTest(op, s))
      excluded = (v) => typeof v === 'string' && tests.some((t) => t(v))
    } else {
      const list = Array.isArray(operand) ? operand : [operand]
      if (list.length === 0) this.fail('Empty arrays are not allowed')
      for (const v of list) if (typeof v !== 'string' && typeof v !== 'number') this.fail('Match value must be String, number, true, false, or null')
      excluded = (v) => list.some((x) => (typeof x === 'number' ? (numeric(v) !== undefined && sameNumber(numeric(v)!, x)) : v === x))
    }
    // AWS: anything-but matches a present value that is not excluded; an absent key never.
    return (values, present) => present && values.some((v) => !excluded(v))
  }

  /**
   * `[op, n]` or a range `[">" | ">=", low, "<" | "<=", high]`, read token by token as AWS
   * reads it, so each mistake gets AWS's text for it.
   */
  numericRange (operand: unknown): ValueTest {
    if (!Array.isArray(operand)) this.fail('Value of numeric must be an array.')
    const token = (i: number): string => (i < operand.length ? JSON.stringify(operand[i]).replace(/^"|"$/g, '') : ']')
    const named = (op: string): string => (op === '=' ? 'equals' : op)
    const first = operand[0]
    if (typeof first !== 'string') this.fail(`Invalid member in numeric match: ${token(0)}`)
    if (!['<', '<=', '=', '>', '>='].includes(first)) this.fail(`Unrecognized numeric range operator: ${first}`)
    const bound = (i: number, op: string): number => {
      const n = operand[i]
      if (typeof n !== 'number') this.fail(`Value of ${named(op)} must be numeric`)
      if (Math.abs(n) > 1e9) this.fail(`Value of ${named(op)} must be between -1000000000 and 1000000000`)
      return n
    }
    const low = bound(1, first)
    const checks: Array<(n: number) => boolean> = [compare(first, low)]
    if (operand.length > 2) {
      // Only a lower bound takes an upper one after it.
      if (first !== '>' && first !== '>=') this.fail('Too many elements in numeric expression')
      const second = operand[2]
      if (typeof second !== 'string') this.fail(`Bad value in numeric range: ${token(2)}`)
      if (second !== '<' && second !== '<=') this.fail(`Bad numeric range operator: ${second}`)
      const high = bound(3, second)
      if (operand.length > 4) this.fail('Too many terms in numeric range expression')
      if (low >= high) this.fail('Bottom must be less than top')
      checks.push(compare(second, high))
    }
    return (values) => values.some((v) => { const n = numeric(v); return n !== undefined && checks.every((c) => c(n)) })
  }

  /** An IPv4 or IPv6 network; the checks in AWS's order, each with its text. */
  cidr (operand: unknown): ValueTest {
    if (typeof operand !== 'string') this.fail('prefix match pattern must be a string')
    const parts = operand.split('/')
    if (parts.length !== 2) this.fail('Malformed CIDR, one \'/\' required')
    const [ip, bits] = parts as [string, string]
    if (!/^\d+$/.test(bits)) this.fail('Malformed CIDR, mask bits must be an integer')
    const family = isIP(ip)
    if (family === 0) this.fail(`Nonstandard IP address: ${ip}`)
    const width = Number(bits)
    const max = family === 4 ? 32 : 128
    if (width > max) this.fail(`Malformed CIDR, mask bits must be between 0 and ${max}`)
    const type = family === 4 ? 'ipv4' : 'ipv6'
    const network = new BlockList()
    network.addSubnet(ip, width, type)
    return (values) => values.some((v) => typeof v === 'string' && isIP(v) === family && network.check(v, type))
  }
}

function compare (op: string, bound: number): (n: number) => boolean {
  if (op === '<') return (n) => n < bound
  if (op === '<=') return (n) => n <= bound
  if (op === '=') return (n) => sameNumber(n, bound)
  if (op === '>') return (n) => n > bound
  return (n) => n >= bound
}

function stringTest (operator: string, operand: string): (v: string) => boolean {
  if (operator === 'prefix') return (v) => v.startsWith(operand)
  if (operator === 'suffix') return (v) => v.endsWith(operand)
  const lower = operand.toLowerCase()
  return (v) => v.toLowerCase() === lower
}

/** The values of `key` in a subject (an object: the body's level, or the attributes as leaves). */
export function lookup (subject: unknown, key: string): { values: Leaf[], present: boolean } {
  if (!isObject(subject) || !(key in subject)) return { values: [], present: false }
  const v = subject[key]
  if (Array.isArray(v)) return { values: v.filter((x) => x === null || typeof x !== 'object') as Leaf[], present: true }
  if (isObject(v)) return { values: [], present: true }
  return { values: [v as Leaf], present: true }
}

/** The attributes as the attribute scope matches them: String and Number values, String.Array as its elements. */
function attributeSubject (message: PublishedMessage): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [name, value] of message.attributes ?? []) {
    const type = value.DataType.split('.')[0]
    if (value.DataType === 'String.Array') {
      try {
        const parsed: unknown = JSON.parse(value.StringValue ?? '')
        out[name] = Array.isArray(parsed) ? parsed : [value.StringValue]
      } catch {
        out[name] = [value.StringValue]
      }
    } else if (type === 'Number') {
      out[name] = Number(value.StringValue)
    } else if (type === 'String') {
      out[name] = value.StringValue ?? ''
    }
    // Binary attributes are left out: AWS compares a policy only with String, String.Array
    // and Number attributes, so to a policy a Binary one is absent (`exists: false` matches).
  }
  return out
}

/**
 * The top-level key of a (valid) policy whose conditions are all exact strings, booleans or
 * null, with the fewest of them. Exact numbers are left out: they match numerically (5
 * matches "5.0"), not by ===. `$or` branches are alternatives, so none of their keys is
 * needed by every match.
 */
function anchorOf (policy: Record<string, unknown>): FilterAnchor | undefined {
  let best: FilterAnchor | undefined
  for (const [key, value] of Object.entries(policy)) {
    if (key === '$or' || !Array.isArray(value)) continue
    if (!value.every((c) => c === null || typeof c === 'string' || typeof c === 'boolean')) continue
    if (best === undefined || value.length < best.values.length) best = { key, values: value as Leaf[] }
  }
  return best
}

/**
 * Compiles a policy (its JSON text); throws InvalidParameter with AWS's text when it is not
 * valid. `prefix` is how the calling operation words it ("Invalid parameter: " or
 * "Invalid parameter: Attributes Reason: ").
 */
export function compileFilterPolicy (text: string, scope: FilterScope, prefix: string): CompiledFilter {
  if (Buffer.byteLength(text, 'utf8') > MAX_POLICY_BYTES) throw invalid(prefix, `Filter policy is too large: ${Buffer.byteLength(text, 'utf8')} bytes, at most ${MAX_POLICY_BYTES}`)
  let policy: unknown
  try {
    policy = JSON.parse(text)
  } catch (err) {
    throw invalid(prefix, `failed to parse JSON. ${(err as Error).message}`)
  }
  if (!isObject(policy)) throw invalid(prefix, 'Filter policy must be a JSON object')
  const compiler = new Compiler(prefix, scope)
  if (Object.keys(policy).length > MAX_KEYS) compiler.fail(`Filter policy can not have more than ${MAX_KEYS} keys`)
  const { node, combinations } = compiler.object(policy, 0)
  if (combinations > MAX_COMBINATIONS) {
    compiler.fail('Filter policy is too complex')
  }
  const anchor = anchorOf(policy)
  if (scope === 'MessageAttributes') return { scope, anchor, match: (message) => node(attributesOf(message)) }
  return {
    scope,
    anchor,
    match: (message) => {
      const body = bodyOf(message)
      return isObject(body) && node(body)
    }
  }
}

/**
 * Each message's subjects, made once for all the subscriptions that match it (the pumps
 * share one decoded message per record): a thousand filters must not parse a body a
 * thousand times. Matching only reads them.
 */
const attributeSubjects = new WeakMap<PublishedMessage, Record<string, unknown>>()
const bodySubjects = new WeakMap<PublishedMessage, { body: unknown }>()

/** What a policy of `scope` matches in `message`: its attributes, or its body parsed. */
export function subjectOf (message: PublishedMessage, scope: FilterScope): unknown {
  return scope === 'MessageAttributes' ? attributesOf(message) : bodyOf(message)
}

function attributesOf (message: PublishedMessage): Record<string, unknown> {
  let subject = attributeSubjects.get(message)
  if (subject === undefined) attributeSubjects.set(message, subject = attributeSubject(message))
  return subject
}

function bodyOf (message: PublishedMessage): unknown {
  let parsed = bodySubjects.get(message)
  if (parsed === undefined) {
    try {
      parsed = { body: JSON.parse(message.message) as unknown }
    } catch {
      parsed = { body: undefined }
    }
    bodySubjects.set(message, parsed)
  }
  return parsed.body
}
