/**
 * One queue at run time: its two internal streams, its projection (QueueState), and the
 * operations SQS gives it. Every operation follows one pattern: settle the state at
 * `now`, decide, apply the change to the state and stage its records (message or event)
 * in the same synchronous stretch, commit, and answer once the commit is durable. So the
 * state log's order is the order changes were applied in, and a replay rebuilds them.
 *
 * The queue owns its projection while it is open (the registry opens it on load and
 * closes it on delete or shutdown); nothing else writes its streams.
 */
import { QueueMeters } from '../metrics/meters.js'
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { ServerConfig } from '../config.js'
import { ServiceError } from '../errors.js'
import type { Scope } from '../scope.js'
import type { ShardPosition } from '../storage/record-key.js'
import type { Store } from '../storage/store.js'
import type { RecordWriter, StagedRecords } from '../streams/record-writer.js'
import type { Shard, Stream } from '../streams/stream-model.js'
import { TokenBucket } from '../streams/token-bucket.js'
import type { TokenSigner } from '../streams/token-signer.js'
import { FifoDedup, ReceiveAttempts } from './fifo-dedup.js'
import { Waiters } from './long-poll.js'
import { decodeMessage, encodedSize, encodeMessage, encodeMessageInto, type MessageAttributeValue, type QueueMessage } from './message-codec.js'
import type { Candidate } from './message-entry.js'
import { md5Hex, md5OfAttributes } from './md5.js'
import { encodeEvent, type QueueEvent, type ReceivedItem } from './queue-events.js'
import { isFifoName, MAX_VISIBILITY_MS, queueArn, type QueueDoc } from './queue-model.js'
import { SNAPSHOT_PREFIX, takeSnapshot } from './queue-snapshot.js'
import { QueueState, type Counts } from './queue-state.js'
import { openReceiptHandle, peekReceiptCounter, sealReceiptHandle } from './receipt-handle.js'

/** AWS's in-flight quota (standard and FIFO), with --limits aws. */
export const MAX_IN_FLIGHT = 120_000
/** A FIFO queue without high throughput takes this many calls per second of each kind. */
const FIFO_CALLS_PER_SECOND = 300

const STANDARD_WINDOW = { messages: 2000, bytes: 8 * 1024 * 1024 }
/** Documented in the README: how far past its oldest receivable message a FIFO queue looks. */
export const FIFO_WINDOW = { messages: 10_000, bytes: 32 * 1024 * 1024 }
const READ_PAGE = { limit: 1000, maxBytes: 4 * 1024 * 1024 }

export interface QueueDeps {
  readonly store: Store
  readonly writer: RecordWriter
  readonly signer: TokenSigner
  readonly config: ServerConfig
  readonly log: Logger
  /** The queue an ARN names (any scope), for dead-letter queues and move tasks. */
  readonly find: (arn: string) => Queue | undefined
}

export interface SendSpec {
  readonly body: string
  /** Sorted by name. */
  readonly attributes: ReadonlyArray<readonly [string, MessageAttributeValue]>
  readonly md5OfMessageSystemAttributes?: string | undefined
  readonly traceHeader?: string | undefined
  readonly delaySeconds: number
  readonly groupId?: string | undefined
  /** Explicit, or the body's SHA-256 with ContentBasedDeduplication. */
  readonly deduplicationId?: string | undefined
  readonly senderId: string
}

export interface SendResult {
  readonly messageId: string
  readonly md5OfBody: string
  readonly md5OfMessageAttributes?: string | undefined
  readonly md5OfMessageSystemAttributes?: string | undefined
  readonly sequenceNumber?: string | undefined
}

export interface ReceiveOptions {
  readonly max: number
  readonly visibilityTimeout: number
  readonly waitSeconds: number
  readonly attemptId?: string | undefined
}

export interface Delivery {
  readonly message: QueueMessage
  readonly receiptHandle: string
  /** Receives here and in the queues it was moved from. */
  readonly receiveCount: number
  readonly firstReceiveTimestamp: number
  readonly sequenceNumber?: string | undefined
}

