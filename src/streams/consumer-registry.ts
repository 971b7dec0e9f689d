/**
 * Enhanced fan-out consumers: registered per stream (kept in the stream's document), and
 * the live subscriptions that hold a (consumer, shard) pair.
 */
import type { Logger } from 'pino'
import type { ServerConfig } from '../config.js'
import { ServiceError } from '../errors.js'
import { ConsumerMeters } from '../metrics/meters.js'
import type { Scope } from '../scope.js'
import type { ConsumerDoc, Stream } from './stream-model.js'
import { authorize } from './resource-policy.js'
import { FANOUT_BYTES_PER_SECOND } from './subscription.js'
import { TokenBucket } from './token-bucket.js'
import type { StreamRegistry } from './stream-registry.js'

export interface ConsumerRef {
  readonly stream_arn?: string | undefined
  readonly consumer_name?: string | undefined
  readonly consumer_arn?: string | undefined
}

export interface ResolvedConsumer {
  readonly stream: Stream
  readonly consumer: ConsumerDoc
  readonly arn: string
}

/** What the registry needs of a live subscription to end it. */
export interface LiveSubscription {
  stop (reason: ServiceError): void
}

function pairKey (consumerArn: string, shardId: string): string {
  return `${consumerArn} ${shardId}`
}

/** The consumer ARN of a pair key (an ARN has no space). */
function consumerOfPair (key: string): string {
  return key.slice(0, key.lastIndexOf(' '))
}

export class ConsumerRegistry {
  private readonly live = new Map<string, LiveSubscription>()
  private readonly budgets = new Map<string, TokenBucket>()
  /** Delivery meters by consumer ARN, for /metrics. */
  private readonly meters = new Map<string, ConsumerMeters>()
  private readonly timers = new Set<NodeJS.Timeout>()

  constructor (private readonly streams: StreamRegistry, private readonly config: ServerConfig, private readonly log: Logger) {
    for (const stream of streams.all()) {
      for (const consumer of stream.doc.consumers ?? []) this.scheduleTransition(stream, consumer)
    }
  }

