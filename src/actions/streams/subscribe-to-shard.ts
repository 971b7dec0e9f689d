import { Type } from '@sinclair/typebox'
import { ServiceError } from '../../errors.js'
import { labelOf } from '../../streams/encryption.js'
import { Subscription, type SubscriptionEvent } from '../../streams/subscription.js'
import { defineStreamingAction } from '../action.js'
import { ConsumerArn } from './consumer-fields.js'
import { SequenceNumber, ShardId, ShardIteratorType } from './fields.js'
import { Timestamp } from '../schema.js'
import { recordShape, childShardShape } from './shapes.js'
import { shardIndexOf } from './shard-lookup.js'
import { formatShardId } from '../../streams/stream-model.js'

/**
 * One event as AWS shapes it. The last event of a closed shard carries ChildShards and no
 * ContinuationSequenceNumber: AWS consumers (the KCL, Flink's and Beam's connectors) take a
 * missing continuation as the shard's end. Other events carry no ChildShards.
 */
function eventShape (event: SubscriptionEvent): Record<string, unknown> {
  const ended = event.childShards.length > 0
  return {
    records: event.records.map((r, i) => recordShape(r, event.sequenceNumbers[i]!, labelOf(event.labels, r.ts))),
    ...(ended ? {} : { continuation_sequence_number: event.continuationSequenceNumber }),
    millis_behind_latest: event.millisBehindLatest,
    ...(ended ? { child_shards: event.childShards.map(childShardShape) } : {})
  }
}

export const subscribeToShard = defineStreamingAction({
  name: 'SubscribeToShard',
  streaming: true,
  input: Type.Object({
    consumer_arn: ConsumerArn,
    shard_id: ShardId,
    starting_position: Type.Object({
      type: ShardIteratorType,
      sequence_number: Type.Optional(SequenceNumber),
      timestamp: Type.Optional(Timestamp)
    })
  }),
  async handle (ctx, input, send: (event: Record<string, unknown>) => Promise<void>, signal) {
    const { stream, consumer, arn } = ctx.consumers.resolve(ctx.scope, { consumer_arn: input.consumer_arn }, 'SubscribeToShard')
    if (consumer.status !== 'ACTIVE') {
      throw new ServiceError('RESOURCE_IN_USE', `Consumer ${consumer.name} is ${consumer.status}; it can subscribe once it is ACTIVE.`)
    }
    ctx.streams.checkState(stream, 'readable')
    const index = shardIndexOf(ctx, { stream_arn: stream.arn }, input.shard_id)
    const shard = stream.shards.get(index)
    if (shard === undefined) {
      throw new ServiceError('SHARD_NOT_FOUND', `Shard ${formatShardId(index)} in stream ${stream.name} under account ${stream.scope.accountId} does not exist`)
    }
    const { type, sequence_number: sequenceNumber, timestamp } = input.starting_position
    const position = await ctx.reader.startPosition(stream, shard, { type, sequenceNumber, timestamp }, 'SubscribeToShard')
    const subscription = new Subscription(ctx.reader, ctx.config, stream, shard, position, {
      send: (event: SubscriptionEvent) => send(eventShape(event))
    }, ctx.config.limits === 'aws' ? ctx.consumers.budget(arn, shard.id) : undefined, ctx.consumers.metersFor(arn))
    const release = ctx.consumers.claim(arn, shard.id, subscription)
    const leave = (): void => subscription.stop()
    signal.addEventListener('abort', leave)
    try {
      await subscription.run()
    } finally {
      signal.removeEventListener('abort', leave)
      release()
    }
  }
})
