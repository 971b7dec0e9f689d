/**
 * A batching Producer: `send` buffers a record and resolves once the server stored it.
 * Records are packed into PutRecords calls (several in flight), throttled and failed
 * records are retried with exponential backoff and full jitter, and each partition key's
 * records are stored in the order `send` was called (see producer-queue.ts for how).
 */
import { toShardlineError, type ShardlineError } from './errors.js'
import { backoffMs, resolveProducerOptions, type ProducerOptions, type ResolvedProducerOptions } from './producer-options.js'
import { Fifo, KeyQueue, type Batch, type ProducerResult, type QueuedRecord } from './producer-queue.js'
import { checkRecord, localError, recordError, type CheckedRecord, type ProducerRecord } from './producer-records.js'
import { StreamClient } from './stream-client.js'
import type { PutRecordsRequestEntry, PutRecordsResponse } from './types.js'

export interface ProducerStats {
  /** Records the server stored. */
  recordsStored: number
  /** Records whose `send` rejected after they were buffered. */
  recordsFailed: number
  /** Times a record was sent again after a throttled or retriable failure. */
  recordsRetried: number
  /** Per-record ProvisionedThroughputExceeded answers (THROUGHPUT_EXCEEDED). */
  recordsThrottled: number
  /** PutRecords calls made, and those that failed as a whole. */
  calls: number
  callsFailed: number
  /** Records and bytes buffered or in flight now (sends waiting for room not included). */
  bufferedRecords: number
  bufferedBytes: number
  /** Sends waiting for buffer room now. */
  waitingSends: number
  inFlightCalls: number
}

export interface ProducerEvents {
  /** A PutRecords call is about to go. */
  'batch.sent': { records: number, bytes: number }
  /** A PutRecords call is over: how its records fared. `error` is set when the whole call failed. */
  'batch.settled': { records: number, stored: number, retrying: number, failed: number, durationMs: number, error: ShardlineError | undefined }
}

export type ProducerEventName = keyof ProducerEvents

interface FlushWaiter {
  /** Sends up to this number must settle. */
  readonly upTo: number
  remaining: number
  readonly resolve: () => void
}

