/**
 * FIFO deduplication and receive-attempt memory: what a FIFO queue remembers for 5
 * minutes. Neither needs state of its own on disk: deduplication ids are in the message
 * records (a restart rebuilds the table from the last 5 minutes of the message stream),
 * and receive attempts are in the `received` events.
 */
import { FIFO_MEMORY_MS } from './queue-model.js'

export interface SentMessageRef {
  readonly messageId: string
  readonly sequenceNumber: string
  readonly counter: number
  /** Settles once the original send is durable: a duplicate is only acknowledged after it. */
  readonly committed: Promise<void>
}

interface Remembered<T> {
  readonly key: string
  readonly expiresAt: number
  readonly value: T
}

/** Entries that expire a fixed time after they were added, in the order they were added. */
class ExpiringMap<T> {
  private readonly byKey = new Map<string, Remembered<T>>()
  private readonly order: Array<Remembered<T>> = []
  private head = 0

  get (key: string, now: number): T | undefined {
    const entry = this.byKey.get(key)
    return entry !== undefined && entry.expiresAt > now ? entry.value : undefined
  }

  set (key: string, value: T, expiresAt: number): void {
    const entry = { key, expiresAt, value }
    this.byKey.set(key, entry)
    this.order.push(entry)
  }

  sweep (now: number): void {
    while (this.head < this.order.length && this.order[this.head]!.expiresAt <= now) {
      const entry = this.order[this.head++]!
      if (this.byKey.get(entry.key) === entry) this.byKey.delete(entry.key)
    }
    if (this.head > 1024 && this.head * 2 > this.order.length) {
      this.order.splice(0, this.head)
      this.head = 0
    }
  }

  entries (now: number): Array<Remembered<T>> {
    return [...this.byKey.values()].filter((e) => e.expiresAt > now)
  }

  drop (test: (value: T) => boolean): void {
    for (const [key, entry] of this.byKey) if (test(entry.value)) this.byKey.delete(key)
  }
}

export class FifoDedup {
  private readonly sent = new ExpiringMap<SentMessageRef>()

  /** The message a deduplication key already named in the last 5 minutes, if any. */
  find (key: string, now: number): SentMessageRef | undefined {
    this.sent.sweep(now)
    return this.sent.get(key, now)
  }

  remember (key: string, ref: SentMessageRef, sentAt: number): void {
    this.sent.set(key, ref, sentAt + FIFO_MEMORY_MS)
  }

  /** PurgeQueue also clears deduplication (AWS does). */
  forgetThrough (counter: number): void {
    this.sent.drop((ref) => ref.counter <= counter)
  }
}

/** A receive's messages, kept under its ReceiveRequestAttemptId: [counter, receive seq] pairs. */
export interface ReceiveAttempt {
  readonly messages: ReadonlyArray<readonly [number, number]>
}

export class ReceiveAttempts {
  private readonly attempts = new ExpiringMap<ReceiveAttempt>()

  find (id: string, now: number): ReceiveAttempt | undefined {
    this.attempts.sweep(now)
    return this.attempts.get(id, now)
  }

  remember (id: string, attempt: ReceiveAttempt, at: number): void {
    this.attempts.set(id, attempt, at + FIFO_MEMORY_MS)
  }

  /** [id, at, messages] of the live attempts, for snapshots. */
  list (now: number): Array<[string, number, ReadonlyArray<readonly [number, number]>]> {
    return this.attempts.entries(now).map((e) => [e.key, e.expiresAt - FIFO_MEMORY_MS, e.value.messages])
  }
}
