/**
 * Which stream states an operation accepts, and what a call on a stream in another
 * state is answered.
 */
import { ServiceError } from '../errors.js'
import type { Stream, StreamStatus } from './stream-model.js'

/**
 * `subscribable` is `mutable` for what reads: registering an enhanced fan-out consumer,
 * which internal streams allow. `deletable` is any state (AWS deletes a stream being
 * created), but, like the writes, not an internal stream.
 */
export type StatusRule = 'readable' | 'writable' | 'mutable' | 'subscribable' | 'deletable' | 'any'

const RULES: Record<StatusRule, readonly StreamStatus[]> = {
  any: ['CREATING', 'DELETING', 'ACTIVE', 'UPDATING'],
  // Kinesis answers data-plane calls on a stream that is not yet (or no longer) usable as
  // if it did not exist.
  readable: ['ACTIVE', 'UPDATING'],
  writable: ['ACTIVE', 'UPDATING'],
  mutable: ['ACTIVE'],
  subscribable: ['ACTIVE'],
  deletable: ['CREATING', 'DELETING', 'ACTIVE', 'UPDATING']
}

/** Whether the stream's state allows calls of `rule` (internal streams aside). */
export function statusAllows (stream: Stream, rule: StatusRule): boolean {
  return RULES[rule].includes(stream.doc.status)
}

/** Refuses a call of `rule` that the stream's kind (internal or not) or state does not allow, in AWS's words. */
export function checkStatus (stream: Stream, rule: StatusRule): void {
  const { name, scope: { accountId } } = stream
  if (stream.internal && (rule === 'writable' || rule === 'mutable' || rule === 'deletable')) {
    throw new ServiceError('STREAM_READ_ONLY', `Stream ${name} under account ${accountId} is the internal stream of a queue: it can be listed, described and read (GetShardIterator, GetRecords, SubscribeToShard), but only the queue writes, reshards or deletes it. Use the queue's own operations instead.`)
  }
  if (statusAllows(stream, rule)) return
  if (rule === 'mutable' || rule === 'subscribable') {
    throw new ServiceError('RESOURCE_IN_USE', `Stream ${name} under account ${accountId} not ACTIVE, instead in state ${stream.doc.status}`)
  }
  // Kinesis answers a data-plane call on a stream not yet (or no longer) usable as if it
  // did not exist.
  throw new ServiceError('STREAM_NOT_FOUND', `Stream ${name} under account ${accountId} not found.`)
}
