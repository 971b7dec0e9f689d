/**
 * Delivery: one pump per confirmed subscription, reading the topic's stream after the
 * subscription's cursor, in publish order. A slow or failing endpoint holds up only its
 * own pump.
 *
 * - SQS: a page of matching messages is appended to the queue's stream in the same
 *   StagedRecords (one LevelDB batch) as the `cursor` event that moves past them, so each
 *   message reaches the queue exactly once, crashes included.
 * - HTTP/S and Lambda: POSTed one at a time, retried per the delivery policy, then sent
 *   to the subscription's dead-letter queue (or dropped); the cursor moves once a message
 *   is settled, so a crash re-delivers at most the message in flight (at least once).
 * - email, email-json, sms, application, firehose: a page of outbox entries (outbox.ts) is
 *   written in the batch of the `cursor` event that moves past them: exactly once too.
 */
import { randomUUID } from 'node:crypto'
import type { SubscriptionMeters } from '../metrics/meters.js'
import { comparePositions, type ShardPosition } from '../storage/record-key.js'
import type { StoredRecord } from '../storage/store.js'
import type { Queue, SendSpec } from '../queues/queue.js'
import type { StagedRecords } from '../streams/record-writer.js'
import { DeliveryPages, type Page } from './delivery-pages.js'
import { confirmation, isSignedAhead, lambdaEvent, messageFor, notification, signNotificationAhead, sqsAttributes, type EnvelopeContext } from './envelope.js'
import { FilterIndex } from './filter-index.js'
import { compileFilterPolicy, type CompiledFilter, type FilterScope } from './filter-policy.js'
import { effectivePolicy, retryDelays, throttleRate, type EffectivePolicy } from './delivery-policy.js'
import { MANAGED_RETRIES } from './managed-retries.js'
import { listedSchedule } from './retry-schedule.js'
import { post, sleep, Throttle, type Attempt } from './http-post.js'
import type { PublishedMessage, SubscriptionState } from './topic-model.js'
import { moveCursor } from './topic-state.js'
import type { OutboxEntry, Topic } from './topic.js'

/** A Lambda function without a --lambda-endpoint. */
const FUNCTION_NOT_FOUND = 'FunctionNotFound'

/** The most message attributes an SQS message takes. */
const MAX_SQS_ATTRIBUTES = 10

interface DeliveryFailure {
  readonly code: string
  readonly reason: string
}

/** Why the subscription's queue cannot take `message` at all: it is gone, or it is FIFO and the message has no group. */
function queueFailure (queue: Queue | undefined, endpoint: string, message: PublishedMessage): DeliveryFailure | undefined {
  if (queue === undefined || !queue.isOpen) return { code: 'NonExistentQueue', reason: `The queue ${endpoint} does not exist.` }
  if (queue.fifo && message.group === undefined) return { code: 'MissingMessageGroupId', reason: 'A FIFO queue takes only messages published with a MessageGroupId.' }
  return undefined
}

/**
 * Why SQS would refuse the message SNS sends it, as SendMessage would: more than 10 message
 * attributes (a raw delivery of a publish with more; AWS discards it as a client error), or
 * more bytes than the queue's MaximumMessageSize (the envelope's fields add about 1 KB, and JSON
 * escaping of the message more).
 */
function sendRefusal (spec: SendSpec, queue: Queue): DeliveryFailure | undefined {
  if (spec.attributes.length > MAX_SQS_ATTRIBUTES) return { code: 'InvalidParameterValue', reason: `Number of message attributes [${spec.attributes.length}] exceeds the allowed maximum [${MAX_SQS_ATTRIBUTES}].` }
  const max = queue.doc.settings.maximumMessageSize
  // A UTF-16 unit is at most 3 UTF-8 bytes: most messages fit without counting.
  if (spec.attributes.length === 0 && spec.body.length * 3 <= max) return undefined
  let bytes = Buffer.byteLength(spec.body, 'utf8')
  for (const [name, v] of spec.attributes) bytes += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(v.dataType, 'utf8') + (v.binaryValue?.length ?? Buffer.byteLength(v.stringValue ?? '', 'utf8'))
  if (bytes > max) return { code: 'InvalidParameterValue', reason: `One or more parameters are invalid. Reason: Message must be shorter than ${max} bytes.` }
  return undefined
}

