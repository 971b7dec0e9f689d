import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadSync } from '@grpc/proto-loader'
import type { MethodDefinition, ServiceDefinition } from '@grpc/proto-loader'
import protobuf from 'protobufjs'

const PROTO_FILE = 'shardline/v1/streams.proto'
const SERVICE_NAME = 'shardline.v1.StreamService'

/** The unary RPCs of StreamService, spelled as in the proto. */
export type MethodName =
  | 'CreateStream'
  | 'DeleteStream'
  | 'DescribeStream'
  | 'DescribeStreamSummary'
  | 'DescribeLimits'
  | 'ListStreams'
  | 'ListShards'
  | 'IncreaseStreamRetentionPeriod'
  | 'DecreaseStreamRetentionPeriod'
  | 'AddTagsToStream'
  | 'RemoveTagsFromStream'
  | 'SplitShard'
  | 'MergeShards'
  | 'UpdateShardCount'
  | 'UpdateStreamMode'
  | 'UpdateStreamWarmThroughput'
  | 'RegisterStreamConsumer'
  | 'DescribeStreamConsumer'
  | 'ListStreamConsumers'
  | 'DeregisterStreamConsumer'
  | 'ListTagsForStream'
  | 'TagResource'
  | 'UntagResource'
  | 'ListTagsForResource'
  | 'StartStreamEncryption'
  | 'StopStreamEncryption'
  | 'EnableEnhancedMonitoring'
  | 'DisableEnhancedMonitoring'
  | 'PutResourcePolicy'
  | 'GetResourcePolicy'
  | 'DeleteResourcePolicy'
  | 'UpdateMaxRecordSize'
  | 'DescribeAccountSettings'
  | 'UpdateAccountSettings'
  | 'PutRecord'
  | 'PutRecords'
  | 'GetShardIterator'
  | 'GetRecords'

export type UnaryMethod = MethodDefinition<object, object>

let service: ServiceDefinition | undefined

/**
 * The same code runs from `client/*.ts` and from `dist/client/*.js` (and from an installed
 * package), so the proto directory sits at a different depth in each case: walk up until
 * it appears rather than hard-coding a relative path.
 */
export function findProtoRoot (from: string = import.meta.url): string {
  const start = dirname(fileURLToPath(from))
  let dir = start
  for (;;) {
    const root = join(dir, 'proto')
    if (existsSync(join(root, PROTO_FILE))) return root
    const parent = dirname(dir)
    if (parent === dir) throw new Error(`Cannot find proto/${PROTO_FILE} in ${start} or any parent directory`)
    dir = parent
  }
}

/**
 * Loads one service with the client's conventions: camelCase fields, int64 as number (every
 * int64 here is milliseconds or a count), enums as names, absent fields left absent.
 */
function loadService (file: string, name: string): ServiceDefinition {
  const definition = loadSync(file, {
    includeDirs: [findProtoRoot()],
    keepCase: false,
    longs: Number,
    enums: String,
    defaults: false,
    oneofs: false
  })
  const found = definition[name]
  if (found === undefined || 'format' in found) throw new Error(`${file} does not define ${name}`)
  return found
}

/** Parsing the proto costs milliseconds, so every client in the process shares one copy. */
export function streamService (): ServiceDefinition {
  service ??= loadService(PROTO_FILE, SERVICE_NAME)
  return service
}

function methodOf (service: ServiceDefinition, serviceName: string, name: string): UnaryMethod {
  const method = service[name]
  if (method === undefined) throw new Error(`${serviceName} has no method ${name}`)
  return method
}

export function unaryMethod (name: MethodName): UnaryMethod {
  return methodOf(streamService(), SERVICE_NAME, name)
}

/** The server-streaming RPC of StreamService. */
export function streamingMethod (name: 'SubscribeToShard'): UnaryMethod {
  const method = methodOf(streamService(), SERVICE_NAME, name)
  if (!method.responseStream) throw new Error(`${SERVICE_NAME} method ${name} is not server-streaming`)
  return method
}

const LEASE_PROTO_FILE = 'shardline/v1/leases.proto'
const LEASE_SERVICE_NAME = 'shardline.v1.LeaseService'

/** The RPCs of LeaseService, spelled as in the proto. */
export type LeaseMethodName = 'CreateLeaseIfAbsent' | 'UpdateLease' | 'DeleteLease' | 'ListLeases' | 'WatchLeases'

let leases: ServiceDefinition | undefined
let leaseType: protobuf.Type | undefined

