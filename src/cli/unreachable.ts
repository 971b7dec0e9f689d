import { isShardlineError } from '../../client/index.js'

/**
 * Rethrows `err`; a server that does not answer becomes one line a terminal user can act
 * on, rather than gRPC's status dump.
 */
export function rethrowUnreachable (endpoint: string, err: unknown): never {
  if (isShardlineError(err) && err.code === 'UNAVAILABLE') {
    throw new Error(`cannot reach a shardline server at ${endpoint} (start one with: shardline serve)`, { cause: err })
  }
  throw err
}