/**
 * Runs `body` one run at a time: a trigger while it runs makes it run once more after, as
 * long as `more` says so. A failure is reported and ends the run; the next trigger starts anew.
 */
class SingleFlight {
  private running = false
  private again = false

  constructor (private readonly body: () => Promise<void>, private readonly more: () => boolean, private readonly failed: (err: unknown) => void) {}

  get busy (): boolean {
    return this.running
  }

  trigger (): void {
    if (this.running) {
      this.again = true
      return
    }
    this.running = true
    void (async () => {
      try {
        do {
          this.again = false
          await this.body()
        } while (this.again && this.more())
      } catch (err) {
        this.failed(err)
      } finally {
        this.running = false
      }
    })()
  }
}

/** Protocols shardline delivers to over HTTP; the others go to the outbox (or a queue). */
const isPushed = (protocol: string): boolean => protocol === 'http' || protocol === 'https' || protocol === 'lambda'

class Pump {
  private closed = false
  private readonly draining = new SingleFlight(
    () => this.drain(),
    () => this.live,
    (err) => this.topic.deps.log.warn({ err, subscription: this.topic.subscriptionArn(this.sub) }, 'a subscription\'s delivery failed; it resumes on the next publish')
  )

  private filter: CompiledFilter | undefined
  /** The policy and scope `filter` was compiled from. */
  private compiled: string | undefined
  /** An HTTP/S subscription's delivery policy in force (read in configure). */
  private policy: EffectivePolicy | undefined
  private throttle: Throttle | undefined
  private readonly abort = new AbortController()
  readonly meters: SubscriptionMeters

  constructor (private readonly topic: Topic, readonly sub: SubscriptionState, private readonly pages: DeliveryPages) {
    this.meters = topic.meters.subscription(sub.protocol)
    this.configure()
  }

  /**
   * Compiles the subscription's filter and reads its delivery policy once per change of its
   * (or its topic's) attributes; every Subscribe refreshes every pump, so an unchanged filter
   * is kept.
   */
  configure (): void {
    this.policy = this.sub.protocol === 'http' || this.sub.protocol === 'https' ? effectivePolicy(this.topic.attributes.DeliveryPolicy, this.sub.attributes.DeliveryPolicy) : undefined
    const rate = this.policy === undefined ? undefined : throttleRate(this.policy)
    if (rate !== this.throttle?.perSecond) this.throttle = rate === undefined ? undefined : new Throttle(rate)
    const text = this.sub.attributes.FilterPolicy
    const scope = (this.sub.attributes.FilterPolicyScope ?? 'MessageAttributes') as FilterScope
    const source = `${scope}\n${text ?? ''}`
    if (source === this.compiled) return
    this.compiled = source
    try {
      this.filter = text === undefined || text === '' ? undefined : compileFilterPolicy(text, scope, '')
    } catch {
      // Validated when set; a policy that no longer compiles filters nothing out.
      this.filter = undefined
    }
  }

  /** The subscription's compiled filter policy; undefined: it takes every message. */
  get filterPolicy (): CompiledFilter | undefined {
    return this.filter
  }

  /**
   * Idle, filtered and not replaying: a page none of whose messages its filter matches
   * can be passed over for it, without waking it (SubscriptionPumps.dispatch).
   */
  get passable (): boolean {
    // Field reads only: the dispatcher asks every pump, for every publish. A pump whose
    // subscription was removed is closed by the refresh that follows the removal; moving
    // its cursor meanwhile delivers nothing.
    return !this.draining.busy && !this.closed && this.filter !== undefined && this.sub.replay === undefined && this.sub.status === 'confirmed'
  }

