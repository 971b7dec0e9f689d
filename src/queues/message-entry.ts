/**
 * The two forms a message takes in a queue's memory: a Tracked entry (a message with state
 * beyond "never received": delayed, in flight, or received and visible again) and a
 * Buffered one (a never-received message read ahead from the stream, with its record).
 * Every other message lives only in LevelDB.
 */

export type TrackedState = 'delayed' | 'inflight' | 'visible'

export class Tracked {
  receiveCount = 0
  firstReceiveTs = 0
  /** The receive sequence of the latest receipt handle (0: never received). */
  seq = 0
  /** Visibility deadline (ms) of the latest receive. */
  deadline = 0
  /** When the latest handle was issued: visibility may reach 12 h past it. */
  receivedAt = 0
  /** End of the send delay (ms); 0 for none. */
  visibleAt = 0
  state: TrackedState = 'visible'
  /** Taken by a receive that is still reading the message back; see QueueState.reserve. */
  pending = false
  /** The latest receipt handle as issued (checking it again would cost an HMAC). */
  handle: string | undefined

  constructor (readonly counter: number, readonly ts: number, readonly group: string | undefined) {}
}

export interface Buffered {
  readonly counter: number
  readonly ts: number
  readonly group: string | undefined
  /** The record's data (message-codec.ts). */
  readonly data: Buffer
}

/** What a receive takes: a tracked message (its record read back on delivery) or a buffered one. */
export type Candidate =
  | { readonly kind: 'tracked', readonly counter: number, readonly ts: number, readonly group: string | undefined, readonly entry: Tracked }
  | { readonly kind: 'buffered', readonly counter: number, readonly ts: number, readonly group: string | undefined, readonly message: Buffered }

export function trackedCandidate (entry: Tracked): Candidate {
  return { kind: 'tracked', counter: entry.counter, ts: entry.ts, group: entry.group, entry }
}

export function bufferedCandidate (message: Buffered): Candidate {
  return { kind: 'buffered', counter: message.counter, ts: message.ts, group: message.group, message }
}