/** A message committed to the stream, as the projection learns of it. */
interface Committed {
  readonly position: ShardPosition
  readonly group: string | undefined
  readonly visibleAt: number
  readonly data: Buffer
}

function deferred (): { promise: Promise<void>, resolve: () => void, reject: (err: unknown) => void } {
  let settle!: { resolve: () => void, reject: (err: unknown) => void }
  const promise = new Promise<void>((resolve, reject) => { settle = { resolve, reject } })
  promise.catch(() => {})
  return { promise, resolve: () => settle.resolve(), reject: (err) => settle.reject(err) }
}

export class Queue {
  readonly arn: string
  readonly fifo: boolean
  readonly state: QueueState
  readonly dedup: FifoDedup | undefined
  readonly attempts: ReceiveAttempts | undefined
  readonly messageShard: Shard
  readonly logShard: Shard
  /** Position of the last state-log record staged. */
  logPosition: ShardPosition | undefined
  private readonly waiters = new Waiters()
  private filling: Promise<void> | undefined
  private wakeTimer: { at: number, timer: NodeJS.Timeout } | undefined
  private changes = 0
  private snapshotTimer: NodeJS.Timeout | undefined
  private readonly buckets = new Map<string, TokenBucket>()
  private closed = false
  /** Sends, receives, deletes and dead-letter moves, for /metrics. */
  readonly meters = new QueueMeters()
  /** Extra state a snapshot carries (move tasks); set by the registry. */
  snapshotExtras: () => import('./queue-events.js').MoveTaskState[] = () => []

  constructor (
    readonly doc: QueueDoc,
    readonly scope: Scope,
    readonly messages: Stream,
    readonly log: Stream,
    private readonly deps: QueueDeps
  ) {
    this.arn = queueArn(scope, doc.name)
    this.fifo = isFifoName(doc.name)
    this.state = new QueueState(this.fifo, this.fifo ? FIFO_WINDOW : STANDARD_WINDOW)
    this.dedup = this.fifo ? new FifoDedup() : undefined
    this.attempts = this.fifo ? new ReceiveAttempts() : undefined
    this.messageShard = messages.shards.get(0)!
    this.logShard = log.shards.get(0)!
  }

  get name (): string {
    return this.doc.name
  }

  get isOpen (): boolean {
    return !this.closed
  }

  get snapshotKey (): string {
    return SNAPSHOT_PREFIX + String(this.messages.id)
  }

  /** Messages older than this (ms) are past the retention period. */
  horizon (now: number): number {
    return Math.max(now - this.doc.settings.messageRetentionPeriod * 1000, this.doc.expiredBefore ?? 0)
  }

  private clock (): number {
    return this.deps.config.clock()
  }

  private assertOpen (): void {
    if (this.closed) throw new ServiceError('QUEUE_NOT_FOUND', 'The specified queue does not exist.', { queryMessage: 'The specified queue does not exist for this wsdl version.' })
  }

  /** With --limits aws, a FIFO queue without high throughput takes 300 calls/s of each kind. */
  private throttle (kind: 'SendMessage' | 'ReceiveMessage' | 'DeleteMessage'): void {
    const s = this.doc.settings
    if (this.deps.config.limits !== 'aws' || !this.fifo || (s.fifoThroughputLimit === 'perMessageGroupId' && s.deduplicationScope === 'messageGroup')) return
    let bucket = this.buckets.get(kind)
    if (bucket === undefined) {
      bucket = new TokenBucket(FIFO_CALLS_PER_SECOND, FIFO_CALLS_PER_SECOND, this.deps.config.clock)
      this.buckets.set(kind, bucket)
    }
    if (!bucket.available()) {
      throw new ServiceError('REQUEST_THROTTLED', `Request is throttled: FIFO queue ${this.name} takes ${FIFO_CALLS_PER_SECOND} ${kind} calls per second without high throughput (DeduplicationScope messageGroup and FifoThroughputLimit perMessageGroupId).`)
    }
    bucket.take(1)
  }

  /** Stages one state-log event and applies nothing (the caller applied it). */
  appendEvent (staged: StagedRecords, event: QueueEvent, now: number): void {
    this.logPosition = staged.append(this.log, this.logShard, event.e, encodeEvent(event), now)
  }