export class Producer {
  readonly #options: ResolvedProducerOptions
  readonly #client: StreamClient
  readonly #ownsClient: boolean
  readonly #queue = new KeyQueue()
  /** Sends waiting for buffer room, in call order: none may overtake another (same key, same order). */
  readonly #waiting = new Fifo<QueuedRecord>()
  readonly #flushWaiters: FlushWaiter[] = []
  readonly #listeners: { [E in ProducerEventName]: Set<(event: ProducerEvents[E]) => void> } = {
    'batch.sent': new Set(),
    'batch.settled': new Set()
  }

  #bufferedBytes = 0
  #bufferedRecords = 0
  #inFlight = 0
  #lingerTimer: NodeJS.Timeout | undefined
  #lingerDue = 0
  #flushing = 0
  #closed = false
  #closing: Promise<void> | undefined
  /** Number of the last send; `#sends - #settledCount` are outstanding. */
  #sends = 0
  #settledCount = 0
  readonly #stats = { recordsStored: 0, recordsFailed: 0, recordsRetried: 0, recordsThrottled: 0, calls: 0, callsFailed: 0 }

  constructor (options: ProducerOptions) {
    this.#options = resolveProducerOptions(options)
    const { client, endpoint, credentials } = this.#options
    this.#ownsClient = client === undefined
    this.#client = client ?? new StreamClient({ endpoint: endpoint!, ...(credentials === undefined ? {} : { credentials }) })
  }

  /**
   * Buffers a record; resolves with where it was stored. Waits, without buffering, while
   * the buffer is full. Rejects with a ShardlineError: VALIDATION_FAILED or
   * INVALID_HASH_KEY at once for a record the server would refuse, the server's code for a
   * non-retriable failure, the last failure's code once retries are exhausted, CANCELLED
   * after close(). Misuse (wrong types) rejects with a TypeError.
   */
  send (record: ProducerRecord): Promise<ProducerResult> {
    if (this.#closed) {
      return Promise.reject(localError('CANCELLED', `This Producer for stream ${this.#streamLabel()} is closed; it takes no more records. Create a new Producer to send more.`))
    }
    let checked: CheckedRecord
    try {
      checked = checkRecord(record)
    } catch (err) {
      return Promise.reject(err)
    }
    return new Promise<ProducerResult>((resolve, reject) => {
      const queued: QueuedRecord = { record: checked, id: ++this.#sends, queuedAt: 0, attempts: 0, lastError: undefined, resolve, reject }
      if (this.#waiting.length > 0 || !this.#hasRoom(checked.bytes)) {
        this.#waiting.push(queued)
        this.#pump(false)
      } else {
        this.#admit(queued, true)
      }
    })
  }

  /** Resolves once every record sent before this call is stored or has failed. Never rejects. */
  flush (): Promise<void> {
    const outstanding = this.#outstanding()
    if (outstanding === 0) return Promise.resolve()
    return new Promise((resolve) => {
      this.#flushing++
      this.#flushWaiters.push({
        upTo: this.#sends,
        remaining: outstanding,
        resolve: () => { this.#flushing--; resolve() }
      })
      this.#pump(true)
    })
  }

  /**
   * Takes no more records, waits for the buffered ones to settle (retries included), then
   * closes the channel if the Producer opened it. Idempotent.
   */
  close (): Promise<void> {
    this.#closing ??= (async () => {
      this.#closed = true
      await this.flush()
      if (this.#ownsClient) this.#client.close()
    })()
    return this.#closing
  }

  stats (): ProducerStats {
    return {
      ...this.#stats,
      bufferedRecords: this.#bufferedRecords,
      bufferedBytes: this.#bufferedBytes,
      waitingSends: this.#waiting.length,
      inFlightCalls: this.#inFlight
    }
  }

  /** Subscribes to an event; returns the function that unsubscribes. */
  on<E extends ProducerEventName> (event: E, listener: (event: ProducerEvents[E]) => void): () => void {
    const listeners = this.#listeners[event] as Set<(event: ProducerEvents[E]) => void> | undefined
    if (listeners === undefined) throw new TypeError(`unknown Producer event '${String(event)}'; known: ${Object.keys(this.#listeners).join(', ')}`)
    if (typeof listener !== 'function') throw new TypeError('listener must be a function')
    listeners.add(listener)
    return () => { listeners.delete(listener) }
  }

  #emit<E extends ProducerEventName> (event: E, payload: ProducerEvents[E]): void {
    for (const listener of this.#listeners[event] as Set<(event: ProducerEvents[E]) => void>) {
      try {
        listener(payload)
      } catch (err) {
        // A listener's bug must not leave the buffer half updated; it surfaces on its own.
        queueMicrotask(() => { throw err })
      }
    }
  }

  #streamLabel (): string {
    return this.#options.streamName ?? this.#options.streamArn!
  }

  #outstanding (): number {
    return this.#sends - this.#settledCount
  }

  #settled (id: number): void {
    this.#settledCount++
    for (let i = this.#flushWaiters.length - 1; i >= 0; i--) {
      const waiter = this.#flushWaiters[i]!
      if (id > waiter.upTo) continue
      if (--waiter.remaining === 0) {
        this.#flushWaiters.splice(i, 1)
        waiter.resolve()
      }
    }
  }

  /** A record larger than the whole buffer still goes, alone, so it cannot wait forever. */
  #hasRoom (bytes: number): boolean {
    return this.#bufferedBytes === 0 || this.#bufferedBytes + bytes <= this.#options.maxBufferedBytes
  }

  #admit (queued: QueuedRecord, pump: boolean): void {
    this.#bufferedBytes += queued.record.bytes
    this.#bufferedRecords++
    queued.queuedAt = Date.now()
    this.#queue.push(queued)
    if (pump) this.#pump(false)
  }

  /** Lets waiting sends in, in order, while there is room. */
  #admitWaiting (): void {
    while (this.#waiting.length > 0 && this.#hasRoom(this.#waiting.peek()!.record.bytes)) {
      this.#admit(this.#waiting.shift()!, false)
    }
  }

  /** A buffered record is done: its bytes leave the buffer. Settles with `result` when there is one. */
  #finish (queued: QueuedRecord, result: ProducerResult | undefined, error?: ShardlineError): void {
    this.#bufferedBytes -= queued.record.bytes
    this.#bufferedRecords--
    // The send's own promise settles first, so its reactions run before a flush's.
    if (result !== undefined) {
      this.#stats.recordsStored++
      queued.resolve(result)
    } else {
      this.#stats.recordsFailed++
      queued.reject(error)
    }
    this.#settled(queued.id)
  }

  /**
   * Starts calls while a slot is free and a batch is due: full, or its oldest record has
   * lingered long enough (checked only when `lingerCheck`, since finding the oldest walks
   * the keys; a send only needs to know whether the batch is full), or the buffer is full,
   * or a flush or close wants everything out now.
   */
  #pump (lingerCheck: boolean): void {
    const { maxInFlight, maxBatchRecords, maxBatchBytes } = this.#options
    while (this.#inFlight < maxInFlight && this.#queue.readyRecords > 0 && this.#batchDue(lingerCheck)) {
      void this.#dispatch(this.#queue.take(maxBatchRecords, maxBatchBytes)!)
    }
    this.#armLinger(lingerCheck)
  }

  #batchDue (lingerCheck: boolean): boolean {
    const { maxBatchRecords, maxBatchBytes, lingerMs } = this.#options
    if (this.#queue.readyRecords >= maxBatchRecords || this.#queue.readyBytes >= maxBatchBytes) return true
    // With sends waiting for room, nothing more can join the batch: lingering only stalls them.
    if (this.#waiting.length > 0 || this.#flushing > 0 || this.#closed || lingerMs === 0) return true
    if (!lingerCheck) return false
    const oldest = this.#queue.oldestReadyAt()
    return oldest !== undefined && oldest + lingerMs <= Date.now()
  }

  /**
   * With no slot free, the next call's end pumps; otherwise a timer fires when the oldest
   * ready record has lingered. A send's record is the newest, so an armed timer stands;
   * records back from a call or a backoff may be older, so then (`recheck`) it may be moved
   * earlier.
   */
  #armLinger (recheck: boolean): void {
    if (this.#queue.readyRecords === 0 || this.#inFlight >= this.#options.maxInFlight) return
    if (this.#lingerTimer !== undefined && !recheck) return
    const due = this.#queue.oldestReadyAt()! + this.#options.lingerMs
    if (this.#lingerTimer !== undefined) {
      if (due >= this.#lingerDue) return
      clearTimeout(this.#lingerTimer)
    }
    this.#lingerDue = due
    this.#lingerTimer = setTimeout(() => {
      this.#lingerTimer = undefined
      this.#pump(true)
    }, Math.max(0, due - Date.now()))
  }

  async #dispatch (batch: Batch): Promise<void> {
    this.#inFlight++
    this.#stats.calls++
    for (const queued of batch.records) queued.attempts++
    this.#emit('batch.sent', { records: batch.records.length, bytes: batch.bytes })
    const started = performance.now()
    const { streamName, streamArn, callTimeoutMs } = this.#options
    let response: PutRecordsResponse | undefined
    let callError: ShardlineError | undefined
    try {
      response = await this.#client.putRecords({
        ...(streamName === undefined ? { streamArn } : { streamName }),
        records: batch.records.map(toEntry)
      }, { deadlineMs: callTimeoutMs })
    } catch (err) {
      callError = toShardlineError(err)
      this.#stats.callsFailed++
    }
    this.#inFlight--
    this.#settleBatch(batch, response, callError, performance.now() - started)
    this.#admitWaiting()
    this.#pump(true)
  }

  /**
   * Resolves what was stored, rejects what cannot be retried, and puts the rest back at the
   * head of their keys' queues behind one backoff. A call refused as a whole stored
   * nothing (the server checks every record before storing any), but one that timed out or
   * lost its connection may have been stored: retrying it can store records twice, in
   * order (at-least-once, as with any Kinesis producer).
   */
  #settleBatch (batch: Batch, response: PutRecordsResponse | undefined, callError: ShardlineError | undefined, durationMs: number): void {
    const retry = new Set<QueuedRecord>()
    let stored = 0
    let maxAttempts = 0
    batch.records.forEach((queued, i) => {
      let error = callError
      if (response !== undefined) {
        const entry = response.records[i]
        if (entry?.sequenceNumber !== undefined && entry.shardId !== undefined) {
          stored++
          this.#finish(queued, { shardId: entry.shardId, sequenceNumber: entry.sequenceNumber })
          return
        }
        error = entry?.errorCode === undefined
          ? localError('INTERNAL', `PutRecords answered ${response.records.length} results for ${batch.records.length} records`, { retriable: true })
          : recordError(entry.errorCode, entry.errorMessage)
        if (error.code === 'THROUGHPUT_EXCEEDED') this.#stats.recordsThrottled++
      }
      if (this.#mayRetry(queued, error!)) {
        queued.lastError = error
        retry.add(queued)
        maxAttempts = Math.max(maxAttempts, queued.attempts)
      } else {
        this.#finish(queued, undefined, error)
      }
    })
    this.#stats.recordsRetried += retry.size
    const waiting = this.#queue.release(batch, (queued) => retry.has(queued), retry.size > 0)
    if (waiting.length > 0) {
      setTimeout(() => {
        for (const group of waiting) this.#queue.wake(group)
        this.#pump(true)
      }, backoffMs(this.#options.retry, maxAttempts))
    }
    this.#emit('batch.settled', {
      records: batch.records.length,
      stored,
      retrying: retry.size,
      failed: batch.records.length - stored - retry.size,
      durationMs,
      error: callError
    })
  }

  #mayRetry (queued: QueuedRecord, error: ShardlineError): boolean {
    const { maxAttempts, deadlineMs } = this.#options.retry
    return error.retriable && queued.attempts < maxAttempts && Date.now() - queued.queuedAt < deadlineMs
  }
}

function toEntry (queued: QueuedRecord): PutRecordsRequestEntry {
  const { partitionKey, data, explicitHashKey } = queued.record
  return explicitHashKey === undefined ? { partitionKey, data } : { partitionKey, data, explicitHashKey }
}