  /** Delivered enveloped (so signed), with no filter policy: it will sign every message. */
  get signsEveryMessage (): boolean {
    if (this.filter !== undefined || this.sub.replay !== undefined) return false
    const protocol = this.sub.protocol
    if (protocol === 'lambda' || protocol === 'email-json') return true
    return !this.raw && (protocol === 'sqs' || protocol === 'http' || protocol === 'https' || protocol === 'firehose')
  }

  private get live (): boolean {
    // `closed` is set with the abort (an AbortSignal's getter costs more than a field).
    return !this.closed && this.topic.isOpen && this.topic.state.subscriptions.get(this.sub.id) === this.sub && this.sub.status === 'confirmed'
  }

  close (): void {
    this.closed = true
    this.abort.abort()
  }

  wake (): void {
    this.draining.trigger()
  }

  private async drain (): Promise<void> {
    const topic = this.topic
    while (this.live) {
      const committed = topic.messageShard.committed
      const cursor = { ts: this.sub.cursor[0], counter: this.sub.cursor[1] }
      if (committed === undefined || comparePositions(cursor, committed) >= 0) return
      const page = await this.pages.read(cursor, committed)
      if (!this.live) return
      if (page.records.length === 0) {
        // Retention trimmed what was not delivered yet.
        await this.advance(committed.ts, committed.counter)
        return
      }
      if (this.sub.protocol === 'sqs') await this.toQueue(page)
      else if (!isPushed(this.sub.protocol)) await this.toOutbox(page)
      else {
        for (let i = 0; i < page.records.length; i++) {
          if (!this.live) return
          await this.one(page, i)
        }
      }
    }
  }

  private matches (message: PublishedMessage, record: StoredRecord): boolean {
    const replay = this.sub.replay
    // During a replay, what was published after its EndingPoint (and before the replay
    // started) is not delivered again.
    if (replay?.until !== undefined && record.ts > replay.until && comparePositions(record, { ts: replay.resume[0], counter: replay.resume[1] }) <= 0) return false
    return this.filter === undefined || this.pages.filters.matches(message, this.filter)
  }

  /** The indexes of the page's messages this subscription delivers. */
  private matching (page: Page): number[] {
    const out: number[] = []
    for (let i = 0; i < page.records.length; i++) if (this.matches(page.message(i), page.records[i]!)) out.push(i)
    return out
  }

  private async advance (ts: number, counter: number): Promise<void> {
    const staged = this.topic.deps.writer.stage()
    this.topic.stageEvent(staged, { e: 'cursor', at: this.topic.deps.config.clock(), c: [[this.sub.id, ts, counter]] })
    await staged.commit()
    this.topic.noteChanges(1)
  }

  envelopeContext (record: ShardPosition): EnvelopeContext {
    const topic = this.topic
    return {
      topicArn: topic.arn,
      subscriptionArn: topic.subscriptionArn(this.sub),
      protocol: this.sub.protocol,
      origin: topic.deps.origin(),
      signer: topic.deps.signer,
      signatureVersion: topic.attributes.SignatureVersion === '2' ? '2' : '1',
      fifo: topic.fifo,
      sequenceNumber: topic.fifo ? topic.messageShard.sequenceNumber(record) : undefined,
      timestamp: record.ts
    }
  }

  private get raw (): boolean {
    return this.sub.attributes.RawMessageDelivery === 'true'
  }

  /** The SQS message a topic message becomes in `queue`. */
  private sqsSpec (message: PublishedMessage, record: ShardPosition, queue: Queue): SendSpec {
    const raw = this.raw
    return {
      body: raw ? messageFor(message, 'sqs') : JSON.stringify(notification(message, this.envelopeContext(record))),
      attributes: raw ? sqsAttributes(message) : [],
      delaySeconds: 0,
      // A standard queue keeps the group too (AWS's fair queues), as AWS delivers it.
      groupId: message.group,
      deduplicationId: queue.fifo ? message.dedup ?? message.id : undefined,
      traceHeader: message.trace,
      senderId: this.topic.scope.accountId
    }
  }