  // ---- send ------------------------------------------------------------------------------

  async send (specs: readonly SendSpec[]): Promise<SendResult[]> {
    this.assertOpen()
    this.throttle('SendMessage')
    const now = this.clock()
    const staged = this.deps.writer.stage()
    const results: SendResult[] = []
    const committed: Committed[] = []
    const duplicates: Array<Promise<void>> = []
    const durable = deferred()
    const scope = this.doc.settings.deduplicationScope
    const messages: QueueMessage[] = []
    let bytes = 0
    for (const spec of specs) {
      const message = this.newMessage(spec, now)
      messages.push(message)
      bytes += encodedSize(message)
    }
    // One allocation for the call's records; each record is a view of it.
    const block = Buffer.allocUnsafe(bytes)
    let offset = 0
    for (const message of messages) {
      const size = encodedSize(message)
      const key = this.fifo ? (scope === 'messageGroup' ? `${message.groupId ?? ''}\n${message.deduplicationId ?? ''}` : message.deduplicationId ?? '') : ''
      const original = this.dedup?.find(key, now)
      if (original !== undefined) {
        // Accepted and not delivered again; answered as the original was.
        duplicates.push(original.committed)
        results.push({ messageId: original.messageId, md5OfBody: message.md5OfBody, md5OfMessageAttributes: message.md5OfMessageAttributes, md5OfMessageSystemAttributes: message.md5OfMessageSystemAttributes, sequenceNumber: original.sequenceNumber })
        continue
      }
      const data = block.subarray(offset, offset + size)
      offset += size
      encodeMessageInto(message, data)
      const position = staged.append(this.messages, this.messageShard, this.fifo ? message.groupId ?? '' : message.messageId, data, now)
      const sequenceNumber = this.fifo ? this.messageShard.sequenceNumber(position) : undefined
      if (this.dedup !== undefined) {
        this.dedup.remember(key, { messageId: message.messageId, sequenceNumber: sequenceNumber!, counter: position.counter, committed: durable.promise }, now)
      }
      committed.push({ position, group: this.fifo ? message.groupId : undefined, visibleAt: message.visibleAt, data })
      results.push({ messageId: message.messageId, md5OfBody: message.md5OfBody, md5OfMessageAttributes: message.md5OfMessageAttributes, md5OfMessageSystemAttributes: message.md5OfMessageSystemAttributes, sequenceNumber })
    }
    if (committed.length > 0) {
      try {
        await staged.commit(() => this.onCommitted(committed))
        this.meters.sent += committed.length
        durable.resolve()
      } catch (err) {
        durable.reject(err)
        throw err
      }
      this.noteChanges(committed.length)
    }
    await Promise.all(duplicates)
    return results
  }

  /** The projection learns of messages once they are durable, in commit (= position) order. */
  private onCommitted (committed: readonly Committed[]): void {
    const now = this.clock()
    let arrived = false
    for (const m of committed) {
      this.state.acceptSent(m.position.counter, m.position.ts, m.group, m.visibleAt, m.data, now, this.filling === undefined)
      if (m.visibleAt <= now) arrived = true
    }
    if (arrived) this.waiters.wakeFirst()
    else this.armWakeTimer()
  }

  /**
   * Stages a message moved in from another queue (a dead-letter move, or a move task):
   * the same MessageId, body, attributes and SentTimestamp. Returns what to run once the
   * caller's batch is committed.
   */
  stageMoveIn (staged: StagedRecords, message: QueueMessage, priorReceiveCount: number, sourceArn: string | undefined, now: number): () => void {
    const data = encodeMessage({ ...message, visibleAt: 0, priorReceiveCount, deadLetterSourceArn: sourceArn })
    const position = staged.append(this.messages, this.messageShard, this.fifo ? message.groupId ?? '' : message.messageId, data, now)
    const committed: Committed = { position, group: this.fifo ? message.groupId : undefined, visibleAt: 0, data }
    return () => {
      this.onCommitted([committed])
      this.noteChanges(1)
    }
  }

