/**
 * SubscribeToShard as an async iterable of events (see ServerStream for when the call
 * starts and how a slow reader is bounded).
 */
import type { ClientReadableStream } from '@grpc/grpc-js'
import { toSubscribeToShardEvent, type Wire } from './responses.js'
import { ServerStream } from './server-stream.js'
import type { SubscribeToShardEvent } from './types.js'

export class ShardSubscription extends ServerStream<SubscribeToShardEvent> {
  constructor (open: () => ClientReadableStream<object>) {
    super(open, (wire) => toSubscribeToShardEvent(wire as Wire<SubscribeToShardEvent>))
  }
}
