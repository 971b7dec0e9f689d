/**
 * WatchLeases as an async iterable of changes, over a gRPC server stream. As with
 * ShardSubscription, the call starts when iteration starts, so a watch held but not
 * iterated buffers nothing; `cancel()` ends it from this side without an error.
 */
import type { ClientReadableStream } from '@grpc/grpc-js'
import { toShardlineError } from './errors.js'
import type { LeaseChange } from './lease-types.js'
import { toLeaseChange } from './lease-wire.js'
import type { Wire } from './responses.js'

export class LeaseWatch implements AsyncIterable<LeaseChange> {
  #call: ClientReadableStream<object> | undefined
  #cancelled = false

  constructor (private readonly open: () => ClientReadableStream<object>) {}

  /** Ends the watch; iteration then finishes without an error. */
  cancel (): void {
    this.#cancelled = true
    this.#call?.cancel()
  }

  async * [Symbol.asyncIterator] (): AsyncIterator<LeaseChange> {
    if (this.#cancelled) return
    if (this.#call !== undefined) throw new TypeError('a LeaseWatch can be iterated only once')
    let call: ClientReadableStream<object>
    try {
      call = this.open()
    } catch (err) {
      throw toShardlineError(err)
    }
    this.#call = call
    try {
      for await (const wire of call) {
        const change = toLeaseChange(wire as Wire<LeaseChange>)
        if (change !== undefined) yield change
      }
    } catch (err) {
      if (this.#cancelled) return
      throw toShardlineError(err)
    } finally {
      // Leaving the loop early (break, return, throw) must not leave the call open.
      if (!this.#cancelled) call.cancel()
    }
  }
}
