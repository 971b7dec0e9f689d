/**
 * Requests and responses of a stream's settings: encryption, enhanced monitoring, resource
 * policies, the largest record size, and the account settings.
 */
import type { ResourceRef } from './control-plane-types.js'
import type { EmptyResponse, EncryptionType, StreamRef } from './stream-shapes.js'

export interface StreamEncryptionRequest extends StreamRef {
  /** KMS, the only type these calls take. */
  encryptionType: EncryptionType
  /** A key ARN, an alias ARN, an alias name (`alias/aws/kinesis` is Kinesis's own) or a key id. */
  keyId: string
}
export type StartStreamEncryptionRequest = StreamEncryptionRequest
export type StartStreamEncryptionResponse = EmptyResponse
export type StopStreamEncryptionRequest = StreamEncryptionRequest
export type StopStreamEncryptionResponse = EmptyResponse

export type ShardLevelMetric =
  | 'IncomingBytes'
  | 'IncomingRecords'
  | 'OutgoingBytes'
  | 'OutgoingRecords'
  | 'WriteProvisionedThroughputExceeded'
  | 'ReadProvisionedThroughputExceeded'
  | 'IteratorAgeMilliseconds'

export interface EnhancedMonitoringRequest extends StreamRef {
  /** 1 to 7 metric names; `ALL` stands for every one. */
  shardLevelMetrics: Array<ShardLevelMetric | 'ALL'>
}
export interface EnhancedMonitoringResponse {
  streamName: string
  streamArn: string
  /** The metrics on before the call. */
  currentShardLevelMetrics: string[]
  /** The metrics on after it. */
  desiredShardLevelMetrics: string[]
}
export type EnableEnhancedMonitoringRequest = EnhancedMonitoringRequest
export type EnableEnhancedMonitoringResponse = EnhancedMonitoringResponse
export type DisableEnhancedMonitoringRequest = EnhancedMonitoringRequest
export type DisableEnhancedMonitoringResponse = EnhancedMonitoringResponse

export interface PutResourcePolicyRequest extends ResourceRef {
  /** A JSON policy document; kept and returned, not enforced. */
  policy: string
}
export type PutResourcePolicyResponse = EmptyResponse
export type GetResourcePolicyRequest = ResourceRef
export interface GetResourcePolicyResponse {
  /** The policy as it was put, or `{}` when there is none. */
  policy: string
}
export type DeleteResourcePolicyRequest = ResourceRef
export type DeleteResourcePolicyResponse = EmptyResponse

export interface UpdateMaxRecordSizeRequest {
  streamArn: string
  /** 1,024 to 10,240 KiB: the largest record, data plus partition key. */
  maxRecordSizeInKiB: number
}
export type UpdateMaxRecordSizeResponse = EmptyResponse

export type MinimumThroughputBillingCommitmentStatus = 'ENABLED' | 'DISABLED' | 'ENABLED_UNTIL_EARLIEST_ALLOWED_END'

export interface MinimumThroughputBillingCommitment {
  status: MinimumThroughputBillingCommitmentStatus
  /** Milliseconds since the epoch. */
  startedAt?: number
  endedAt?: number
  earliestAllowedEndAt?: number
}
export interface AccountSettingsResponse {
  minimumThroughputBillingCommitment: MinimumThroughputBillingCommitment
}
export type DescribeAccountSettingsResponse = AccountSettingsResponse
export interface UpdateAccountSettingsRequest {
  minimumThroughputBillingCommitment: { status: 'ENABLED' | 'DISABLED' }
}
export type UpdateAccountSettingsResponse = AccountSettingsResponse