  /**
   * Delivers a message being published into the publish's own batch (Topic.publish), so
   * that one commit makes it durable and puts it in the queue, with the cursor moving past
   * it: exactly once, as `toQueue`, one commit sooner. Only an idle SQS pump without a
   * filter policy that has handled everything before the message does so (its cursor is the position just before
   * it); otherwise, or when the envelope's signature is not made yet, its pump delivers
   * the message after the commit, as any other.
   */
  stageInline (inline: InlineDelivery, message: PublishedMessage, position: ShardPosition, to: [number, number]): void {
    // Only SQS pumps without a filter policy are asked (SubscriptionPumps.inlined): filtered
    // ones are left to SubscriptionPumps.dispatch, which matches a commit's messages for
    // all of them at once; asking a thousand of them about every message cost more than
    // it saved.
    if (this.draining.busy || this.sub.replay !== undefined || !this.live) return
    const cursor = this.sub.cursor
    if (cursor[0] !== inline.before.ts || cursor[1] !== inline.before.counter) return
    const queue = this.topic.deps.findQueue(this.sub.endpoint)
    if (queue === undefined || !queue.isOpen || queue.fifo) return
    if (!this.raw && !isSignedAhead(message, this.envelopeContext(position))) return
    const spec = this.sqsSpec(message, position, queue)
    // A refused one is its pump's to fail (and dead-letter).
    if (sendRefusal(spec, queue) !== undefined) return
    const run = queue.stageSend(inline.staged, spec, inline.now)
    moveCursor(this.sub, to)
    inline.delivered(this.sub.id, to, () => {
      run?.()
      this.meters.deliveredOne(1, inline.now)
    })
  }

  /** Exactly once: the queue's messages and the cursor event in one batch. */
  private async toQueue (page: Page): Promise<void> {
    const topic = this.topic
    const records = page.records
    const last = records[records.length - 1]!
    const matching = this.matching(page)
    if (matching.length === 0) {
      this.pages.advanceQuietly(this.sub, [last.ts, last.counter])
      return
    }
    if (!this.raw) {
      // The envelopes' signatures, made in the thread pool: staging below then finds them made.
      await Promise.all(matching.map((i) => signNotificationAhead(page.message(i), this.envelopeContext(records[i]!))))
      if (!this.live) return
    }
    const queue = topic.deps.findQueue(this.sub.endpoint)
    const now = topic.deps.config.clock()
    const staged = topic.deps.writer.stage()
    const after: Array<() => void> = []
    let delivered = 0
    const failed: Array<{ failure: DeliveryFailure, deadLettered: boolean }> = []
    for (const i of matching) {
      const record = records[i]!
      const message = page.message(i)
      // A queue that cannot take the message fails the delivery as a client error: AWS
      // does not retry it, and drops it (or, with a RedrivePolicy, dead-letters it).
      let failure = queueFailure(queue, this.sub.endpoint, message)
      if (failure === undefined) {
        const spec = this.sqsSpec(message, record, queue!)
        failure = sendRefusal(spec, queue!)
        if (failure === undefined) {
          const run = queue!.stageSend(staged, spec, now)
          if (run !== undefined) after.push(run)
          delivered++
          continue
        }
      }
      const dlq = this.deadLetterQueue()
      if (dlq !== undefined) {
        const run = dlq.stageSend(staged, this.deadLetterSpec(message, record, dlq, failure.code, failure.reason), now)
        if (run !== undefined) after.push(run)
      }
      failed.push({ failure, deadLettered: dlq !== undefined })
    }
    topic.stageEvent(staged, { e: 'cursor', at: now, c: [[this.sub.id, last.ts, last.counter]] })
    await staged.commit(() => { for (const run of after) run() })
    topic.noteChanges(1)
    this.meters.deliveredOne(delivered, now)
    for (const { failure, deadLettered } of failed) this.meters.failedOne(deadLettered, now, failure.code, failure.reason)
  }

