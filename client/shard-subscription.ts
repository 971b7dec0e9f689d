/**
 * SubscribeToShard as an async iterable of events, over a gRPC server stream.
 *
 * The call starts when iteration starts, not when the object is made: grpc-js buffers
 * every message of a stream nobody has read from yet, so a subscription held but not
 * iterated would otherwise pull the whole shard into this process. Once iterating, a
 * consumer that stops pulling leaves only a bounded amount in flight (the readable's
 * small buffer plus the HTTP/2 window), and the server, which sends an event only after
 * the previous one was taken, stops reading the shard.
 */
import type { ClientReadableStream } from '@grpc/grpc-js'
import { toShardlineError } from './errors.js'
import { toSubscribeToShardEvent, type Wire } from './responses.js'
import type { SubscribeToShardEvent } from './types.js'

export class ShardSubscription implements AsyncIterable<SubscribeToShardEvent> {
  #call: ClientReadableStream<object> | undefined
  #cancelled = false

  constructor (private readonly open: () => ClientReadableStream<object>) {}

  /** Ends the subscription from this side; iteration then finishes without an error. */
  cancel (): void {
    this.#cancelled = true
    this.#call?.cancel()
  }

  async * [Symbol.asyncIterator] (): AsyncIterator<SubscribeToShardEvent> {
    if (this.#cancelled) return
    if (this.#call !== undefined) throw new TypeError('a ShardSubscription can be iterated only once')
    let call: ClientReadableStream<object>
    try {
      call = this.open()
    } catch (err) {
      throw toShardlineError(err)
    }
    this.#call = call
    try {
      for await (const wire of call) {
        yield toSubscribeToShardEvent(wire as Wire<SubscribeToShardEvent>)
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
