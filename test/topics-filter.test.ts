/**
 * Filter policies: every operator in both scopes (MessageAttributes and MessageBody with
 * nested keys), arrays in the message, $or, AWS's limits and messages for invalid policies,
 * and the end-to-end effect on a subscribed queue.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ServiceError } from '../src/errors.js'
import { FilterIndex } from '../src/topics/filter-index.js'
import { compileFilterPolicy, type CompiledFilter, type FilterScope } from '../src/topics/filter-policy.js'
import type { PublishedMessage, TopicAttributeValue } from '../src/topics/topic-model.js'
import { expectCode } from './helpers/server.js'
import { drain, makeQueue, startTopicServer, topicName, type TopicTestServer } from './helpers/topics.js'

function withAttributes (attrs: Record<string, TopicAttributeValue>): PublishedMessage {
  return { id: 'm', message: 'x', attributes: Object.entries(attrs) }
}

const str = (v: string): TopicAttributeValue => ({ DataType: 'String', StringValue: v })
const num = (v: string): TopicAttributeValue => ({ DataType: 'Number', StringValue: v })

function matches (policy: unknown, message: PublishedMessage, scope: FilterScope = 'MessageAttributes'): boolean {
  return compileFilterPolicy(JSON.stringify(policy), scope, 'Invalid parameter: ').match(message)
}

describe('operators on message attributes', () => {
  const cases: Array<[string, unknown, Record<string, TopicAttributeValue>, boolean]> = [
    ['exact string', { c: ['red', 'blue'] }, { c: str('blue') }, true],
    ['exact string, other value', { c: ['red'] }, { c: str('green') }, false],
    ['absent key', { c: ['red'] }, {}, false],
    ['exact number, numerically', { n: [5] }, { n: num('5.0') }, true],
    ['prefix', { c: [{ prefix: 'bl' }] }, { c: str('blue') }, true],
    ['prefix, no', { c: [{ prefix: 'gr' }] }, { c: str('blue') }, false],
    ['suffix', { c: [{ suffix: 'ue' }] }, { c: str('blue') }, true],
    ['equals-ignore-case', { c: [{ 'equals-ignore-case': 'BLUE' }] }, { c: str('Blue') }, true],
    ['anything-but value', { c: [{ 'anything-but': 'red' }] }, { c: str('blue') }, true],
    ['anything-but value, excluded', { c: [{ 'anything-but': 'red' }] }, { c: str('red') }, false],
    ['anything-but list', { c: [{ 'anything-but': ['red', 'blue'] }] }, { c: str('blue') }, false],
    ['anything-but number', { n: [{ 'anything-but': [1, 2] }] }, { n: num('3') }, true],
    ['anything-but prefix', { c: [{ 'anything-but': { prefix: 'bl' } }] }, { c: str('blue') }, false],
    ['anything-but suffix', { c: [{ 'anything-but': { suffix: 'ed' } }] }, { c: str('blue') }, true],
    ['anything-but absent key', { c: [{ 'anything-but': 'red' }] }, {}, false],
    ['numeric range', { n: [{ numeric: ['>', 0, '<=', 10] }] }, { n: num('10') }, true],
    ['numeric range, out', { n: [{ numeric: ['>', 0, '<=', 10] }] }, { n: num('10.5') }, false],
    ['numeric =', { n: [{ numeric: ['=', 3.5] }] }, { n: num('3.5') }, true],
    ['numeric on a string', { n: [{ numeric: ['>', 0] }] }, { n: str('abc') }, false],
    ['exists true', { c: [{ exists: true }] }, { c: str('x') }, true],
    ['exists false, absent', { c: [{ exists: false }] }, {}, true],
    ['exists false, present', { c: [{ exists: false }] }, { c: str('x') }, false],
    ['a Binary attribute is absent to exists true', { c: [{ exists: true }] }, { c: { DataType: 'Binary', BinaryValue: 'AA==' } }, false],
    ['a Binary attribute is absent to exists false', { c: [{ exists: false }] }, { c: { DataType: 'Binary.png', BinaryValue: 'AA==' } }, true],
    ['cidr', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: str('10.0.0.77') }, true],
    ['cidr, outside', { ip: [{ cidr: '10.0.0.0/24' }] }, { ip: str('10.0.1.1') }, false],
    ['cidr, IPv6', { ip: [{ cidr: '2001:db8:1234:1a00::/64' }] }, { ip: str('2001:db8:1234:1a00::17') }, true],
    ['cidr, IPv6 outside', { ip: [{ cidr: '2001:db8:1234:1a00::/64' }] }, { ip: str('2001:db8:1234:1b00::1') }, false],
    ['cidr, IPv4 against an IPv6 network', { ip: [{ cidr: '::/0' }] }, { ip: str('10.0.0.1') }, false],
    ['String.Array matches any element', { c: ['b'] }, { c: { DataType: 'String.Array', StringValue: '["a","b"]' } }, true],
    ['every key must match', { c: ['red'], n: [1] }, { c: str('red'), n: num('2') }, false],
    ['$or', { $or: [{ c: ['red'] }, { n: [1] }] }, { n: num('1') }, true],
    ['$or, neither', { $or: [{ c: ['red'] }, { n: [1] }] }, { n: num('2') }, false]
  ]
  for (const [name, policy, attrs, expected] of cases) {
    it(name, () => expect(matches(policy, withAttributes(attrs))).toBe(expected))
  }
})

describe('operators on the message body', () => {
  const body = (value: unknown): PublishedMessage => ({ id: 'm', message: JSON.stringify(value) })
  it('matches nested keys', () => {
    expect(matches({ order: { status: ['paid'] } }, body({ order: { status: 'paid' } }), 'MessageBody')).toBe(true)
    expect(matches({ order: { status: ['paid'] } }, body({ order: { status: 'open' } }), 'MessageBody')).toBe(false)
  })
  it('matches any element of an array, at any level', () => {
    expect(matches({ items: { sku: [{ prefix: 'A-' }] } }, body({ items: [{ sku: 'B-1' }, { sku: 'A-2' }] }), 'MessageBody')).toBe(true)
    expect(matches({ tags: ['x'] }, body({ tags: ['y', 'x'] }), 'MessageBody')).toBe(true)
  })
  it('numbers, booleans, null, exists and $or in a body', () => {
    expect(matches({ price: [{ numeric: ['>=', 100] }], vip: [true] }, body({ price: 150, vip: true }), 'MessageBody')).toBe(true)
    expect(matches({ note: [null] }, body({ note: null }), 'MessageBody')).toBe(true)
    expect(matches({ a: { b: [{ exists: false }] } }, body({ a: {} }), 'MessageBody')).toBe(true)
    expect(matches({ $or: [{ a: [1] }, { b: { c: ['x'] } }] }, body({ b: { c: 'x' } }), 'MessageBody')).toBe(true)
  })
  it('a body that is not a JSON object matches nothing', () => {
    expect(matches({ a: ['b'] }, { id: 'm', message: 'plain text' }, 'MessageBody')).toBe(false)
  })
})

describe('invalid policies', () => {
  const refusals: Array<[string, unknown, string, FilterScope?]> = [
    ['more than 5 keys', { a: [1], b: [1], c: [1], d: [1], e: [1], f: [1] }, 'Filter policy can not have more than 5 keys'],
    ['more than 150 combinations', { a: Array.from({ length: 20 }, (_, i) => i), b: Array.from({ length: 8 }, (_, i) => i) }, 'Filter policy is too complex'],
    ['an unknown operator', { a: [{ wildcard: 'x*' }] }, 'Unrecognized match type wildcard'],
    ['two operators in one', { a: [{ prefix: 'x', suffix: 'y' }] }, 'Only one key allowed in match expression'],
    ['a prefix that is not a string', { a: [{ prefix: 1 }] }, 'prefix match pattern must be a string'],
    ['exists not a boolean', { a: [{ exists: 'yes' }] }, 'exists match pattern must be either true or false.'],
    ['a bad numeric operator', { a: [{ numeric: ['!=', 1] }] }, 'Unrecognized numeric range operator: !='],
    ['a non-numeric bound', { a: [{ numeric: ['>', 'x'] }] }, 'Value of > must be numeric'],
    ['a reversed range', { a: [{ numeric: ['>', 10, '<', 1] }] }, 'Bottom must be less than top'],
    ['a malformed CIDR', { a: [{ cidr: '10.0.0.0' }] }, "Malformed CIDR, one '/' required"],
    ['a nested key with attribute scope', { a: { b: ['c'] } }, 'Filter policy scope MessageAttributes does not support nested filter policy'],
    ['an operator as a nested key with attribute scope', { key: { suffix: 'value' } }, '"suffix" must be an object or an array'],
    // AWS's texts for numeric and cidr mistakes, recorded from AWS by LocalStack.
    ['an empty numeric', { a: [{ numeric: [] }] }, 'Invalid member in numeric match: ]'],
    ['a numeric starting with a number', { a: [{ numeric: [1, '<='] }] }, 'Invalid member in numeric match: 1'],
    ['an equals bound that is a string', { a: [{ numeric: ['=', '000'] }] }, 'Value of equals must be numeric'],
    ['an upper bound followed by more', { a: [{ numeric: ['<', 100, '>', 10] }] }, 'Too many elements in numeric expression'],
    ['a second lower bound', { a: [{ numeric: ['>=', 1, '>', 2] }] }, 'Bad numeric range operator: >'],
    ['a number where the second operator goes', { a: [{ numeric: ['>', 20, 30] }] }, 'Bad value in numeric range: 30'],
    ['a word where the second operator goes', { a: [{ numeric: ['>', 20, 'test'] }] }, 'Bad numeric range operator: test'],
    ['three bounds', { a: [{ numeric: ['>', 20, '<', 30, '<', 50] }] }, 'Too many terms in numeric range expression'],
    ['a CIDR list', { a: [{ cidr: ['bad-filter'] }] }, 'prefix match pattern must be a string'],
    ['a CIDR of no address', { a: [{ cidr: 'bad-filter/64' }] }, 'Nonstandard IP address: bad-filter'],
    ['CIDR mask bits that are no integer', { a: [{ cidr: 'bad-/64filter' }] }, 'Malformed CIDR, mask bits must be an integer'],
    ['an IPv6 CIDR of no address', { a: [{ cidr: 'xxxx:db8:1234:1a00::/64' }] }, 'Nonstandard IP address: xxxx:db8:1234:1a00::'],
    ['a value that is not a list', { a: 'b' }, '"a" must be an object or an array'],
    // AWS's docs' example: 4 values 3 levels down, 3 values 2 down, 3 at the top: 3 x 4 x 2 x 3 x 1 x 3 = 216.
    ['nested values counted per level', { key_a: { key_b: { key_c: ['v1', 'v2', 'v3', 'v4'] } }, key_d: { key_e: ['v1', 'v2', 'v3'] }, key_f: ['v1', 'v2', 'v3'] }, 'Filter policy is too complex', 'MessageBody']
  ]
  for (const [name, policy, reason, scope] of refusals) {
    it(name, () => {
      let error: unknown
      try {
        compileFilterPolicy(JSON.stringify(policy), scope ?? 'MessageAttributes', 'Invalid parameter: ')
      } catch (err) {
        error = err
      }
      expect(error).toBeInstanceOf(ServiceError)
      expect((error as ServiceError).message).toBe(`Invalid parameter: FilterPolicy: ${reason}`)
      expect((error as ServiceError).awsType).toBe('InvalidParameterException')
    })
  }
  it('refuses a policy over 256 KB', () => {
    expect(() => compileFilterPolicy(JSON.stringify({ a: ['x'.repeat(262_144)] }), 'MessageAttributes', '')).toThrow(/too large/)
  })
})

describe('the filter index', () => {
  // A small seeded generator (mulberry32), so that a failure can be run again.
  function random (seed: number): () => number {
    let a = seed
    return () => {
      a = (a + 0x6d2b79f5) | 0
      let t = Math.imul(a ^ (a >>> 15), 1 | a)
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296
    }
  }
  const rnd = random(16)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!
  // Few keys and values, so that policies and messages meet often.
  const KEYS = ['a', 'b', 'c', 'd', '__proto__', 'constructor']
  const STRINGS = ['x', 'y', 'xy', 'Y', '5', '10.0.0.1', '']
  const NUMBERS = [0, 5, 7.5, -3]

  function condition (): unknown {
    switch (Math.floor(rnd() * 12)) {
      case 0: case 1: case 2: return pick(STRINGS)
      case 3: return pick(NUMBERS)
      case 4: return pick([true, false, null])
      case 5: return { prefix: pick(STRINGS) }
      case 6: return { suffix: pick(STRINGS) }
      case 7: return { 'equals-ignore-case': pick(STRINGS) }
      case 8: return { 'anything-but': rnd() < 0.5 ? pick(STRINGS) : [pick(STRINGS), pick(NUMBERS)] }
      case 9: return { exists: rnd() < 0.5 }
      case 10: return { numeric: ['>=', -5, '<', 6] }
      default: return { cidr: '10.0.0.0/24' }
    }
  }
  function object (depth: number, scope: FilterScope): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    const keys = 1 + Math.floor(rnd() * 3)
    for (let k = 0; k < keys; k++) {
      const key = pick(KEYS)
      if (key === '__proto__') continue
      if (depth === 0 && rnd() < 0.1) out.$or = [object(1, scope), object(1, scope)]
      else if (scope === 'MessageBody' && depth < 2 && rnd() < 0.2) out[key] = object(depth + 1, scope)
      else out[key] = Array.from({ length: 1 + Math.floor(rnd() * 3) }, condition)
    }
    return Object.keys(out).length === 0 ? { a: ['x'] } : out
  }
  function leaf (): unknown {
    const r = rnd()
    return r < 0.6 ? pick(STRINGS) : r < 0.8 ? pick(NUMBERS) : pick([true, false, null])
  }
  function message (): PublishedMessage {
    const attributes: Array<[string, TopicAttributeValue]> = []
    const body: Record<string, unknown> = {}
    for (const key of KEYS) {
      if (rnd() < 0.4) continue
      const kind = Math.floor(rnd() * 4)
      attributes.push([key, kind === 0 ? num(String(pick(NUMBERS))) : kind === 1 ? { DataType: 'String.Array', StringValue: JSON.stringify([leaf(), leaf()]) } : kind === 2 ? { DataType: 'Binary', BinaryValue: 'AA==' } : str(pick(STRINGS))])
      body[key] = rnd() < 0.2 ? [leaf(), { [pick(KEYS)]: leaf() }] : rnd() < 0.2 ? { [pick(KEYS)]: leaf() } : leaf()
    }
    attributes.sort((x, y) => (x[0] < y[0] ? -1 : 1))
    return { id: 'm', message: rnd() < 0.05 ? 'not json' : JSON.stringify(body), attributes }
  }

  it('agrees with the plain evaluator over many random policies and messages, in both scopes', () => {
    const filters: CompiledFilter[] = []
    while (filters.length < 400) {
      const scope: FilterScope = rnd() < 0.5 ? 'MessageAttributes' : 'MessageBody'
      try {
        filters.push(compileFilterPolicy(JSON.stringify(object(0, scope)), scope, ''))
      } catch {
        // An invalid policy (a reversed range, too many combinations) is refused when set.
      }
    }
    const index = new FilterIndex(filters)
    expect(filters.filter((f) => f.anchor !== undefined).length).toBeGreaterThan(50)
    let matched = 0
    for (let m = 0; m < 2_000; m++) {
      const msg = message()
      const expected = filters.filter((f) => f.match(msg))
      const got = [...index.matching(msg)]
      expect(new Set(got)).toEqual(new Set(expected))
      if (m % 20 === 0) for (const f of filters) expect(index.matches(msg, f)).toBe(expected.includes(f))
      matched += expected.length
    }
    // Both sides of every policy were seen.
    expect(matched).toBeGreaterThan(1_000)
  })

  it('evaluates a filter it does not hold', () => {
    const index = new FilterIndex([])
    const filter = compileFilterPolicy(JSON.stringify({ a: ['x'] }), 'MessageAttributes', '')
    expect(index.matches(withAttributes({ a: str('x') }), filter)).toBe(true)
    expect(index.matches(withAttributes({ a: str('y') }), filter)).toBe(false)
  })
})

describe('filter policies on a subscription', () => {
  let s: TopicTestServer
  beforeAll(async () => { s = await startTopicServer() })
  afterAll(async () => { await s.close() })

  it('delivers only matching messages, per scope, and refuses an invalid policy at Subscribe with AWS\'s prefix', async () => {
    const { topicArn } = await s.topics.createTopic({ name: topicName() })
    const byAttr = await makeQueue(s, topicName('q'))
    const byBody = await makeQueue(s, topicName('q'))
    await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: byAttr.arn, attributes: { RawMessageDelivery: 'true', FilterPolicy: JSON.stringify({ kind: ['order'], amount: [{ numeric: ['>', 10] }] }) } })
    await s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: byBody.arn, attributes: { RawMessageDelivery: 'true', FilterPolicyScope: 'MessageBody', FilterPolicy: JSON.stringify({ order: { region: [{ prefix: 'eu-' }] } }) } })
    const attrs = (kind: string, amount: string) => ({ kind: { dataType: 'String', stringValue: kind }, amount: { dataType: 'Number', stringValue: amount } })
    await s.topics.publish({ topicArn, message: JSON.stringify({ order: { region: 'us-east-1' }, n: 1 }), messageAttributes: attrs('order', '50') })
    await s.topics.publish({ topicArn, message: JSON.stringify({ order: { region: 'eu-west-1' }, n: 2 }), messageAttributes: attrs('order', '5') })
    await s.topics.publish({ topicArn, message: JSON.stringify({ order: { region: 'eu-central-1' }, n: 3 }), messageAttributes: attrs('refund', '50') })
    expect((await drain(s, byAttr.queueUrl, 1)).map((m) => JSON.parse(m.body).n)).toEqual([1])
    expect((await drain(s, byBody.queueUrl, 2)).map((m) => JSON.parse(m.body).n).sort()).toEqual([2, 3])
    const err = await expectCode(s.topics.subscribe({ topicArn, protocol: 'sqs', endpoint: byAttr.arn.replace(/q-/, 'other-'), attributes: { FilterPolicy: '{"a":[{"bogus":1}]}' } }), 'SNS_INVALID_PARAMETER')
    expect(err.message).toBe('Invalid parameter: Attributes Reason: FilterPolicy: Unrecognized match type bogus')
  })
})
