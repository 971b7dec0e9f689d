/**
 * `for await (const batch of consumer)`: the batches of every shard, one at a time. A shard's
 * handler "returns" when the loop asks for the next batch, so a batch is checkpointed only
 * after the loop body ran for it, exactly as with `run({ eachBatch })`. Leaving the loop
 * stops the consumer gracefully.
 */
import type { Batch } from './batch.js'

interface Waiting {
  batch: Batch
  handled: () => void
  dropped: (error: Error) => void
}

export class BatchChannel {
  readonly #queue: Waiting[] = []
  #reader: ((item: Waiting | undefined) => void) | undefined
  #current: Waiting | undefined
  #closed = false

  /** The eachBatch handler: resolves once the reader has moved past this batch. */
  push (batch: Batch): Promise<void> {
    if (this.#closed) return Promise.reject(new Error('the consumer is stopping'))
    return new Promise((resolve, reject) => {
      const item = { batch, handled: resolve, dropped: reject }
      if (this.#reader !== undefined) {
        const reader = this.#reader
        this.#reader = undefined
        reader(item)
      } else {
        this.#queue.push(item)
      }
    })
  }

  /** Ends iteration; batches not yet read are dropped undelivered (so not checkpointed). */
  close (): void {
    this.#closed = true
    this.#finishCurrent()
    for (const item of this.#queue.splice(0)) item.dropped(new Error('the consumer is stopping'))
    this.#reader?.(undefined)
    this.#reader = undefined
  }

  #finishCurrent (): void {
    this.#current?.handled()
    this.#current = undefined
  }

  async * iterate (onExit: () => Promise<void>): AsyncGenerator<Batch> {
    try {
      for (;;) {
        this.#finishCurrent()
        if (this.#closed) return
        const next = this.#queue.shift() ?? await new Promise<Waiting | undefined>((resolve) => { this.#reader = resolve })
        if (next === undefined) return
        this.#current = next
        yield next.batch
      }
    } finally {
      this.#finishCurrent()
      await onExit()
    }
  }
}
