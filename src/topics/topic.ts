/**
 * One topic at run time: its two internal streams (messages, state log), its projection
 * (TopicState) and the operations SNS gives it. Every change follows the queue's pattern:
 * decide, apply to the projection and stage the event in the same synchronous stretch,
 * commit, answer once durable. Publishes append to the message stream; each confirmed
 * subscription's pump (topic-deliveries.ts) then delivers from its cursor.
 *
 * The topic owns its projection while open (the registry opens it on load and closes it
 * on DeleteTopic or shutdown); nothing else writes its streams.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import { TopicMeters } from '../metrics/meters.js'
import type { ServerConfig } from '../config.js'
import { ServiceError } from '../errors.js'
import { FifoDedup } from '../queues/fifo-dedup.js'
import type { Queue } from '../queues/queue.js'
import type { Scope } from '../scope.js'
import type { ShardPosition } from '../storage/record-key.js'
import type { Store } from '../storage/store.js'
import type { RecordWriter, StagedRecords } from '../streams/record-writer.js'
import type { Shard, Stream } from '../streams/stream-model.js'
import { signNotificationAhead } from './envelope.js'
import { encodePublished } from './message-record.js'
import type { MessageSigner } from './message-signer.js'
import type { Outbox } from './outbox.js'
import { SubscriptionPumps } from './topic-deliveries.js'
import { encodeTopicEvent, type TopicEvent } from './topic-events.js'
import { DEDUP_WINDOW_MS, isFifoTopicName, needsConfirmation, topicArn, type PublishedMessage, type SubscriptionState, type TopicAttributeValue, type TopicDoc } from './topic-model.js'
import { TopicState } from './topic-state.js'

export const TOPIC_SNAPSHOT_PREFIX = 'topic-snapshot/'

/**
 * How long (ms) a quiet cursor may run ahead of the state log: a crash makes those pumps
 * read at most about this much of the topic's stream again (and deliver none of it again).
 */
const QUIET_CURSOR_LOG_MS = 1000

/** What a topic needs from the server. */
export interface TopicDeps {
  readonly store: Store
  readonly writer: RecordWriter
  readonly config: ServerConfig
  readonly log: Logger
  /** The queue an SQS ARN names (any scope). */
  readonly findQueue: (arn: string) => Queue | undefined
  readonly signer: MessageSigner
  /** `http://host:port` of the HTTP API, for SigningCertURL, SubscribeURL and UnsubscribeURL. */
  readonly origin: () => string
  /** Lambda function name to the URL it is invoked at (--lambda-endpoint). */
  readonly lambdaEndpoints: ReadonlyMap<string, string>
  /** Where deliveries to email, sms, application or firehose endpoints are recorded. */
  readonly outbox: Outbox
}

export interface OutboxEntry {
  readonly at: number
  readonly topicArn: string
  readonly subscriptionArn: string
  readonly protocol: string
  readonly endpoint: string
  readonly messageId: string
  /** What the endpoint would have received. */
  readonly body: string
  readonly subject?: string | undefined
}

export interface PublishSpec {
  readonly message: string
  readonly subject?: string | undefined
  readonly json: boolean
  readonly attributes: Array<[string, TopicAttributeValue]>
  readonly groupId?: string | undefined
  readonly deduplicationId?: string | undefined
  readonly traceHeader?: string | undefined
}

export interface PublishResult {
  readonly messageId: string
  readonly sequenceNumber?: string | undefined
}

export class Topic {
  readonly arn: string
  readonly fifo: boolean
  readonly state = new TopicState()
  readonly messageShard: Shard
  readonly logShard: Shard
  readonly dedup: FifoDedup | undefined
  /** Position of the last state-log record staged. */
  logPosition: ShardPosition | undefined
  readonly pumps: SubscriptionPumps
  /** Deliveries and failures by protocol, read at scrape time (metrics/domain-metrics.ts). */
  readonly meters = new TopicMeters()
  private changes = 0
  private snapshotTimer: NodeJS.Timeout | undefined
  private closed = false
  /** Whether a cursor moved in memory only (see movedQuietly) since the cursors were last logged. */
  private quietMoves = false
  private quietTimer: NodeJS.Timeout | undefined

  constructor (readonly doc: TopicDoc, readonly scope: Scope, readonly messages: Stream, readonly log: Stream, readonly deps: TopicDeps) {
    this.arn = topicArn(scope, doc.name)
    this.fifo = isFifoTopicName(doc.name)
    this.messageShard = messages.shards.get(0)!
    this.logShard = log.shards.get(0)!
    this.dedup = this.fifo ? new FifoDedup() : undefined
    this.pumps = new SubscriptionPumps(this)
  }

  get name (): string {
    return this.doc.name
  }

  get isOpen (): boolean {
    return !this.closed
  }