  /** A new message of `spec`, sent at `now`: what SendMessage(Batch) and a topic's delivery store. */
  private newMessage (spec: SendSpec, now: number): QueueMessage {
    return {
      messageId: randomUUID(),
      body: spec.body,
      attributes: spec.attributes,
      md5OfBody: md5Hex(spec.body),
      md5OfMessageAttributes: md5OfAttributes(spec.attributes),
      md5OfMessageSystemAttributes: spec.md5OfMessageSystemAttributes,
      sentTimestamp: now,
      visibleAt: spec.delaySeconds > 0 ? now + spec.delaySeconds * 1000 : 0,
      priorReceiveCount: 0,
      senderId: spec.senderId,
      groupId: spec.groupId,
      deduplicationId: this.fifo ? spec.deduplicationId : undefined,
      traceHeader: spec.traceHeader
    }
  }

  /**
   * Stages one message sent by another projection (an SNS topic's delivery) into the
   * caller's batch, so that the caller's own records (a subscription's cursor) commit
   * atomically with it. A FIFO duplicate within the deduplication interval is not staged
   * (undefined), as a duplicate SendMessage is not. Returns what to run once the caller's
   * batch is committed.
   */
  stageSend (staged: StagedRecords, spec: SendSpec, now: number): (() => void) | undefined {
    if (this.closed) return undefined
    const message = this.newMessage(spec, now)
    const scope = this.doc.settings.deduplicationScope
    const key = this.fifo ? (scope === 'messageGroup' ? `${message.groupId ?? ''}\n${message.deduplicationId ?? ''}` : message.deduplicationId ?? '') : ''
    if (this.dedup?.find(key, now) !== undefined) return undefined
    const data = encodeMessage(message)
    const position = staged.append(this.messages, this.messageShard, this.fifo ? message.groupId ?? '' : message.messageId, data, now)
    // A duplicate sent meanwhile is answered once this delivery is durable. (A failed
    // commit stops the store, so the promise is never left waiting on a later success.)
    const durable = deferred()
    if (this.dedup !== undefined) {
      this.dedup.remember(key, { messageId: message.messageId, sequenceNumber: this.messageShard.sequenceNumber(position), counter: position.counter, committed: durable.promise }, now)
    }
    const committed: Committed = { position, group: this.fifo ? message.groupId : undefined, visibleAt: message.visibleAt, data }
    return () => {
      durable.resolve()
      this.onCommitted([committed])
      this.noteChanges(1)
    }
  }

  // ---- receive ---------------------------------------------------------------------------

  async receive (options: ReceiveOptions): Promise<Delivery[]> {
    this.assertOpen()
    this.throttle('ReceiveMessage')
    if (this.attempts !== undefined && options.attemptId !== undefined) {
      const again = await this.retryAttempt(options)
      if (again !== undefined) return again
    }
    const end = performance.now() + options.waitSeconds * 1000
    let lastTry = false
    for (;;) {
      if (this.closed) return []
      const now = this.clock()
      this.state.settle(now, this.horizon(now))
      if (this.deps.config.limits === 'aws' && this.state.inflightCount >= MAX_IN_FLIGHT) {
        // AWS: a FIFO queue then returns nothing more; a standard one refuses a short poll.
        if (this.fifo || options.waitSeconds > 0) return []
        throw new ServiceError('OVER_LIMIT', `Too many messages in flight: queue ${this.name} has ${MAX_IN_FLIGHT} messages in flight, the most a queue takes.`)
      }
      const items = this.state.reserve(options.max, this.horizon(now))
      if (items.length > 0) {
        // Perhaps more is receivable: the next waiter looks.
        if (items.length === options.max) this.waiters.wakeFirst()
        const out = await this.deliver(items, options)
        if (out.length > 0) return out
        continue
      }
      if (this.state.unread && this.state.windowHasRoom) {
        await this.fill()
        continue
      }
      const remaining = end - performance.now()
      if (remaining <= 0 || lastTry) return []
      const waiting = this.waiters.wait(remaining)
      this.armWakeTimer()
      const reason = await waiting
      if (reason === 'closed') return []
      if (reason === 'timeout') lastTry = true
    }
  }