  /** Exactly once: the outbox's entries and the cursor event in one batch. */
  private async toOutbox (page: Page): Promise<void> {
    const topic = this.topic
    const records = page.records
    const last = records[records.length - 1]!
    const matching = this.matching(page)
    if (matching.length === 0) {
      this.pages.advanceQuietly(this.sub, [last.ts, last.counter])
      return
    }
    const now = topic.deps.config.clock()
    const staged = topic.deps.writer.stage()
    const visible: Array<() => void> = []
    for (const i of matching) visible.push(topic.deps.outbox.stage(staged.batch, topic.scope, this.outboxEntry(page.message(i), records[i]!, now)))
    topic.stageEvent(staged, { e: 'cursor', at: now, c: [[this.sub.id, last.ts, last.counter]] })
    await staged.commit(() => { for (const run of visible) run() })
    topic.noteChanges(1)
    this.meters.deliveredOne(visible.length, now)
  }

  private outboxEntry (message: PublishedMessage, record: StoredRecord, now: number): OutboxEntry {
    const protocol = this.sub.protocol
    const json = protocol === 'email-json' || (protocol === 'firehose' && !this.raw)
    return {
      at: now,
      topicArn: this.topic.arn,
      subscriptionArn: this.topic.subscriptionArn(this.sub),
      protocol,
      endpoint: this.sub.endpoint,
      messageId: message.id,
      body: json ? JSON.stringify(notification(message, this.envelopeContext(record))) : messageFor(message, protocol),
      ...(message.subject === undefined ? {} : { subject: message.subject })
    }
  }

  private deadLetterQueue (): Queue | undefined {
    const text = this.sub.attributes.RedrivePolicy
    if (text === undefined) return undefined
    try {
      const arn = (JSON.parse(text) as { deadLetterTargetArn?: string }).deadLetterTargetArn
      const queue = arn === undefined ? undefined : this.topic.deps.findQueue(arn)
      return queue?.isOpen === true ? queue : undefined
    } catch {
      return undefined
    }
  }

  /** AWS's dead-letter message: the envelope (or raw message), with the failure as message attributes. */
  private deadLetterSpec (message: PublishedMessage, record: StoredRecord, dlq: Queue, code: string, reason: string): SendSpec {
    const raw = this.raw
    const attributes = [
      ['ErrorCode', { dataType: 'String', stringValue: code }],
      ['ErrorMessage', { dataType: 'String', stringValue: reason }],
      ['RequestID', { dataType: 'String', stringValue: randomUUID() }],
      ['TopicArn', { dataType: 'String', stringValue: this.topic.arn }]
    ] as Array<[string, { dataType: string, stringValue: string }]>
    return {
      body: raw ? messageFor(message, this.sub.protocol) : JSON.stringify(notification(message, this.envelopeContext(record))),
      attributes,
      delaySeconds: 0,
      groupId: dlq.fifo ? message.group ?? 'dead-letter' : undefined,
      // The publish's own deduplication id, as AWS keeps it in the dead-letter queue.
      deduplicationId: dlq.fifo ? message.dedup ?? message.id : undefined,
      senderId: this.topic.scope.accountId
    }
  }

  /** At least once: deliver (with retries), dead-letter or drop, then move the cursor. */
  private async one (page: Page, i: number): Promise<void> {
    const topic = this.topic
    const record = page.records[i]!
    const message = page.message(i)
    if (!this.matches(message, record)) {
      this.pages.advanceQuietly(this.sub, [record.ts, record.counter])
      return
    }
    // Raw HTTP delivery sends the bare message; Lambda and enveloped HTTP get the signed
    // envelope, signed in the thread pool (usually begun at publish: Topic.publish).
    const enveloped = !this.raw || this.sub.protocol === 'lambda'
    const ctx = this.envelopeContext(record)
    if (enveloped) {
      await signNotificationAhead(message, ctx)
      if (!this.live) return
    }
    const envelope = enveloped ? notification(message, ctx) : undefined
    const failure = await this.withRetries(message, envelope)
    if (failure !== undefined) {
      if (!this.live) return
      const dlq = this.deadLetterQueue()
      if (dlq !== undefined) {
        const staged = topic.deps.writer.stage()
        const run = dlq.stageSend(staged, this.deadLetterSpec(message, record, dlq, failure.code, failure.message), topic.deps.config.clock())
        topic.stageEvent(staged, { e: 'cursor', at: topic.deps.config.clock(), c: [[this.sub.id, record.ts, record.counter]] })
        await staged.commit(run)
        topic.noteChanges(1)
        this.meters.failedOne(true, topic.deps.config.clock(), failure.code, failure.message)
        return
      }
      this.meters.failedOne(false, topic.deps.config.clock(), failure.code, failure.message)
    } else if (this.live) {
      this.meters.deliveredOne(1, topic.deps.config.clock())
    }
    if (!this.live) return
    await this.advance(record.ts, record.counter)
  }