export function leaseService (): ServiceDefinition {
  leases ??= loadService(LEASE_PROTO_FILE, LEASE_SERVICE_NAME)
  return leases
}

export function leaseMethod (name: LeaseMethodName): UnaryMethod {
  return methodOf(leaseService(), LEASE_SERVICE_NAME, name)
}

/**
 * Decodes a `shardline.v1.Lease` sent outside a response (the current lease in a
 * LEASE_COUNTER_MISMATCH's trailing metadata), into the same shape proto-loader gives.
 */
export function decodeLeaseMessage (bytes: Uint8Array): Record<string, unknown> {
  if (leaseType === undefined) {
    const root = new protobuf.Root()
    const protoRoot = findProtoRoot()
    root.resolvePath = (_origin, target) => join(protoRoot, target)
    root.loadSync(LEASE_PROTO_FILE)
    root.resolveAll()
    leaseType = root.lookupType('shardline.v1.Lease')
  }
  return leaseType.toObject(leaseType.decode(bytes), { longs: Number, enums: String, defaults: false, arrays: false })
}

const QUEUE_PROTO_FILE = 'shardline/v1/queues.proto'
const QUEUE_SERVICE_NAME = 'shardline.v1.QueueService'

/** The RPCs of QueueService: the SQS action names. */
export type QueueMethodName =
  | 'CreateQueue' | 'DeleteQueue' | 'GetQueueUrl' | 'ListQueues' | 'GetQueueAttributes' | 'SetQueueAttributes'
  | 'SendMessage' | 'SendMessageBatch' | 'ReceiveMessage' | 'DeleteMessage' | 'DeleteMessageBatch'
  | 'ChangeMessageVisibility' | 'ChangeMessageVisibilityBatch' | 'PurgeQueue'
  | 'TagQueue' | 'UntagQueue' | 'ListQueueTags'
  | 'ListDeadLetterSourceQueues' | 'StartMessageMoveTask' | 'ListMessageMoveTasks' | 'CancelMessageMoveTask'
  | 'AddPermission' | 'RemovePermission'

let queues: ServiceDefinition | undefined

export function queueService (): ServiceDefinition {
  queues ??= loadService(QUEUE_PROTO_FILE, QUEUE_SERVICE_NAME)
  return queues
}

export function queueMethod (name: QueueMethodName): UnaryMethod {
  return methodOf(queueService(), QUEUE_SERVICE_NAME, name)
}

const TOPIC_PROTO_FILE = 'shardline/v1/topics.proto'
const TOPIC_SERVICE_NAME = 'shardline.v1.TopicService'

/** The RPCs of TopicService: the SNS action names (and ListOutbox). */
export type TopicMethodName =
  | 'CreateTopic' | 'DeleteTopic' | 'GetTopicAttributes' | 'SetTopicAttributes' | 'ListTopics'
  | 'Subscribe' | 'ConfirmSubscription' | 'Unsubscribe' | 'GetSubscriptionAttributes' | 'SetSubscriptionAttributes'
  | 'ListSubscriptions' | 'ListSubscriptionsByTopic' | 'Publish' | 'PublishBatch'
  | 'TagResource' | 'UntagResource' | 'ListTagsForResource' | 'AddPermission' | 'RemovePermission'
  | 'GetDataProtectionPolicy' | 'PutDataProtectionPolicy'
  | 'CreatePlatformApplication' | 'DeletePlatformApplication' | 'GetPlatformApplicationAttributes' | 'SetPlatformApplicationAttributes' | 'ListPlatformApplications'
  | 'CreatePlatformEndpoint' | 'DeleteEndpoint' | 'GetEndpointAttributes' | 'SetEndpointAttributes' | 'ListEndpointsByPlatformApplication'
  | 'SetSMSAttributes' | 'GetSMSAttributes' | 'CheckIfPhoneNumberIsOptedOut' | 'ListPhoneNumbersOptedOut' | 'OptInPhoneNumber'
  | 'CreateSMSSandboxPhoneNumber' | 'VerifySMSSandboxPhoneNumber' | 'DeleteSMSSandboxPhoneNumber' | 'ListSMSSandboxPhoneNumbers'
  | 'GetSMSSandboxAccountStatus' | 'ListOriginationNumbers' | 'ListOutbox'

let topics: ServiceDefinition | undefined

export function topicService (): ServiceDefinition {
  topics ??= loadService(TOPIC_PROTO_FILE, TOPIC_SERVICE_NAME)
  return topics
}

export function topicMethod (name: TopicMethodName): UnaryMethod {
  return methodOf(topicService(), TOPIC_SERVICE_NAME, name)
}
