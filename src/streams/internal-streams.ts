/**
 * Internal streams: the streams queues (and later topics) are built on. They live in the
 * stream registry like any other stream, so the stream API lists, describes and reads
 * them, but only their owner writes them: the stream API refuses every change.
 */

/** Name prefixes no user stream may take. */
export const INTERNAL_STREAM_PREFIXES = ['__queue.', '__queue-log.', '__topic.', '__topic-log.'] as const

export function isInternalStreamName (name: string): boolean {
  return INTERNAL_STREAM_PREFIXES.some((prefix) => name.startsWith(prefix))
}

/** A queue's message stream: one record per message sent (or moved) into it. */
export function queueStreamName (queueName: string): string {
  return `__queue.${queueName}`
}

/** A queue's state log: one record per change of a message's state. */
export function queueLogStreamName (queueName: string): string {
  return `__queue-log.${queueName}`
}

/** A topic's message stream: one record per message published (its archive). */
export function topicStreamName (topicName: string): string {
  return `__topic.${topicName}`
}

/** A topic's state log: its control plane (attributes, tags, subscriptions) and its subscriptions' cursors. */
export function topicLogStreamName (topicName: string): string {
  return `__topic-log.${topicName}`
}