  private async withRetries (message: PublishedMessage, envelope: Record<string, unknown> | undefined): Promise<{ code: string, message: string } | undefined> {
    // Only HTTP/S have a delivery policy. Lambda is an endpoint AWS manages: its own long
    // schedule, whatever the DeliveryPolicy says.
    const schedule = this.policy === undefined ? MANAGED_RETRIES : listedSchedule(retryDelays(this.policy.healthyRetryPolicy))
    let last: Attempt = { ok: false, code: 'NotAttempted', message: '' }
    try {
      for (let attempt = 0; attempt <= schedule.retries; attempt++) {
        if (attempt > 0) await sleep(schedule.delaySeconds(attempt - 1) * 1000, this.abort.signal)
        if (!this.live) return undefined
        if (this.throttle !== undefined) await this.throttle.take(this.abort.signal)
        if (!this.live) return undefined
        last = await this.attempt(message, envelope)
        if (last.ok) return undefined
        const now = this.topic.deps.config.clock()
        this.meters.attemptFailed(now, last.code, last.message)
        // A function shardline has no endpoint for is a client error: retrying cannot help.
        if (last.code === FUNCTION_NOT_FOUND) break
        if (attempt < schedule.retries) this.meters.retrying = { attempt: attempt + 1, of: schedule.retries + 1, nextAt: now + schedule.delaySeconds(attempt) * 1000 }
      }
    } finally {
      this.meters.retrying = undefined
    }
    return last.ok ? undefined : { code: last.code, message: last.message }
  }

  /** `envelope` is there for Lambda and for enveloped (not raw) HTTP delivery. */
  private attempt (message: PublishedMessage, envelope: Record<string, unknown> | undefined): Promise<Attempt> {
    const sub = this.sub
    const arn = this.topic.subscriptionArn(sub)
    if (sub.protocol === 'lambda') {
      const fn = /^arn:aws:lambda:[^:]+:\d{12}:function:([^:]+)/.exec(sub.endpoint)?.[1]
      const url = fn === undefined ? undefined : this.topic.deps.lambdaEndpoints.get(fn)
      if (url === undefined) return Promise.resolve({ ok: false, code: FUNCTION_NOT_FOUND, message: `No --lambda-endpoint is configured for function ${fn ?? sub.endpoint}.` })
      return post(url, JSON.stringify(lambdaEvent(envelope!, arn)), { 'content-type': 'application/json' }, this.abort.signal)
    }
    const headers: Record<string, string> = {
      'content-type': this.policy!.requestPolicy.headerContentType,
      'x-amz-sns-message-type': 'Notification',
      'x-amz-sns-message-id': message.id,
      'x-amz-sns-topic-arn': this.topic.arn,
      'x-amz-sns-subscription-arn': arn,
      ...(this.raw ? { 'x-amz-sns-rawdelivery': 'true' } : {})
    }
    return post(sub.endpoint, envelope === undefined ? messageFor(message, sub.protocol) : JSON.stringify(envelope), headers, this.abort.signal)
  }
}

/** The deliveries staged with one publish (Pump.stageInline), and what to run once it commits. */
export class InlineDelivery {
  /** The position just before the message being staged. */
  before: ShardPosition
  private readonly after: Array<() => void> = []
  private readonly cursors = new Map<string, [number, number]>()

  constructor (private readonly topic: Topic, private readonly pumps: readonly Pump[], readonly staged: StagedRecords, readonly now: number) {
    this.before = topic.messageShard.tail
  }

