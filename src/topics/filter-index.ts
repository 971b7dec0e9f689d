/**
 * The filter policies of a topic's subscriptions, indexed so that a message costs little
 * more with a thousand of them than with one. A policy with an anchor (filter-policy.ts: a
 * top-level key it needs one exact value of) can only match a message that has one of
 * those values under that key, so it is filed under each (key, value); a message's own
 * values then name the few policies worth evaluating. Those, and the policies without an
 * anchor, are evaluated in full by their compiled matcher: the index only leaves out
 * policies it has shown cannot match, so every policy is decided and the result is exactly
 * the plain evaluator's.
 *
 * Results are kept per message object (the pumps share one decoded message per record),
 * so a page read by a thousand pumps is matched once per message.
 */
import { lookup, subjectOf, type CompiledFilter, type FilterScope, type Leaf } from './filter-policy.js'
import type { PublishedMessage } from './topic-model.js'

const SCOPES: readonly FilterScope[] = ['MessageAttributes', 'MessageBody']

function isObject (v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

export class FilterIndex {
  /** Anchored policies by scope, key and exact value. */
  private readonly anchored = new Map<FilterScope, Map<string, Map<Leaf, CompiledFilter[]>>>()
  /** Policies without an anchor: evaluated for every message. */
  private readonly rest: CompiledFilter[] = []
  private readonly members: ReadonlySet<CompiledFilter>
  private readonly results = new WeakMap<PublishedMessage, ReadonlySet<CompiledFilter>>()

  constructor (filters: Iterable<CompiledFilter>) {
    const members = new Set<CompiledFilter>()
    for (const filter of filters) {
      if (members.has(filter)) continue
      members.add(filter)
      const anchor = filter.anchor
      if (anchor === undefined) {
        this.rest.push(filter)
        continue
      }
      let byKey = this.anchored.get(filter.scope)
      if (byKey === undefined) this.anchored.set(filter.scope, byKey = new Map())
      let byValue = byKey.get(anchor.key)
      if (byValue === undefined) byKey.set(anchor.key, byValue = new Map())
      // A policy may list a value twice; filing it once keeps its bucket free of repeats.
      for (const value of new Set(anchor.values)) {
        const bucket = byValue.get(value)
        if (bucket === undefined) byValue.set(value, [filter])
        else bucket.push(filter)
      }
    }
    this.members = members
  }

  /** Whether the index was built with `filter` (so `matching` decides it). */
  holds (filter: CompiledFilter): boolean {
    return this.members.has(filter)
  }

  /** Whether `filter` matches `message`: from the index when it holds the filter, else evaluated. */
  matches (message: PublishedMessage, filter: CompiledFilter): boolean {
    if (!this.members.has(filter)) return filter.match(message)
    return this.matching(message).has(filter)
  }

  /** Every indexed filter that matches `message`. */
  matching (message: PublishedMessage): ReadonlySet<CompiledFilter> {
    let out = this.results.get(message)
    if (out === undefined) {
      out = this.evaluate(message)
      this.results.set(message, out)
    }
    return out
  }

  private evaluate (message: PublishedMessage): ReadonlySet<CompiledFilter> {
    const candidates = new Set<CompiledFilter>(this.rest)
    for (const scope of SCOPES) {
      const byKey = this.anchored.get(scope)
      if (byKey === undefined) continue
      const subject = subjectOf(message, scope)
      if (!isObject(subject)) continue
      // The message's own keys: an exact value never matches one it only inherits.
      for (const key of Object.keys(subject)) {
        const byValue = byKey.get(key)
        if (byValue === undefined) continue
        for (const value of lookup(subject, key).values) {
          const bucket = byValue.get(value)
          if (bucket !== undefined) for (const filter of bucket) candidates.add(filter)
        }
      }
    }
    const out = new Set<CompiledFilter>()
    for (const filter of candidates) if (filter.match(message)) out.add(filter)
    return out
  }
}
