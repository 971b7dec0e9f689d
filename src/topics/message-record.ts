/**
 * A topic message's record in the topic's stream: the message as published, as JSON.
 * (A publish carries free text, a subject and attributes; JSON keeps the record readable
 * through the stream API, which is how a topic's archive is inspected.)
 */
import type { PublishedMessage } from './topic-model.js'

export function encodePublished (message: PublishedMessage): Buffer {
  return Buffer.from(JSON.stringify(message), 'utf8')
}

export function decodePublished (data: Uint8Array): PublishedMessage {
  return JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')) as PublishedMessage
}