  get snapshotKey (): string {
    return TOPIC_SNAPSHOT_PREFIX + String(this.messages.id)
  }

  /**
   * Messages ever published (duplicates of a FIFO deduplication id not counted): the
   * message stream's one shard numbers its records 1, 2, 3... and the numbering survives
   * restarts and trimming (topic-loader.ts), so this durable count costs the hot path nothing.
   */
  get published (): number {
    return this.messageShard.committed?.counter ?? 0
  }

  get attributes (): Readonly<Record<string, string>> {
    return this.state.attributes
  }

  subscriptionArn (sub: SubscriptionState): string {
    return `${this.arn}:${sub.id}`
  }

  private assertOpen (): void {
    if (this.closed) throw new ServiceError('SNS_NOT_FOUND', 'Topic does not exist')
  }

  /** Stages an event and applies it to the projection. */
  stageEvent (staged: StagedRecords, event: TopicEvent): void {
    this.logPosition = staged.append(this.log, this.logShard, event.e, encodeTopicEvent(event), event.at)
    this.state.apply(event)
  }

  /**
   * Notes that cursors were moved in memory only, past messages their subscriptions
   * deliver none of (their filters took none of them): SubscriptionPumps.dispatch and
   * DeliveryPages.advanceQuietly move them with moveCursor. Nothing was delivered, so a
   * crash that loses such a move only makes the pump read those messages again and
   * deliver nothing again; logging the move with every publish would cost a thousand
   * filtered subscriptions a thousand-entry event per page. The cursors are logged at most
   * QUIET_CURSOR_LOG_MS later, in the batch of the next control-plane change (so a new
   * filter policy never sees what the old one passed over), and by every snapshot, which
   * holds the projection's cursors.
   */
  movedQuietly (): void {
    this.quietMoves = true
    if (this.quietTimer === undefined && !this.closed) {
      this.quietTimer = setTimeout(() => {
        this.quietTimer = undefined
        if (this.closed || !this.quietMoves) return
        const staged = this.deps.writer.stage()
        this.stageQuietCursors(staged)
        staged.commit().then(() => this.noteChanges(1), (err: unknown) => this.deps.log.warn({ err, topic: this.name }, 'could not log the quiet cursors'))
      }, QUIET_CURSOR_LOG_MS)
      this.quietTimer.unref()
    }
  }

  /** After quiet moves, stages one `cursor` event with every subscription's current cursor. */
  private stageQuietCursors (staged: StagedRecords): void {
    if (!this.quietMoves) return
    this.quietMoves = false
    const c: Array<[string, number, number]> = []
    for (const sub of this.state.subscriptions.values()) if (sub.status === 'confirmed') c.push([sub.id, sub.cursor[0], sub.cursor[1]])
    if (c.length > 0) this.stageEvent(staged, { e: 'cursor', at: this.deps.config.clock(), c })
  }

  /**
   * Applies, stages and commits control-plane events; resolves once they are durable.
   * `alongside` stages what must commit with them (it sees their state applied).
   */
  async record (events: readonly TopicEvent[], alongside?: (staged: StagedRecords) => void): Promise<void> {
    this.assertOpen()
    const staged = this.deps.writer.stage()
    // Logged before the change, in its batch: a replay rebuilds the cursors the change met.
    this.stageQuietCursors(staged)
    for (const event of events) this.stageEvent(staged, event)
    alongside?.(staged)
    await staged.commit()
    this.noteChanges(events.length)
  }

  async setAttribute (name: string, value: string | undefined): Promise<void> {
    await this.setAttributes([[name, value]])
  }

  /** Several attribute changes in one commit (undefined removes one), with what `alongside` stages. */
  async setAttributes (changes: ReadonlyArray<readonly [string, string | undefined]>, alongside?: (staged: StagedRecords) => void): Promise<void> {
    const at = this.deps.config.clock()
    await this.record(changes.map(([name, value]) => ({ e: 'attribute', at, name, value })), alongside)
    this.pumps.refresh()
  }

  async tag (set: Record<string, string>): Promise<void> {
    await this.record([{ e: 'tags', at: this.deps.config.clock(), set }])
  }

  async untag (remove: string[]): Promise<void> {
    await this.record([{ e: 'tags', at: this.deps.config.clock(), remove }])
  }

  /** The existing subscription of this protocol and endpoint, if any (Subscribe is idempotent for it). */
  findSubscription (protocol: string, endpoint: string): SubscriptionState | undefined {
    for (const sub of this.state.subscriptions.values()) if (sub.protocol === protocol && sub.endpoint === endpoint) return sub
    return undefined
  }

