/**
 * The outbox: where deliveries to email, email-json, sms, application (mobile push) and
 * firehose endpoints go, since shardline sends no mail, SMS or push. Tests and users read
 * it over gRPC (ListOutbox) and with an HTTP GET (/_shardline/sns/outbox).
 *
 * It is durable: each entry is a document (`sns-outbox/<account>/<region>/<seq>`) written
 * in the batch that does what delivered it (a subscription's cursor moving past the
 * message, a direct Publish), so a restart, or a crash after the publish was acknowledged,
 * neither loses a delivery nor records it twice. Each account and region keeps its newest
 * OUTBOX_ENTRIES_PER_SCOPE entries: the batch that adds one past the bound deletes the
 * oldest. An entry is listed once its batch is committed.
 */
import type { Scope } from '../scope.js'
import type { Store, WriteBatch } from '../storage/store.js'
import type { RecordWriter } from '../streams/record-writer.js'
import type { OutboxEntry } from './topic.js'

export const OUTBOX_ENTRIES_PER_SCOPE = 10_000
const PREFIX = 'sns-outbox/'

interface Held {
  readonly seq: number
  readonly key: string
  readonly entry: OutboxEntry
  committed: boolean
}

export interface OutboxFilter {
  readonly endpoint?: string | undefined
  readonly topicArn?: string | undefined
  readonly protocol?: string | undefined
}

/** A sequence number as a fixed-width key part, so documents list in delivery order. */
function seqKey (seq: number): string {
  return String(seq).padStart(16, '0')
}

export class Outbox {
  /** Per scope key, oldest first. */
  private readonly byScope = new Map<string, Held[]>()
  private next = 0

  private constructor (private readonly writer: RecordWriter) {}

  static async load (store: Store, writer: RecordWriter): Promise<Outbox> {
    const outbox = new Outbox(writer)
    for (const [key, entry] of await store.listDocuments<OutboxEntry>(PREFIX)) {
      const slash = key.lastIndexOf('/')
      const seq = Number(key.slice(slash + 1))
      const scopeKey = key.slice(PREFIX.length, slash)
      let held = outbox.byScope.get(scopeKey)
      if (held === undefined) outbox.byScope.set(scopeKey, held = [])
      held.push({ seq, key, entry, committed: true })
      outbox.next = Math.max(outbox.next, seq + 1)
    }
    return outbox
  }

  /**
   * Stages an entry (and the removal of what falls past the bound) into `batch`; the
   * returned function, run once the batch is committed, makes it visible.
   */
  stage (batch: WriteBatch, scope: Scope, entry: OutboxEntry): () => void {
    const seq = this.next++
    const held: Held = { seq, key: `${PREFIX}${scope.key}/${seqKey(seq)}`, entry, committed: false }
    let list = this.byScope.get(scope.key)
    if (list === undefined) this.byScope.set(scope.key, list = [])
    list.push(held)
    batch.putDocument(held.key, entry)
    while (list.length > OUTBOX_ENTRIES_PER_SCOPE) batch.deleteDocument(list.shift()!.key)
    return () => { held.committed = true }
  }

  /** Records an entry on its own; resolves once it is durable. */
  async add (scope: Scope, entry: OutboxEntry): Promise<void> {
    const staged = this.writer.stage()
    const visible = this.stage(staged.batch, scope, entry)
    await staged.commit(visible)
  }

  /** Entries in delivery order, optionally only those of one endpoint, topic or protocol. */
  list (filter: OutboxFilter = {}): OutboxEntry[] {
    const out: Held[] = []
    for (const list of this.byScope.values()) {
      for (const h of list) {
        const e = h.entry
        if (h.committed &&
          (filter.endpoint === undefined || e.endpoint === filter.endpoint) &&
          (filter.topicArn === undefined || e.topicArn === filter.topicArn) &&
          (filter.protocol === undefined || e.protocol === filter.protocol)) out.push(h)
      }
    }
    return out.sort((a, b) => a.seq - b.seq).map((h) => h.entry)
  }
}