  /** Reads back the records of reserved messages that are not in memory. */
  async readReserved (items: readonly Candidate[]): Promise<Map<number, Buffer>> {
    const data = new Map<number, Buffer>()
    const reads: Array<Promise<void>> = []
    for (const item of items) {
      if (item.kind === 'buffered') {
        data.set(item.counter, item.message.data)
        continue
      }
      reads.push(this.deps.store.readRecords({ streamId: this.messages.id, shard: 0, from: { ts: item.ts, counter: item.counter }, limit: 1, maxBytes: 1 })
        .then(([record]) => {
          if (record !== undefined && record.counter === item.counter) data.set(item.counter, Buffer.from(record.data))
        }))
    }
    await Promise.all(reads)
    return data
  }

  private async deliver (items: readonly Candidate[], options: ReceiveOptions): Promise<Delivery[]> {
    const data = await this.readReserved(items)
    const now = this.clock()
    const staged = this.deps.writer.stage()
    const redrive = this.doc.settings.redrivePolicy
    const dlq = redrive === undefined ? undefined : this.deps.find(redrive.deadLetterTargetArn)
    const received: ReceivedItem[] = []
    const delivered: Array<{ data: Buffer, item: ReceivedItem }> = []
    const moved: number[] = []
    const afterCommit: Array<() => void> = []
    const deadline = now + options.visibilityTimeout * 1000
    for (const item of items) {
      if (!this.state.stillReserved(item)) continue
      const record = data.get(item.counter)
      if (record === undefined) {
        // Retention trimmed it meanwhile.
        this.state.settleCounter(item.counter, item.ts)
        continue
      }
      const entry = item.kind === 'tracked' ? item.entry : undefined
      const count = entry?.receiveCount ?? 0
      if (redrive !== undefined && dlq !== undefined && dlq.isOpen && count >= redrive.maxReceiveCount) {
        const message = decodeMessage(record)
        afterCommit.push(dlq.stageMoveIn(staged, message, message.priorReceiveCount + count, this.arn, now))
        moved.push(item.counter)
        continue
      }
      const seq = ++this.state.seq
      const first = count === 0 ? now : entry!.firstReceiveTs
      const receivedItem: ReceivedItem = item.group === undefined
        ? [item.counter, item.ts, seq, deadline, count + 1, first]
        : [item.counter, item.ts, seq, deadline, count + 1, first, item.group]
      received.push(receivedItem)
      delivered.push({ data: record, item: receivedItem })
    }
    if (moved.length > 0 && dlq !== undefined) {
      this.state.applySettled(moved)
      this.appendEvent(staged, { e: 'moved', at: now, c: moved, to: dlq.arn }, now)
    }
    if (received.length > 0) {
      this.state.applyReceived(received, now)
      const attempt = this.attempts !== undefined ? options.attemptId : undefined
      if (attempt !== undefined) this.attempts!.remember(attempt, { messages: received.map((r) => [r[0], r[2]] as const) }, now)
      this.appendEvent(staged, { e: 'received', at: now, m: received, ...(attempt === undefined ? {} : { attempt }) }, now)
    }
    if (staged.size === 0) return []
    await staged.commit(() => { for (const run of afterCommit) run() })
    this.meters.received += delivered.length
    this.meters.movedToDeadLetter += moved.length
    this.noteChanges((moved.length > 0 ? 1 : 0) + (received.length > 0 ? 1 : 0))
    return delivered.map(({ data: record, item }) => this.delivery(decodeMessage(record), item))
  }

  private delivery (message: QueueMessage, item: ReceivedItem): Delivery {
    const [counter, ts, seq, , count, first] = item
    const entry = this.state.tracked.get(counter)
    let receiptHandle = entry?.seq === seq ? entry.handle : undefined
    if (receiptHandle === undefined) {
      receiptHandle = sealReceiptHandle(this.deps.signer, { streamId: this.messages.id, counter, seq })
      if (entry?.seq === seq) entry.handle = receiptHandle
    }
    return {
      message,
      receiptHandle,
      receiveCount: message.priorReceiveCount + count,
      firstReceiveTimestamp: first,
      ...(this.fifo ? { sequenceNumber: this.messageShard.sequenceNumber({ ts, counter }) } : {})
    }
  }

