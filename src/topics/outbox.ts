/**
 * The outbox: where deliveries to email, email-json, sms, application (mobile push) and
 * firehose endpoints go, since shardline sends no mail, SMS or push. Tests and users read
 * it over gRPC (ListOutbox) and with an HTTP GET (/_shardline/sns/outbox). It is kept in
 * memory, the newest MAX_ENTRIES entries; it is an inspection aid, not a mailbox.
 */
import type { OutboxEntry } from './topic.js'

const MAX_ENTRIES = 10_000

export class Outbox {
  private entries: OutboxEntry[] = []

  add (entry: OutboxEntry): void {
    this.entries.push(entry)
    if (this.entries.length > MAX_ENTRIES) this.entries = this.entries.slice(-MAX_ENTRIES)
  }

  /** Entries in delivery order, optionally only those of one endpoint, topic or protocol. */
  list (filter: { endpoint?: string | undefined, topicArn?: string | undefined, protocol?: string | undefined } = {}): OutboxEntry[] {
    return this.entries.filter((e) =>
      (filter.endpoint === undefined || e.endpoint === filter.endpoint) &&
      (filter.topicArn === undefined || e.topicArn === filter.topicArn) &&
      (filter.protocol === undefined || e.protocol === filter.protocol))
  }

  clear (): void {
    this.entries = []
  }
}
