/**
 * A promise-based client of shardline.v1.LeaseService: the lease table a KCL-style
 * consumer group coordinates through. Every method rejects with a ShardlineError; a
 * LEASE_COUNTER_MISMATCH carries the lease as it is now in `currentLease`.
 */
import type { ServiceError } from '@grpc/grpc-js'
import { ShardlineError, toShardlineError } from './errors.js'
import { GrpcClient, type CallOptions, type StreamClientOptions } from './grpc-client.js'
import type {
  CreateLeaseIfAbsentInput,
  CreateLeaseIfAbsentOutput,
  DeleteLeaseInput,
  DeleteLeaseOutput,
  Lease,
  ListLeasesInput,
  ListLeasesOutput,
  UpdateLeaseInput,
  UpdateLeaseOutput,
  WatchLeasesInput
} from './lease-types.js'
import { LeaseWatch } from './lease-watch.js'
import { toLease } from './lease-wire.js'
import { decodeLeaseMessage, leaseMethod, leaseService, type LeaseMethodName } from './proto.js'
import type { Wire } from './responses.js'

/** Binary trailing metadata of a LEASE_COUNTER_MISMATCH: the current lease, encoded. */
const CURRENT_LEASE_KEY = 'shardline-current-lease-bin'

export type LeaseClientOptions = StreamClientOptions

/** The current lease attached to a failed write, if the server sent one. */
function currentLeaseOf (err: unknown): Lease | undefined {
  const value = (err as Partial<ServiceError> | undefined)?.metadata?.get(CURRENT_LEASE_KEY)[0]
  if (!(value instanceof Uint8Array)) return undefined
  return toLease(decodeLeaseMessage(value) as Wire<Lease>)
}

function toLeaseError (err: unknown): ShardlineError {
  const error = toShardlineError(err)
  const currentLease = error.code === 'LEASE_COUNTER_MISMATCH' ? currentLeaseOf(error.cause) : undefined
  return currentLease === undefined ? error : new ShardlineError(error.cause, { currentLease })
}

type Message = Record<string, unknown>

export class LeaseClient extends GrpcClient {
  constructor (options: LeaseClientOptions) {
    super(options, 'LeaseClient', false)
    // Loading here makes a missing proto file fail at construction rather than on first use.
    leaseService()
  }

  /** Creates the lease unless one with that key exists; either way returns the lease in the table. */
  createLeaseIfAbsent (input: CreateLeaseIfAbsentInput, options?: CallOptions): Promise<CreateLeaseIfAbsentOutput> {
    return this.#unary('CreateLeaseIfAbsent', input, (wire) => ({
      lease: toLease((wire.lease ?? {}) as Wire<Lease>),
      created: wire.created === true,
      serverTimeMs: Number(wire.serverTimeMs ?? 0)
    }), options)
  }

  /** Compare-and-set on leaseCounter; applies the fields given. */
  updateLease (input: UpdateLeaseInput, options?: CallOptions): Promise<UpdateLeaseOutput> {
    const { childShardIds, ...rest } = input
    const request = childShardIds === undefined ? rest : { ...rest, childShardIds: { shardIds: childShardIds } }
    return this.#unary('UpdateLease', request, (wire) => ({
      lease: toLease((wire.lease ?? {}) as Wire<Lease>),
      serverTimeMs: Number(wire.serverTimeMs ?? 0)
    }), options)
  }

  /** Compare-and-set on leaseCounter, then removes the lease. */
  deleteLease (input: DeleteLeaseInput, options?: CallOptions): Promise<DeleteLeaseOutput> {
    return this.#unary('DeleteLease', input, (wire) => ({ serverTimeMs: Number(wire.serverTimeMs ?? 0) }), options)
  }

  listLeases (input: ListLeasesInput, options?: CallOptions): Promise<ListLeasesOutput> {
    return this.#unary('ListLeases', input, (wire) => ({
      leases: ((wire.leases ?? []) as Array<Wire<Lease>>).map(toLease),
      serverTimeMs: Number(wire.serverTimeMs ?? 0)
    }), options)
  }

  /**
   * Every change to a lease table as it commits, as an async iterable. The call opens when
   * iteration starts and runs until cancelled (no deadline applies); a server shutdown ends
   * it with SHUTTING_DOWN, which is retriable.
   */
  watchLeases (input: WatchLeasesInput): LeaseWatch {
    this.assertOpen()
    const definition = leaseMethod('WatchLeases')
    return new LeaseWatch(() => this.openServerStream(definition, input))
  }

  #unary<R> (method: LeaseMethodName, request: object, decode: (wire: Message) => R, options?: CallOptions): Promise<R> {
    return this.unaryCall(leaseMethod(method), () => request, decode, options, toLeaseError)
  }
}
