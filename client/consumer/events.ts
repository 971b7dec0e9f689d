/**
 * The consumer's lifecycle events: a typed union with namespaced names. `on()` returns the
 * function that unsubscribes, so a listener's lifetime is one value to keep.
 */

export interface ConsumerEvents {
  /**
   * This worker took a lease: a free one, an expired one, one stolen to balance the group, or
   * one recovered from an earlier run under the same worker id.
   */
  'lease.acquired': { shardId: string, checkpoint: string, previousOwner: string, reason: 'free' | 'expired' | 'steal' | 'recovered' }
  /** This worker stopped holding a lease it did not give up: its time ran out or a write found it gone. */
  'lease.lost': { shardId: string, reason: 'expired' | 'taken' | 'deleted' }
  /** Another worker took one of this worker's leases to balance the group. */
  'lease.stolen': { shardId: string, by: string }
  /** A closed shard was processed to its end; its children may start once all their parents have. */
  'shard.ended': { shardId: string, childShardIds: string[] }
  /** One balancing pass changed this worker's leases. */
  rebalance: { workers: number, leases: number, held: number, target: { min: number, max: number }, took: string[], stole: string[] }
  /** A checkpoint was written (by the application or automatically). */
  checkpoint: { shardId: string, sequenceNumber: string }
  /** Something failed that the consumer works around (a call retried, a stream reconnected). */
  error: { error: Error, shardId?: string }
  /** The handler threw: the shard restarts from its last checkpoint after a pause. */
  crash: { error: Error, shardId: string, restartInMs: number }
}

export type ConsumerEventName = keyof ConsumerEvents
export type ConsumerListener<K extends ConsumerEventName> = (event: ConsumerEvents[K]) => void

const EVENT_NAMES: ReadonlySet<string> = new Set<ConsumerEventName>(['lease.acquired', 'lease.lost', 'lease.stolen', 'shard.ended', 'rebalance', 'checkpoint', 'error', 'crash'])

export class ConsumerEmitter {
  readonly #listeners = new Map<ConsumerEventName, Set<(event: never) => void>>()

  on<K extends ConsumerEventName> (name: K, listener: ConsumerListener<K>): () => void {
    // A misspelt name would otherwise subscribe to an event that never comes.
    if (!EVENT_NAMES.has(name)) throw new TypeError(`unknown Consumer event '${String(name)}'; known: ${[...EVENT_NAMES].join(', ')}`)
    if (typeof listener !== 'function') throw new TypeError('listener must be a function')
    let set = this.#listeners.get(name)
    if (set === undefined) {
      set = new Set()
      this.#listeners.set(name, set)
    }
    set.add(listener)
    return () => { set.delete(listener) }
  }

  emit<K extends ConsumerEventName> (name: K, event: ConsumerEvents[K]): void {
    const set = this.#listeners.get(name)
    if (set === undefined) return
    for (const listener of [...set]) {
      try {
        (listener as ConsumerListener<K>)(event)
      } catch {
        // A throwing listener must not break the lease protocol that emitted the event.
      }
    }
  }
}