  /** `message` was just appended at `position`: each pump may deliver it or pass it over. */
  stage (message: PublishedMessage, position: ShardPosition): void {
    const to: [number, number] = [position.ts, position.counter]
    for (const pump of this.pumps) pump.stageInline(this, message, position, to)
    this.before = position
  }

  /** `subscription` took the message: its cursor moves `to` it, and `run` follows the commit. */
  delivered (subscription: string, to: [number, number], run: () => void): void {
    this.cursors.set(subscription, to)
    this.after.push(run)
  }

  /** Stages the delivering subscriptions' cursors, in one event; called after the last `stage`. */
  finish (): void {
    if (this.cursors.size > 0) {
      this.topic.stageEvent(this.staged, { e: 'cursor', at: this.now, c: [...this.cursors].map(([id, [ts, counter]]) => [id, ts, counter]) })
    }
  }

  committed (): void {
    for (const run of this.after) run()
  }
}

function * filtersOf (pumps: Iterable<Pump>): Iterable<CompiledFilter> {
  for (const pump of pumps) if (pump.filterPolicy !== undefined) yield pump.filterPolicy
}

export class SubscriptionPumps {
  private readonly pumps = new Map<string, Pump>()
  private readonly abort = new AbortController()
  private readonly dispatching = new SingleFlight(
    () => this.dispatch(),
    () => !this.abort.signal.aborted,
    (err) => this.topic.deps.log.warn({ err, topic: this.topic.arn }, 'a topic\'s delivery dispatch failed; it resumes on the next publish')
  )

  /**
   * The protocols whose signed envelope every published message will need: each has a
   * subscription without a filter policy that is delivered enveloped. A publish starts
   * their signatures at once (Topic.publish), beside its own commit.
   */
  signedProtocols: readonly string[] = []
  /** The SQS pumps without a filter policy: the ones a publish may deliver for (Pump.stageInline). */
  private inlined: readonly Pump[] = []

  private readonly pages: DeliveryPages

  constructor (private readonly topic: Topic) {
    this.pages = new DeliveryPages(topic)
  }

  /** Re-reads the subscriptions after a control-plane change, then wakes every pump. */
  refresh (): void {
    if (this.abort.signal.aborted) return
    const subs = this.topic.state.subscriptions
    for (const [id, pump] of this.pumps) {
      if (subs.get(id) !== pump.sub || pump.sub.status !== 'confirmed') {
        pump.close()
        this.pumps.delete(id)
      }
    }
    for (const sub of subs.values()) {
      if (sub.status !== 'confirmed') continue
      const pump = this.pumps.get(sub.id)
      if (pump === undefined) this.pumps.set(sub.id, new Pump(this.topic, sub, this.pages))
      else pump.configure()
    }
    this.pages.filters = new FilterIndex(filtersOf(this.pumps.values()))
    const protocols = new Set<string>()
    for (const pump of this.pumps.values()) if (pump.signsEveryMessage) protocols.add(pump.sub.protocol)
    this.signedProtocols = [...protocols]
    this.inlined = [...this.pumps.values()].filter((pump) => pump.sub.protocol === 'sqs' && pump.filterPolicy === undefined)
    this.wake()
  }

  /**
   * After a publish (or a change): wakes the pumps that have something to deliver. With a
   * thousand filtered subscriptions a message matches a few; waking all of them to read,
   * match and pass over each page cost most of a publish. So pumps that are idle and
   * filtered are grouped by cursor (they are mostly at the same one), each group's page is
   * read and matched once (filter-index.ts), and only the pumps whose filter matched one
   * of its messages are woken; the others' cursors move past the page in memory
   * (Topic.movedQuietly). The other pumps are woken at once, as before.
   */
  wake (): void {
    this.dispatching.trigger()
  }

