/**
 * The events of a topic's state log (`__topic-log.<name>`): its whole control plane and
 * its subscriptions' progress. Each is appended in the same commit as the change it
 * records, before the call that made it is answered; a delivery into an SQS queue appends
 * its `cursor` event in the same LevelDB batch as the queue's message, so a restart can
 * neither lose nor repeat it. Publishes are not events: the topic's message stream is
 * that. Each record's data is one event as JSON, its partition key the event name.
 */

export type TopicEvent =
  /** The first event: the attributes and tags CreateTopic gave. */
  | { readonly e: 'created', readonly at: number, readonly attributes: Record<string, string>, readonly tags: Record<string, string> }
  /** A topic attribute set (undefined value: removed). */
  | { readonly e: 'attribute', readonly at: number, readonly name: string, readonly value?: string | undefined }
  | { readonly e: 'tags', readonly at: number, readonly set?: Record<string, string> | undefined, readonly remove?: string[] | undefined }
  | {
    readonly e: 'subscribed'
    readonly at: number
    readonly id: string
    readonly protocol: string
    readonly endpoint: string
    readonly owner: string
    readonly confirmed: boolean
    readonly token?: string | undefined
    readonly attributes: Record<string, string>
    /** Position [ts, counter] of the topic's last message when it subscribed: delivery starts after it. */
    readonly cursor: [number, number]
  }
  | { readonly e: 'confirmed', readonly at: number, readonly id: string }
  | { readonly e: 'unsubscribed', readonly at: number, readonly id: string }
  | { readonly e: 'subscription-attribute', readonly at: number, readonly id: string, readonly name: string, readonly value?: string | undefined }
  /**
   * A replay (ReplayPolicy): the cursor moves back to `from`; messages published after
   * `until` (ms) are skipped until the cursor is back at `resume`, where it was.
   */
  | { readonly e: 'replay', readonly at: number, readonly id: string, readonly from: [number, number], readonly until?: number | undefined, readonly resume: [number, number] }
  /** Subscriptions done with the topic's messages up to these positions: [id, ts, counter]. */
  | { readonly e: 'cursor', readonly at: number, readonly c: Array<[string, number, number]> }

export function encodeTopicEvent (event: TopicEvent): Buffer {
  return Buffer.from(JSON.stringify(event), 'utf8')
}

export function decodeTopicEvent (data: Uint8Array): TopicEvent {
  return JSON.parse(Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8')) as TopicEvent
}
