/**
 * Requests and responses that change a stream's shards: SplitShard, MergeShards,
 * UpdateShardCount, UpdateStreamMode and UpdateStreamWarmThroughput.
 */
import type { EmptyResponse, StreamModeDetails, StreamRef, WarmThroughput } from './stream-shapes.js'

export interface SplitShardRequest extends StreamRef {
  shardToSplit: string
  /** Decimal hash key: the first key of the upper child. */
  newStartingHashKey: string
}
export type SplitShardResponse = EmptyResponse

export interface MergeShardsRequest extends StreamRef {
  shardToMerge: string
  adjacentShardToMerge: string
}
export type MergeShardsResponse = EmptyResponse

export type ScalingType = 'UNIFORM_SCALING'

export interface UpdateShardCountRequest extends StreamRef {
  targetShardCount: number
  scalingType: ScalingType
}
export interface UpdateShardCountResponse {
  streamName: string
  streamArn: string
  currentShardCount: number
  targetShardCount: number
}

/** The stream is named by ARN only, as in Kinesis. */
export interface UpdateStreamModeRequest {
  streamArn: string
  streamModeDetails: StreamModeDetails
  /** Only when switching to ON_DEMAND. */
  warmThroughputMiBps?: number
}
export type UpdateStreamModeResponse = EmptyResponse

export interface UpdateStreamWarmThroughputRequest extends StreamRef {
  /** 0 to 10,240; 0 clears it. */
  warmThroughputMiBps: number
}
export interface UpdateStreamWarmThroughputResponse {
  streamArn: string
  streamName: string
  /** `currentMiBps`: what the stream took before the call. */
  warmThroughput: WarmThroughput
}