  async subscribe (protocol: string, endpoint: string, attributes: Record<string, string>, owner: string): Promise<SubscriptionState> {
    this.assertOpen()
    const pending = needsConfirmation(protocol)
    const id = randomUUID()
    const tail = this.messageShard.tail
    const event: TopicEvent = {
      e: 'subscribed',
      at: this.deps.config.clock(),
      id,
      protocol,
      endpoint,
      owner,
      confirmed: !pending,
      ...(pending ? { token: randomBytes(64).toString('hex') } : {}),
      attributes,
      cursor: [tail.ts, tail.counter]
    }
    await this.record([event])
    const sub = this.state.subscriptions.get(id)!
    if (pending) await this.pumps.sendConfirmation(sub)
    else this.pumps.refresh()
    return sub
  }

  /** Sends a pending subscription its SubscriptionConfirmation again (a repeated Subscribe, as the console's "Request confirmation" does). */
  async resendConfirmation (sub: SubscriptionState): Promise<void> {
    this.assertOpen()
    if (sub.status === 'pending') await this.pumps.sendConfirmation(sub)
  }

  /** The pending subscription a confirmation token names (or the confirmed one it named). */
  byToken (token: string): SubscriptionState | undefined {
    for (const sub of this.state.subscriptions.values()) if (sub.token === token) return sub
    return undefined
  }

  async confirm (sub: SubscriptionState): Promise<void> {
    if (sub.status === 'confirmed') return
    // Delivery starts with messages published after the confirmation, as in AWS.
    const tail = this.messageShard.tail
    const at = this.deps.config.clock()
    await this.record([{ e: 'confirmed', at, id: sub.id }, { e: 'cursor', at, c: [[sub.id, tail.ts, tail.counter]] }])
    this.pumps.refresh()
  }

  async unsubscribe (id: string): Promise<void> {
    if (!this.state.subscriptions.has(id)) return
    // The pump checks membership before each delivery it stages, so nothing is delivered
    // once this event is applied (synchronously, before the commit).
    await this.record([{ e: 'unsubscribed', at: this.deps.config.clock(), id }])
    this.pumps.refresh()
  }

  async setSubscriptionAttribute (id: string, name: string, value: string | undefined): Promise<void> {
    await this.record([{ e: 'subscription-attribute', at: this.deps.config.clock(), id, name, value }])
    this.pumps.refresh()
  }

  /**
   * Starts a replay: the subscription's cursor moves back before the first message
   * published at or after `fromMs`; messages published after `untilMs` are skipped until
   * it is back where it was. The topic's stream is the archive.
   */
  async replay (id: string, fromMs: number, untilMs: number | undefined): Promise<void> {
    const sub = this.state.subscriptions.get(id)
    if (sub === undefined) return
    const resume = sub.replay?.resume ?? sub.cursor
    const at = this.deps.config.clock()
    await this.record([{ e: 'replay', at, id, from: [fromMs - 1, Number.MAX_SAFE_INTEGER], ...(untilMs === undefined ? {} : { until: untilMs }), resume: [...resume] }])
    this.pumps.refresh()
  }

  // ---- publish -------------------------------------------------------------------------

  async publish (specs: readonly PublishSpec[]): Promise<PublishResult[]> {
    this.assertOpen()
    const now = this.deps.config.clock()
    let signed: PublishedMessage[] | undefined
    if (this.dedup === undefined && this.pumps.signedProtocols.length > 0) {
      // The signatures first, so that the deliveries staged with the publish (inline,
      // below) find them made: a standard topic's message is numbered at staging, at
      // max(now, the tail's ts), which fixes its Timestamp (a message the prediction
      // misses is delivered by its pump, which signs it then).
      signed = specs.map((spec) => this.newMessage(spec, undefined))
      const ts = Math.max(now, this.messageShard.tail.ts)
      await Promise.all(signed.map((message) => this.signAhead(message, ts, undefined)))
      this.assertOpen()
    }
    const staged = this.deps.writer.stage()
    // FIFO topics deliver through their pumps only (deduplication decides at staging).
    const inline = this.dedup === undefined ? this.pumps.inline(staged, now) : undefined
    const results: PublishResult[] = []
    const duplicates: Array<Promise<void>> = []
    let settle!: { resolve: () => void, reject: (err: unknown) => void }
    const durable = new Promise<void>((resolve, reject) => { settle = { resolve, reject } })
    durable.catch(() => {})
    const perGroup = this.state.attributes.FifoThroughputScope === 'MessageGroup'
    for (const [i, spec] of specs.entries()) {
      let key = ''
      let dedupId: string | undefined
      if (this.dedup !== undefined) {
        dedupId = spec.deduplicationId ?? createHash('sha256').update(spec.message, 'utf8').digest('hex')
        key = perGroup ? `${spec.groupId ?? ''}\n${dedupId}` : dedupId
        const original = this.dedup.find(key, now)
        if (original !== undefined) {
          duplicates.push(original.committed)
          results.push({ messageId: original.messageId, sequenceNumber: original.sequenceNumber })
          continue
        }
      }
      const message = signed?.[i] ?? this.newMessage(spec, dedupId)
      const position = staged.append(this.messages, this.messageShard, spec.groupId ?? message.id, encodePublished(message), now)
      const sequenceNumber = this.fifo ? this.messageShard.sequenceNumber(position) : undefined
      if (inline !== undefined) inline.stage(message, position)
      // A FIFO topic's signatures are begun beside its commit.
      else void this.signAhead(message, position.ts, sequenceNumber)
      if (this.dedup !== undefined) this.dedup.remember(key, { messageId: message.id, sequenceNumber: sequenceNumber!, counter: position.counter, committed: durable }, now)
      results.push({ messageId: message.id, ...(sequenceNumber === undefined ? {} : { sequenceNumber }) })
    }
    if (staged.size > 0) {
      inline?.finish()
      try {
        await staged.commit(() => { inline?.committed(); this.pumps.wake() })
        settle.resolve()
      } catch (err) {
        settle.reject(err)
        throw err
      }
    }
    await Promise.all(duplicates)
    return results
  }

