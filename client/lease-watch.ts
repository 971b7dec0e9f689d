/**
 * WatchLeases as an async iterable of changes (see ServerStream for when the call starts
 * and how a slow reader is bounded).
 */
import type { ClientReadableStream } from '@grpc/grpc-js'
import type { LeaseChange } from './lease-types.js'
import { toLeaseChange } from './lease-wire.js'
import type { Wire } from './responses.js'
import { ServerStream } from './server-stream.js'

export class LeaseWatch extends ServerStream<LeaseChange> {
  constructor (open: () => ClientReadableStream<object>) {
    super(open, (wire) => toLeaseChange(wire as Wire<LeaseChange>))
  }
}
