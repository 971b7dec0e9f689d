import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { loadSync } from '@grpc/proto-loader'
import type { MethodDefinition, ServiceDefinition } from '@grpc/proto-loader'

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
  | 'RegisterStreamConsumer'
  | 'DescribeStreamConsumer'
  | 'ListStreamConsumers'
  | 'DeregisterStreamConsumer'
  | 'ListTagsForStream'
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

/** Parsing the proto costs milliseconds, so every client in the process shares one copy. */
export function streamService (): ServiceDefinition {
  if (service !== undefined) return service
  const definition = loadSync(PROTO_FILE, {
    includeDirs: [findProtoRoot()],
    keepCase: false,
    longs: Number,
    enums: String,
    defaults: false,
    oneofs: false
  })
  const found = definition[SERVICE_NAME]
  if (found === undefined || 'format' in found) throw new Error(`${PROTO_FILE} does not define ${SERVICE_NAME}`)
  service = found
  return service
}

export function unaryMethod (name: MethodName): UnaryMethod {
  const method = streamService()[name]
  if (method === undefined) throw new Error(`${SERVICE_NAME} has no method ${name}`)
  return method
}

/** The server-streaming RPC of StreamService. */
export function streamingMethod (name: 'SubscribeToShard'): UnaryMethod {
  const method = streamService()[name]
  if (method === undefined || !method.responseStream) throw new Error(`${SERVICE_NAME} has no streaming method ${name}`)
  return method
}
