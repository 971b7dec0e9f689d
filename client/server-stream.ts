/**
 * A gRPC server stream as an async iterable of converted messages; SubscribeToShard and
 * WatchLeases are both this.
 *
 * The call starts when iteration starts, not when the object is made: grpc-js buffers
 * every message of a stream nobody has read from yet, so a stream held but not iterated
 * would otherwise pull everything the server has into this process. Once iterating, a
 * reader that stops pulling leaves only a bounded amount in flight (the readable's small
 * buffer plus the HTTP/2 window), and the server, which sends a message only after the
 * previous one was taken, stops producing.
 */
import type { ClientReadableStream } from '@grpc/grpc-js'
import { toShardlineError } from './errors.js'

export class ServerStream<T> implements AsyncIterable<T> {
  #call: ClientReadableStream<object> | undefined
  #cancelled = false

  constructor (
    private readonly open: () => ClientReadableStream<object>,
    /** Turns a wire message into what the iterable yields; undefined skips the message. */
    private readonly convert: (wire: object) => T | undefined
  ) {}

  /** Ends the stream from this side; iteration then finishes without an error. */
  cancel (): void {
    this.#cancelled = true
    this.#call?.cancel()
  }

  async * [Symbol.asyncIterator] (): AsyncIterator<T> {
    if (this.#cancelled) return
    if (this.#call !== undefined) throw new TypeError(`a ${this.constructor.name} can be iterated only once`)
    let call: ClientReadableStream<object>
    try {
      call = this.open()
    } catch (err) {
      throw toShardlineError(err)
    }
    this.#call = call
    try {
      for await (const wire of call) {
        const message = this.convert(wire as object)
        if (message !== undefined) yield message
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