  /**
   * A FIFO receive retried with the same ReceiveRequestAttemptId within 5 minutes gets the
   * same messages and handles again, with their visibility reset, if they are all still in
   * flight under those handles (none deleted, none changed). Else it is a new receive.
   */
  private async retryAttempt (options: ReceiveOptions): Promise<Delivery[] | undefined> {
    const now = this.clock()
    this.state.settle(now, this.horizon(now))
    const attempt = this.attempts!.find(options.attemptId!, now)
    if (attempt === undefined) return undefined
    const entries = attempt.messages.map(([counter, seq]) => {
      const entry = this.state.tracked.get(counter)
      return entry !== undefined && entry.seq === seq && entry.state === 'inflight' && !entry.pending ? entry : undefined
    })
    if (entries.length === 0 || entries.some((e) => e === undefined)) return undefined
    const live = entries as NonNullable<(typeof entries)[number]>[]
    const data = await this.readReserved(live.map((entry) => ({ kind: 'tracked', counter: entry.counter, ts: entry.ts, group: entry.group, entry })))
    const at = this.clock()
    const deadline = at + options.visibilityTimeout * 1000
    const still = live.filter((e) => this.state.tracked.get(e.counter) === e && e.state === 'inflight' && data.has(e.counter))
    if (still.length !== live.length) return undefined
    const changes: Array<[number, number, number]> = still.map((e) => [e.counter, e.seq, deadline])
    this.state.applyVisibility(changes)
    const staged = this.deps.writer.stage()
    this.appendEvent(staged, { e: 'visibility', at, m: changes }, at)
    await staged.commit()
    this.noteChanges(1)
    return still.map((e) => this.delivery(decodeMessage(data.get(e.counter)!), [e.counter, e.ts, e.seq, deadline, e.receiveCount, e.firstReceiveTs]))
  }

  /** Reads ahead from the message stream until the window is full or the stream read. */
  fill (): Promise<void> {
    this.filling ??= (async () => {
      try {
        while (!this.closed && this.state.unread && this.state.windowHasRoom) {
          const state = this.state
          const from = { ts: state.cursorTs, counter: state.cursor + 1 }
          const records = await this.deps.store.readRecords({ streamId: this.messages.id, shard: 0, from, ...READ_PAGE })
          const now = this.clock()
          const horizon = this.horizon(now)
          const usable = records.filter((r) => r.counter > state.cursor && r.counter <= state.tail)
          if (usable.length === 0) {
            // Nothing left in storage up to the tail: retention trimmed it.
            state.settleRange(state.cursor + 1, state.tail, horizon)
            if (state.cursor < state.tail) {
              state.cursor = state.tail
              state.cursorTs = Math.max(state.cursorTs, horizon)
            }
            break
          }
          // A standard queue consumes its read-ahead in order, so its records can stay views of
          // the values LevelDB returned (one allocation per segment, a send's batch): holding a
          // segment until its last record is received costs no more than a copy of the page,
          // and copying measured 3 % of the server's CPU under consume load. A FIFO queue may
          // hold some for long (blocked groups): one copy each.
          for (const r of usable) {
            // Records retention trimmed before they were read ahead.
            if (r.counter > state.cursor + 1) state.settleRange(state.cursor + 1, r.counter - 1, r.ts)
            state.acceptRead(r.counter, r.ts, this.fifo ? r.partitionKey : undefined, r.data.readDoubleBE(10), r.data, now, horizon, !this.fifo)
          }
        }
      } finally {
        this.filling = undefined
      }
      this.waiters.wakeFirst()
    })()
    return this.filling
  }

