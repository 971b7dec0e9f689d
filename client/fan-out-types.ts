/**
 * Enhanced fan-out requests and responses: registering consumers and SubscribeToShard.
 */
import type { ChildShard, EmptyResponse, StreamRecord, Timestamp } from './stream-shapes.js'

export type ConsumerStatus = 'CREATING' | 'DELETING' | 'ACTIVE'

export interface Consumer {
  consumerName: string
  /** `<stream arn>/consumer/<name>:<creation epoch seconds>` */
  consumerArn: string
  consumerStatus: ConsumerStatus
  consumerCreationTimestamp: number
  /** Set by describeStreamConsumer. */
  streamArn?: string
}

export interface RegisterStreamConsumerRequest {
  streamArn: string
  consumerName: string
  /** The consumer's tags, as tagResource sets them. */
  tags?: Record<string, string>
}
export interface RegisterStreamConsumerResponse {
  consumer: Consumer
}

/** Name the consumer by consumerArn, or by streamArn and consumerName. */
export interface ConsumerRef {
  streamArn?: string
  consumerName?: string
  consumerArn?: string
}
export type DescribeStreamConsumerRequest = ConsumerRef
export interface DescribeStreamConsumerResponse {
  consumerDescription: Consumer
}
export type DeregisterStreamConsumerRequest = ConsumerRef
export type DeregisterStreamConsumerResponse = EmptyResponse

export interface ListStreamConsumersRequest {
  streamArn: string
  nextToken?: string
  maxResults?: number
  streamCreationTimestamp?: Timestamp
}
export interface ListStreamConsumersResponse {
  consumers: Consumer[]
  nextToken?: string
}

export type StartingPositionType = 'AT_SEQUENCE_NUMBER' | 'AFTER_SEQUENCE_NUMBER' | 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP'

export interface StartingPosition {
  type: StartingPositionType
  sequenceNumber?: string
  timestamp?: Timestamp
}

export interface SubscribeToShardRequest {
  consumerArn: string
  shardId: string
  startingPosition: StartingPosition
}

export interface SubscribeToShardEvent {
  records: StreamRecord[]
  /** Resubscribe with AFTER_SEQUENCE_NUMBER and this number to miss and repeat nothing. */
  continuationSequenceNumber: string
  millisBehindLatest: number
  /** Set on the last event of a closed shard. */
  childShards: ChildShard[]
}
