/** `shardline/testcontainers`: the container module for users' tests. */
export { ShardlineContainer, StartedShardlineContainer, DEFAULT_IMAGE, HTTP_PORT, GRPC_PORT } from './shardline-container.js'
export type { AwsClientConfig, ClientOptions } from './shardline-container.js'