  private async dispatch (): Promise<void> {
    const committed = this.topic.messageShard.committed
    if (committed === undefined) return
    // By cursor; idle pumps are nearly always at one or two.
    const groups: Array<{ readonly cursor: readonly [number, number], readonly pumps: Pump[] }> = []
    for (const pump of this.pumps.values()) {
      if (!pump.passable) {
        pump.wake()
        continue
      }
      const cursor = pump.sub.cursor
      if (cursor[0] > committed.ts || (cursor[0] === committed.ts && cursor[1] >= committed.counter)) continue
      let group = groups.find((g) => g.cursor[0] === cursor[0] && g.cursor[1] === cursor[1])
      if (group === undefined) groups.push(group = { cursor, pumps: [] })
      group.pumps.push(pump)
    }
    for (const { cursor, pumps } of groups) {
      if (pumps.length === 1) {
        pumps[0]!.wake()
        continue
      }
      const [ts, counter] = cursor
      const page = await this.pages.read({ ts, counter }, committed)
      if (this.abort.signal.aborted) return
      const records = page.records
      // Trimmed by retention: each pump deals with that itself.
      if (records.length === 0) {
        for (const pump of pumps) pump.wake()
        continue
      }
      const filters = this.pages.filters
      const matched = new Set<CompiledFilter>()
      for (let i = 0; i < records.length; i++) for (const filter of filters.matching(page.message(i))) matched.add(filter)
      const last = records[records.length - 1]!
      // One array for every cursor moved here: cursors are replaced, never changed in place.
      const to: [number, number] = [last.ts, last.counter]
      let moved = false
      for (const pump of pumps) {
        const filter = pump.filterPolicy
        const at = pump.sub.cursor
        // Woken, moved or refiltered while the page was read: it reads for itself.
        if (!pump.passable || at[0] !== ts || at[1] !== counter || filter === undefined || !filters.holds(filter) || matched.has(filter)) {
          pump.wake()
          continue
        }
        moveCursor(pump.sub, to)
        moved = true
      }
      if (moved) this.topic.movedQuietly()
      // A page holds at most 500 messages: the rest is dispatched next.
      if (comparePositions(last, committed) < 0) this.dispatching.trigger()
    }
  }

  /** A publish's inline deliveries (Pump.stageInline), into `staged`. */
  inline (staged: StagedRecords, now: number): InlineDelivery {
    return new InlineDelivery(this.topic, this.inlined, staged, now)
  }

  /** A confirmed subscription's delivery meters (pending ones have no pump yet). */
  metersOf (id: string): SubscriptionMeters | undefined {
    return this.pumps.get(id)?.meters
  }

  /**
   * Sends an http/https subscription its SubscriptionConfirmation, without waiting for the
   * endpoint; an email one's goes to the outbox, and resolves once it is there, so the
   * token is readable when Subscribe answers.
   */
  async sendConfirmation (sub: SubscriptionState): Promise<void> {
    const topic = this.topic
    if (sub.token === undefined) return
    const version = topic.attributes.SignatureVersion === '2' ? '2' : '1'
    const body = confirmation(topic.arn, sub.token, topic.deps.origin(), topic.deps.signer, version, randomUUID(), topic.deps.config.clock())
    if (sub.protocol === 'email' || sub.protocol === 'email-json') {
      const entry = { at: topic.deps.config.clock(), topicArn: topic.arn, subscriptionArn: topic.subscriptionArn(sub), protocol: sub.protocol, endpoint: sub.endpoint, messageId: String(body.MessageId), body: JSON.stringify(body), subject: 'AWS Notification - Subscription Confirmation' }
      await topic.deps.outbox.add(topic.scope, entry)
      return
    }
    const headers = {
      'content-type': 'text/plain; charset=UTF-8',
      'x-amz-sns-message-type': 'SubscriptionConfirmation',
      'x-amz-sns-message-id': String(body.MessageId),
      'x-amz-sns-topic-arn': topic.arn
    }
    void post(sub.endpoint, JSON.stringify(body), headers, this.abort.signal).then((result) => {
      if (!result.ok) topic.deps.log.info({ endpoint: sub.endpoint, reason: result.message }, 'a subscription confirmation was not delivered')
    })
  }

  close (): void {
    this.abort.abort()
    for (const pump of this.pumps.values()) pump.close()
    this.pumps.clear()
    this.pages.close()
  }
}
