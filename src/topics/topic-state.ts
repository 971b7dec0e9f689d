/**
 * A topic's projection: its attributes, tags and subscriptions (with their cursors), as
 * its state log's events leave them. The live operations and a restart's replay apply
 * events through the same `apply`, so the two cannot drift apart.
 */
import type { TopicEvent } from './topic-events.js'
import type { SubscriptionState } from './topic-model.js'

export interface TopicSnapshot {
  readonly v: 1
  readonly at: number
  /** Position [ts, counter] of the last state-log record the snapshot includes. */
  readonly log: [number, number] | null
  /** Position of the topic's last message when the snapshot was taken. */
  readonly tail: [number, number]
  readonly attributes: Record<string, string>
  readonly tags: Record<string, string>
  readonly subscriptions: SubscriptionState[]
  readonly deleted: number
}

/** Moves a cursor forward only (an older position is ignored), ending a replay once it is back where it started. */
export function moveCursor (sub: SubscriptionState, to: readonly [number, number]): void {
  // `to` may be shared by many subscriptions: cursors are replaced, never changed in place.
  if (to[0] > sub.cursor[0] || (to[0] === sub.cursor[0] && to[1] > sub.cursor[1])) sub.cursor = to as [number, number]
  const resume = sub.replay?.resume
  if (resume !== undefined && (sub.cursor[0] > resume[0] || (sub.cursor[0] === resume[0] && sub.cursor[1] >= resume[1]))) sub.replay = undefined
}

export class TopicState {
  attributes: Record<string, string> = {}
  tags: Record<string, string> = {}
  readonly subscriptions = new Map<string, SubscriptionState>()
  /** Subscriptions removed since the topic was created (SubscriptionsDeleted). */
  deleted = 0

  apply (event: TopicEvent): void {
    switch (event.e) {
      case 'created':
        this.attributes = { ...event.attributes }
        this.tags = { ...event.tags }
        return
      case 'attribute':
        if (event.value === undefined) delete this.attributes[event.name]
        else this.attributes[event.name] = event.value
        return
      case 'tags':
        if (event.set !== undefined) this.tags = { ...this.tags, ...event.set }
        for (const key of event.remove ?? []) delete this.tags[key]
        return
      case 'subscribed':
        this.subscriptions.set(event.id, {
          id: event.id,
          protocol: event.protocol,
          endpoint: event.endpoint,
          owner: event.owner,
          status: event.confirmed ? 'confirmed' : 'pending',
          ...(event.token === undefined ? {} : { token: event.token }),
          attributes: { ...event.attributes },
          cursor: [...event.cursor],
          createdAt: event.at
        })
        return
      case 'confirmed': {
        const sub = this.subscriptions.get(event.id)
        if (sub !== undefined) sub.status = 'confirmed'
        return
      }
      case 'unsubscribed':
        if (this.subscriptions.delete(event.id)) this.deleted++
        return
      case 'subscription-attribute': {
        const sub = this.subscriptions.get(event.id)
        if (sub === undefined) return
        if (event.value === undefined) delete sub.attributes[event.name]
        else sub.attributes[event.name] = event.value
        return
      }
      case 'replay': {
        const sub = this.subscriptions.get(event.id)
        if (sub === undefined) return
        sub.cursor = [...event.from]
        sub.replay = { ...(event.until === undefined ? {} : { until: event.until }), resume: [...event.resume] }
        return
      }
      case 'cursor':
        for (const [id, ts, counter] of event.c) {
          const sub = this.subscriptions.get(id)
          if (sub !== undefined) moveCursor(sub, [ts, counter])
        }
    }
  }

  counts (): { confirmed: number, pending: number, deleted: number } {
    let confirmed = 0
    let pending = 0
    for (const sub of this.subscriptions.values()) {
      if (sub.status === 'confirmed') confirmed++
      else pending++
    }
    return { confirmed, pending, deleted: this.deleted }
  }

  snapshot (log: [number, number] | null, tail: [number, number], at: number): TopicSnapshot {
    return {
      v: 1,
      at,
      log,
      tail,
      attributes: { ...this.attributes },
      tags: { ...this.tags },
      subscriptions: [...this.subscriptions.values()].map((s) => ({ ...s, attributes: { ...s.attributes }, cursor: [...s.cursor], ...(s.replay === undefined ? {} : { replay: { ...s.replay, resume: [...s.replay.resume] as [number, number] } }) })),
      deleted: this.deleted
    }
  }

  restore (snap: TopicSnapshot): void {
    this.attributes = { ...snap.attributes }
    this.tags = { ...snap.tags }
    for (const s of snap.subscriptions) this.subscriptions.set(s.id, { ...s, attributes: { ...s.attributes }, cursor: [...s.cursor] })
    this.deleted = snap.deleted
  }
}