  private newMessage (spec: PublishSpec, dedupId: string | undefined): PublishedMessage {
    return {
      id: randomUUID(),
      message: spec.message,
      ...(spec.subject === undefined ? {} : { subject: spec.subject }),
      ...(spec.json ? { json: true } : {}),
      ...(spec.attributes.length === 0 ? {} : { attributes: spec.attributes }),
      ...(spec.groupId === undefined ? {} : { group: spec.groupId }),
      ...(dedupId === undefined ? {} : { dedup: dedupId }),
      ...(spec.traceHeader === undefined ? {} : { trace: spec.traceHeader })
    }
  }

  /**
   * Starts the envelope signatures the subscriptions will need, in the thread pool, while
   * the publish commits: an RSA signature takes longer than the commit, and the pumps
   * would otherwise begin it only once they are woken by the commit.
   */
  private async signAhead (message: PublishedMessage, timestamp: number, sequenceNumber: string | undefined): Promise<void> {
    const protocols = this.pumps.signedProtocols
    if (protocols.length === 0) return
    const signatureVersion = this.state.attributes.SignatureVersion === '2' ? '2' : '1'
    // A failure here is met again, and reported, by the pump that signs for delivery.
    await Promise.all(protocols.map((protocol) => signNotificationAhead(message, { topicArn: this.arn, protocol, signer: this.deps.signer, signatureVersion, fifo: this.fifo, sequenceNumber, timestamp }).catch(() => {})))
  }

  /** Remembers a published record's deduplication id (a restart rebuilds the last 5 minutes). */
  rememberPublished (message: PublishedMessage, position: ShardPosition): void {
    if (this.dedup === undefined || message.dedup === undefined) return
    const key = this.state.attributes.FifoThroughputScope === 'MessageGroup' ? `${message.group ?? ''}\n${message.dedup}` : message.dedup
    const at = position.ts
    if (this.deps.config.clock() - at > DEDUP_WINDOW_MS) return
    this.dedup.remember(key, { messageId: message.id, sequenceNumber: this.messageShard.sequenceNumber(position), counter: position.counter, committed: Promise.resolve() }, at)
  }

  // ---- snapshots and lifecycle ---------------------------------------------------------

  noteChanges (n: number): void {
    this.changes += n
    if (this.changes >= this.deps.config.queueSnapshotEvery) {
      void this.writeSnapshot()
      return
    }
    if (this.snapshotTimer === undefined && !this.closed) {
      this.snapshotTimer = setTimeout(() => {
        this.snapshotTimer = undefined
        if (this.changes > 0 && !this.closed) void this.writeSnapshot()
      }, this.deps.config.queueSnapshotMs)
      this.snapshotTimer.unref()
    }
  }

  writeSnapshot (): Promise<void> {
    this.changes = 0
    // The snapshot holds every cursor as it is in memory, the quiet moves included.
    this.quietMoves = false
    const log = this.logPosition === undefined ? null : [this.logPosition.ts, this.logPosition.counter] as [number, number]
    const tail = this.messageShard.tail
    const staged = this.deps.writer.stage()
    staged.batch.putDocument(this.snapshotKey, this.state.snapshot(log, [tail.ts, tail.counter], this.deps.config.clock()))
    const done = staged.commit()
    done.catch((err: unknown) => this.deps.log.warn({ err, topic: this.name }, 'could not write a topic snapshot'))
    return done
  }

  close (): void {
    this.closed = true
    this.pumps.close()
    if (this.snapshotTimer !== undefined) clearTimeout(this.snapshotTimer)
    if (this.quietTimer !== undefined) clearTimeout(this.quietTimer)
  }
}
