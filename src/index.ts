/**
 * shardline, embeddable: `createServer(options)` starts a server in this process.
 */
export { createServer, type ShardlineServer } from './server.js'
export type { ServerOptions, LogLevel } from './config.js'
export type { Clock } from './clock.js'
export { ERROR_CODES, ServiceError, type ErrorCode } from './errors.js'