  /** With waiters, a real timer for the next deadline or delay end (from clock deltas). */
  private armWakeTimer (): void {
    if (this.waiters.size === 0 || this.closed) return
    const next = this.state.nextChange()
    if (next === undefined) return
    if (this.wakeTimer !== undefined && this.wakeTimer.at <= next) return
    if (this.wakeTimer !== undefined) clearTimeout(this.wakeTimer.timer)
    const timer = setTimeout(() => {
      this.wakeTimer = undefined
      const now = this.clock()
      this.state.settle(now, this.horizon(now))
      this.waiters.wakeFirst()
      this.armWakeTimer()
    }, Math.min(Math.max(0, next - this.clock()), 2 ** 31 - 1))
    timer.unref()
    this.wakeTimer = { at: next, timer }
  }

  /** Something became receivable (a visibility change to 0, a group unblocked). */
  wake (): void {
    this.waiters.wakeFirst()
    this.armWakeTimer()
  }

  // ---- delete and visibility ---------------------------------------------------------------

  private handleOf (text: string): { counter: number, seq: number } {
    const peeked = peekReceiptCounter(text)
    const entry = peeked === undefined ? undefined : this.state.tracked.get(peeked)
    if (entry !== undefined && entry.handle === text) return { counter: entry.counter, seq: entry.seq }
    const handle = openReceiptHandle(this.deps.signer, text)
    if (handle === undefined || handle.streamId !== this.messages.id || handle.counter > this.state.tail || handle.seq > this.state.seq) {
      throw new ServiceError('RECEIPT_HANDLE_INVALID', `The input receipt handle "${text}" is not a valid receipt handle.`)
    }
    return handle
  }

  /** Deletes by receipt handles; each gets undefined (deleted) or its error. */
  async delete (handles: readonly string[]): Promise<Array<ServiceError | undefined>> {
    this.assertOpen()
    this.throttle('DeleteMessage')
    const now = this.clock()
    this.state.settle(now, this.horizon(now))
    const deleted: number[] = []
    const results = handles.map((text): ServiceError | undefined => {
      try {
        const { counter, seq } = this.handleOf(text)
        if (this.state.isDone(counter)) return undefined
        const entry = this.state.tracked.get(counter)
        // A standard queue deletes with any handle the message had (AWS: an old one
        // "might" work; shardline's always does). FIFO takes only the live one.
        if (this.fifo && (entry === undefined || entry.seq !== seq || entry.state !== 'inflight' || entry.pending)) {
          throw new ServiceError('INVALID_PARAMETER_VALUE', `Value ${text} for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.`)
        }
        this.state.settleCounter(counter, entry?.ts)
        deleted.push(counter)
        return undefined
      } catch (err) {
        if (err instanceof ServiceError) return err
        throw err
      }
    })
    if (deleted.length > 0) {
      const staged = this.deps.writer.stage()
      this.appendEvent(staged, { e: 'deleted', at: now, c: deleted }, now)
      await staged.commit()
      this.meters.deleted += deleted.length
      this.noteChanges(1)
      if (this.fifo) this.wake()
    }
    return results
  }

  /** Changes visibility by receipt handles (timeouts in seconds); each gets undefined or its error. */
  async changeVisibility (changes: ReadonlyArray<{ readonly handle: string, readonly timeout: number }>): Promise<Array<ServiceError | undefined>> {
    this.assertOpen()
    const now = this.clock()
    this.state.settle(now, this.horizon(now))
    const items: Array<[number, number, number]> = []
    const results = changes.map(({ handle: text, timeout }): ServiceError | undefined => {
      try {
        const { counter, seq } = this.handleOf(text)
        const entry = this.state.tracked.get(counter)
        if (entry === undefined || this.state.isDone(counter)) {
          throw new ServiceError('INVALID_PARAMETER_VALUE', `Value ${text} for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.`)
        }
        if (entry.seq !== seq || entry.state !== 'inflight' || entry.pending) {
          throw new ServiceError('MESSAGE_NOT_INFLIGHT', `Message ${text} is not in flight under this receipt handle: its visibility timeout ended or a later receive issued a new handle.`)
        }
        const deadline = now + timeout * 1000
        if (deadline - entry.receivedAt > MAX_VISIBILITY_MS) {
          throw new ServiceError('INVALID_PARAMETER_VALUE', `Value ${timeout} for parameter VisibilityTimeout is invalid. Reason: Total VisibilityTimeout for the message is beyond the limit [43200 seconds]`)
        }
        items.push([counter, seq, deadline])
        return undefined
      } catch (err) {
        if (err instanceof ServiceError) return err
        throw err
      }
    })
    if (items.length > 0) {
      this.state.applyVisibility(items)
      const staged = this.deps.writer.stage()
      this.appendEvent(staged, { e: 'visibility', at: now, m: items }, now)
      await staged.commit()
      this.noteChanges(1)
      this.state.settle(now, this.horizon(now))
      this.wake()
    }
    return results
  }

