/**
 * The stop-and-wake plumbing of a long-running server stream (a SubscribeToShard, a
 * WatchLeases): stop() ends it from outside, with or without an error, and interrupts
 * whatever it is waiting on — a sleep, or a send that a client which stopped reading
 * would otherwise block forever.
 */
import type { ServiceError } from './errors.js'

export class StopLatch {
  #stopped: { reason: ServiceError | undefined } | undefined
  #signalStop: () => void = () => {}
  readonly #stopSignal = new Promise<void>((resolve) => { this.#signalStop = resolve })
  #wake: (() => void) | undefined

  get stopped (): boolean {
    return this.#stopped !== undefined
  }

  /** The error the stream ends with; undefined when it was stopped quietly (or not at all). */
  get reason (): ServiceError | undefined {
    return this.#stopped?.reason
  }

  /** Stops: with `reason` as the stream's error, or quietly (the client left). The first call wins. */
  stop (reason?: ServiceError): void {
    this.#stopped ??= { reason }
    this.#signalStop()
    this.wake()
  }

  /** Ends the current sleep early, if there is one. */
  wake (): void {
    this.#wake?.()
  }

  /** Waits for `work` unless stop() comes first; its result is not needed, only its end. */
  async race (work: Promise<unknown>): Promise<void> {
    await Promise.race([this.#stopSignal, work])
  }

  /** Sleeps up to `ms`; wake() or stop() cut it short. */
  sleep (ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve()
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(), Math.max(0, ms))
      const done = (): void => {
        clearTimeout(timer)
        if (this.#wake === done) this.#wake = undefined
        resolve()
      }
      this.#wake = done
    })
  }
}
