/**
 * The events of a queue's state log (`__queue-log.<name>`): one record per change of
 * message state, appended in the same commit as the change, before the call that made it
 * is answered. Sends are not events (the message stream is that), and neither is expiry
 * (time derives it). Each record's data is one event as JSON, its partition key the event
 * name; the README documents the fields.
 */

/** [counter, arrival ms, receive seq, visibility deadline ms, receive count, first receive ms, group?]. */
export type ReceivedItem = [number, number, number, number, number, number] | [number, number, number, number, number, number, string]

export interface MoveTaskState {
  readonly taskId: string
  /** The dead-letter queue the task moves from. */
  readonly sourceArn: string
  readonly destinationArn?: string | undefined
  readonly maxNumberOfMessagesPerSecond?: number | undefined
  status: 'RUNNING' | 'COMPLETED' | 'CANCELLING' | 'CANCELLED' | 'FAILED'
  moved: number
  readonly toMove: number
  readonly startedAt: number
  failureReason?: string | undefined
}

export type QueueEvent =
  | { readonly e: 'received', readonly at: number, readonly m: ReceivedItem[], readonly attempt?: string | undefined }
  /** [counter, receive seq, new deadline ms] */
  | { readonly e: 'visibility', readonly at: number, readonly m: Array<[number, number, number]> }
  | { readonly e: 'deleted', readonly at: number, readonly c: number[] }
  /** Moved out: to a dead-letter queue, or by a move task back to a source. */
  | { readonly e: 'moved', readonly at: number, readonly c: number[], readonly to: string, readonly task?: string | undefined }
  /** Every message up to and including counter `upTo` is gone. */
  | { readonly e: 'purged', readonly at: number, readonly upTo: number }
  | { readonly e: 'task', readonly at: number, readonly task: MoveTaskState }

export function encodeEvent (event: QueueEvent): Buffer {
  return Buffer.from(JSON.stringify(event), 'utf8')
}

export function decodeEvent (data: Uint8Array): QueueEvent {
  return JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')) as QueueEvent
}