  // ---- purge and counts ------------------------------------------------------------------

  async purge (): Promise<void> {
    this.assertOpen()
    const now = this.clock()
    const last = this.state.lastPurge
    if (last !== undefined && now - last.at < 60_000) {
      throw new ServiceError('PURGE_IN_PROGRESS', `Only one PurgeQueue operation on ${this.name} is allowed every 60 seconds.`)
    }
    const upTo = this.state.tail
    this.state.applyPurged(upTo, now)
    this.dedup?.forgetThrough(upTo)
    const staged = this.deps.writer.stage()
    this.appendEvent(staged, { e: 'purged', at: now, upTo }, now)
    await staged.commit()
    this.noteChanges(1)
  }

  /** Exact counts. Messages past retention that were never read ahead are found with one seek. */
  async counts (): Promise<Counts> {
    this.assertOpen()
    const now = this.clock()
    const horizon = this.horizon(now)
    const state = this.state
    state.settle(now, horizon)
    if (state.start < state.tail) {
      const known = state.tracked.get(state.start + 1)
      if (known === undefined || known.ts < horizon) {
        const read = { streamId: this.messages.id, shard: 0, limit: 1, maxBytes: 1 }
        const [first] = await this.deps.store.readRecords({ ...read, from: { ts: state.startTs, counter: state.start + 1 } })
        if (first === undefined || first.counter > state.tail) state.settleRange(state.start + 1, state.tail, horizon)
        else {
          if (first.counter > state.start + 1) state.settleRange(state.start + 1, first.counter - 1, first.ts)
          if (first.ts < horizon) {
            const [kept] = await this.deps.store.readRecords({ ...read, from: { ts: horizon, counter: 0 } })
            const last = kept === undefined || kept.counter > state.tail ? state.tail : kept.counter - 1
            state.settleRange(state.start + 1, last, horizon)
          }
        }
        state.settle(this.clock(), this.horizon(this.clock()))
      }
    }
    return state.counts()
  }

  // ---- snapshots and lifecycle -----------------------------------------------------------

  noteChanges (n: number): void {
    this.changes += n
    if (this.changes >= this.deps.config.queueSnapshotEvery) {
      this.writeSnapshot()
      return
    }
    if (this.snapshotTimer === undefined && !this.closed) {
      this.snapshotTimer = setTimeout(() => {
        this.snapshotTimer = undefined
        if (this.changes > 0 && !this.closed) this.writeSnapshot()
      }, this.deps.config.queueSnapshotMs)
      this.snapshotTimer.unref()
    }
  }

  /** Stages and commits a snapshot of the state as applied so far. */
  writeSnapshot (): Promise<void> {
    this.changes = 0
    const now = this.clock()
    const log = this.logPosition === undefined ? null : [this.logPosition.ts, this.logPosition.counter] as [number, number]
    const staged = this.deps.writer.stage()
    staged.batch.putDocument(this.snapshotKey, takeSnapshot(this.state, log, now, this.attempts, this.snapshotExtras()))
    const done = staged.commit()
    done.catch((err: unknown) => this.deps.log.warn({ err, queue: this.name }, 'could not write a queue snapshot'))
    return done
  }

  /** Ends every long poll at once, empty (shutdown), and any later one too. */
  endWaits (): void {
    this.waiters.close()
  }

  /** Stops the projection: waiting receives end empty, timers stop. */
  close (): void {
    this.closed = true
    this.waiters.close()
    if (this.wakeTimer !== undefined) clearTimeout(this.wakeTimer.timer)
    if (this.snapshotTimer !== undefined) clearTimeout(this.snapshotTimer)
  }
}
