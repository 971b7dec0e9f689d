/**
 * SubscribeToShard as an async iterable of events, over a gRPC server stream. grpc-js
 * only reads the next message when the iterator asks for it, so a consumer that stops
 * iterating applies back-pressure all the way to the server.
 */
import type { ClientReadableStream } from '@grpc/grpc-js'
import { toShardlineError } from './errors.js'
import { toSubscribeToShardEvent, type Wire } from './responses.js'
import type { SubscribeToShardEvent } from './types.js'

export class ShardSubscription implements AsyncIterable<SubscribeToShardEvent> {
  #cancelled = false

  constructor (private readonly call: ClientReadableStream<object>) {}

  /** Ends the subscription from this side; iteration then finishes without an error. */
  cancel (): void {
    this.#cancelled = true
    this.call.cancel()
  }

  async * [Symbol.asyncIterator] (): AsyncIterator<SubscribeToShardEvent> {
    try {
      for await (const wire of this.call) {
        yield toSubscribeToShardEvent(wire as Wire<SubscribeToShardEvent>)
      }
    } catch (err) {
      if (this.#cancelled) return
      throw toShardlineError(err)
    } finally {
      // Leaving the loop early (break, return, throw) must not leave the call open.
      if (!this.#cancelled) this.call.cancel()
    }
  }
}