  /** The shards a consumer has a live subscription to, in id order. */
  subscribedShards (consumerArn: string): string[] {
    const prefix = consumerArn + ' '
    return [...this.live.keys()].filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length)).sort()
  }

  arnOf (stream: Stream, consumer: ConsumerDoc): string {
    return `${stream.arn}/consumer/${consumer.name}:${Math.floor(consumer.createdAt / 1000)}`
  }

  list (stream: Stream): ConsumerDoc[] {
    return stream.doc.consumers ?? []
  }

  async register (stream: Stream, name: string, tags?: Record<string, string>): Promise<ResolvedConsumer> {
    const consumers = this.list(stream)
    if (consumers.some((c) => c.name === name)) {
      throw new ServiceError('CONSUMER_EXISTS', `Consumer ${name} under stream ${stream.name} already exists.`)
    }
    if (consumers.length >= this.config.maxConsumersPerStream) {
      throw new ServiceError('LIMIT_EXCEEDED', `Stream ${stream.name} already has ${consumers.length} consumers; a stream may have at most ${this.config.maxConsumersPerStream}.`)
    }
    const now = this.config.clock()
    const delayed = this.config.createStreamMs > 0
    const consumer: ConsumerDoc = { name, createdAt: now, status: delayed ? 'CREATING' : 'ACTIVE', dueAt: delayed ? now + this.config.createStreamMs : undefined, ...(tags === undefined ? {} : { tags }) }
    stream.doc.consumers = [...consumers, consumer]
    await this.streams.save(stream)
    this.scheduleTransition(stream, consumer)
    return { stream, consumer, arn: this.arnOf(stream, consumer) }
  }

  /**
   * Finds a consumer by ARN, or by stream ARN and name (both forms may be given if they
   * agree), for the operation `action`. A consumer ARN of another account needs the
   * consumer's policy to allow the caller; a stream ARN, the stream's.
   */
  resolve (scope: Scope, ref: ConsumerRef, action: string): ResolvedConsumer {
    const { consumer_arn: arn, stream_arn: streamArn, consumer_name: name } = ref
    if (arn !== undefined && arn !== '') {
      const match = /^(.*)\/consumer\/([^/:]+):(\d+)$/.exec(arn)
      const stream = match === null ? undefined : this.findStream(scope, match[1]!)
      const consumer = stream === undefined ? undefined : this.list(stream).find((c) => c.name === match![2] && String(Math.floor(c.createdAt / 1000)) === match![3])
      if (stream === undefined || consumer === undefined || (name !== undefined && name !== '' && name !== consumer.name) || (streamArn !== undefined && streamArn !== '' && streamArn !== stream.arn)) {
        throw new ServiceError('CONSUMER_NOT_FOUND', `Consumer ${arn} not found.`)
      }
      if (stream.scope !== scope) authorize(scope, stream.scope.accountId, action, arn, consumer.policy)
      return { stream, consumer, arn }
    }
    if (streamArn === undefined || streamArn === '' || name === undefined || name === '') {
      throw new ServiceError('VALIDATION_FAILED', 'Name the consumer with consumer_arn, or with both stream_arn and consumer_name.')
    }
    const stream = this.streams.require(scope, { stream_arn: streamArn }, 'any', action)
    const consumer = this.list(stream).find((c) => c.name === name)
    if (consumer === undefined) throw new ServiceError('CONSUMER_NOT_FOUND', `Consumer ${name} under stream ${stream.name} not found.`)
    return { stream, consumer, arn: this.arnOf(stream, consumer) }
  }

  async deregister (resolved: ResolvedConsumer): Promise<void> {
    const { stream, consumer, arn } = resolved
    this.endSubscriptions(arn, new ServiceError('CONSUMER_NOT_FOUND', `Consumer ${consumer.name} was deregistered from stream ${stream.name}; its subscriptions have ended.`))
    if (this.config.createStreamMs > 0) {
      consumer.status = 'DELETING'
      consumer.dueAt = this.config.clock() + this.config.createStreamMs
      await this.streams.save(stream)
      this.scheduleTransition(stream, consumer)
      return
    }
    await this.remove(stream, consumer)
  }

  /**
   * The 2 MiB/s read budget of a (consumer, shard) pair. It belongs to the pair, not to
   * one subscription, so resubscribing does not reset it.
   */
  budget (consumerArn: string, shardId: string): TokenBucket {
    const key = pairKey(consumerArn, shardId)
    let bucket = this.budgets.get(key)
    if (bucket === undefined) {
      bucket = new TokenBucket(FANOUT_BYTES_PER_SECOND, FANOUT_BYTES_PER_SECOND, this.config.clock)
      this.budgets.set(key, bucket)
    }
    return bucket
  }

  /**
   * Reserves the (consumer, shard) pair for one subscription; a second live one gets
   * RESOURCE_IN_USE. Returns the release function.
   */
  claim (consumerArn: string, shardId: string, subscription: LiveSubscription): () => void {
    const key = pairKey(consumerArn, shardId)
    if (this.live.has(key)) {
      throw new ServiceError('RESOURCE_IN_USE', `Consumer ${consumerArn} already has a live subscription to ${shardId}; one subscription per consumer and shard.`)
    }
    this.live.set(key, subscription)
    return () => { if (this.live.get(key) === subscription) this.live.delete(key) }
  }

  /** The consumer's delivery meters, made on its first subscription. */
  metersFor (consumerArn: string): ConsumerMeters {
    let meters = this.meters.get(consumerArn)
    if (meters === undefined) {
      meters = new ConsumerMeters()
      this.meters.set(consumerArn, meters)
    }
    return meters
  }

  metersOf (consumerArn: string): ConsumerMeters | undefined {
    return this.meters.get(consumerArn)
  }

  /** Live subscriptions by consumer ARN. */
  liveCounts (): Map<string, number> {
    const counts = new Map<string, number>()
    for (const key of this.live.keys()) {
      const arn = consumerOfPair(key)
      counts.set(arn, (counts.get(arn) ?? 0) + 1)
    }
    return counts
  }

  /** Ends every live subscription whose consumer ARN starts with `prefix`. */
  endSubscriptions (prefix: string, reason: ServiceError): void {
    for (const [key, subscription] of [...this.live]) {
      if (key.startsWith(prefix)) subscription.stop(reason)
    }
  }

  /** Ends every subscription of a deleted stream and forgets its consumers' budgets. */
  streamDeleted (stream: Stream): void {
    const prefix = `${stream.arn}/consumer/`
    this.endSubscriptions(prefix, new ServiceError('STREAM_NOT_FOUND', `Stream ${stream.name} was deleted; its subscriptions have ended.`))
    for (const key of [...this.budgets.keys()]) if (key.startsWith(prefix)) this.budgets.delete(key)
    for (const arn of [...this.meters.keys()]) if (arn.startsWith(prefix)) this.meters.delete(arn)
  }

  close (): void {
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
    this.endSubscriptions('', new ServiceError('SHUTTING_DOWN', 'The server is shutting down; subscribe again once it is back.'))
  }

  /** The stream a consumer ARN's stream part names, in whatever account, without checking access. */
  private findStream (scope: Scope, streamArn: string): Stream | undefined {
    try {
      return this.streams.find(scope, { stream_arn: streamArn })
    } catch {
      return undefined
    }
  }

  private async remove (stream: Stream, consumer: ConsumerDoc): Promise<void> {
    const prefix = this.arnOf(stream, consumer) + ' '
    for (const key of [...this.budgets.keys()]) if (key.startsWith(prefix)) this.budgets.delete(key)
    this.meters.delete(this.arnOf(stream, consumer))
    stream.doc.consumers = this.list(stream).filter((c) => c !== consumer)
    await this.streams.save(stream)
  }

  private scheduleTransition (stream: Stream, consumer: ConsumerDoc): void {
    if (consumer.status === 'ACTIVE') return
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      if (!this.list(stream).includes(consumer)) return
      const done = consumer.status === 'CREATING'
        ? (() => { consumer.status = 'ACTIVE'; consumer.dueAt = undefined; return this.streams.save(stream) })()
        : this.remove(stream, consumer)
      done.catch((err: unknown) => this.log.error({ err, consumer: consumer.name }, 'consumer state transition failed'))
    }, Math.max(0, (consumer.dueAt ?? 0) - this.config.clock()))
    timer.unref()
    this.timers.add(timer)
  }
}
