export { StreamClient, DEFAULT_DEADLINE_MS } from './stream-client.js'
export type { StreamClientOptions, CallOptions } from './stream-client.js'
export { ShardlineError, isShardlineError } from './errors.js'
export type * from './types.js'
