/**
 * Read-ahead for GetRecords. A consumer draining a shard asks for the next page only after
 * it has received and parsed the last one, so with one read per call the storage read sits
 * idle while the page travels and is parsed, and the consumer idles while the next page is
 * read. After a page that came back full, the next page is read at once, and the call
 * that follows takes it instead of reading.
 *
 * Correctness rests on one property of the log: records are appended, in position order,
 * and a committed record never changes. A prefetched run of records therefore stays exactly
 * the records from its start position up to its last one; only records committed after the
 * read can follow it. So a call takes its page from the run, and if its page would use the
 * run up (the run may have ended at what was then the shard's tail), it reads what follows
 * the run from storage to complete it: nothing committed since is missed. The prefetch
 * reads up to one record past the byte cap of the call that caused it, so the same call
 * repeated on a shard with more to read is served from the run alone.
 *
 * A prefetch is keyed by the position the call asks for (its iterator's) and is used once.
 * Where the retention horizon has moved past that position, the read starts at the
 * horizon instead; the run serves a later call only if that call's start is not before
 * the run's, and then without the records the horizon has passed since. Memory stays bounded:
 * at most PREFETCH_BUDGET_BYTES of prefetches are held, each dropped unused after
 * PREFETCH_TTL_MS.
 */
import { comparePositions, type ShardPosition } from '../storage/record-key.js'
import type { StoredRecord } from '../storage/store.js'
import { MIB } from './shard-throttle.js'

/** Held prefetches, counted by the byte cap each was read with: about three 10 MiB pages. */
const PREFETCH_BUDGET_BYTES = 32 * MIB
/** A consumer asks again within milliseconds of a full page; one that does not, gets no prefetch. */
const PREFETCH_TTL_MS = 2_000
/** The largest record: 1 MiB of data plus a 256-character key (ASCII; a rare larger key only makes a miss). */
export const MAX_RECORD_BYTES = MIB + 256

export interface PrefetchedPage {
  readonly records: StoredRecord[]
  /** Their data plus partition key bytes. */
  readonly bytes: number
  /** The shard's `sealed` flag as it was before the prefetch read (see RecordReader.readPage). */
  readonly sealed: boolean
  /**
   * True if the limit or byte cap ended the page inside the run. False if the page used
   * the run up: what follows its last record must then be read to complete it.
   */
  readonly complete: boolean
}

interface Entry {
  /** Where the read started: the asked-for position, or the retention horizon past it. */
  readonly from: ShardPosition
  readonly records: Promise<StoredRecord[] | undefined>
  readonly sealed: boolean
  readonly budget: number
  readonly timer: NodeJS.Timeout
}

function keyOf (streamId: number, shard: number, position: ShardPosition): string {
  return `${streamId}/${shard}/${position.ts}/${position.counter}`
}

/** A record's bytes as GetRecords counts them: data plus partition key. */
export function recordBytes (record: StoredRecord): number {
  return record.data.byteLength + Buffer.byteLength(record.partitionKey)
}

export class ReadAhead {
  private readonly entries = new Map<string, Entry>()
  private held = 0

  /**
   * Starts reading the page after one that came back full, unless the budget is spent.
   * `read` gets the limit and byte cap to read with.
   */
  start (streamId: number, shard: number, position: ShardPosition, from: ShardPosition, limit: number, maxBytes: number, sealed: boolean,
    read: (limit: number, maxBytes: number) => Promise<StoredRecord[]>): void {
    const key = keyOf(streamId, shard, position)
    const budget = maxBytes + MAX_RECORD_BYTES
    if (this.entries.has(key) || this.held + budget > PREFETCH_BUDGET_BYTES) return
    // A failed read is not an error anyone waits for: the call that would take it reads afresh.
    const records = read(limit, budget).catch(() => undefined)
    const timer = setTimeout(() => this.drop(key), PREFETCH_TTL_MS)
    // A pending prefetch must not keep a stopping server's event loop alive.
    timer.unref()
    this.entries.set(key, { from, records, sealed, budget, timer })
    this.held += budget
  }

  /**
   * The page asked for at `position` and starting at `from`, with this limit and byte cap,
   * as far as a prefetch covers it; undefined if there is none, its read failed, or it
   * started after `from` (the retention period grew since): read from storage.
   */
  async take (streamId: number, shard: number, position: ShardPosition, from: ShardPosition, limit: number, maxBytes: number): Promise<PrefetchedPage | undefined> {
    const key = keyOf(streamId, shard, position)
    const entry = this.entries.get(key)
    if (entry === undefined) return undefined
    this.drop(key)
    if (comparePositions(from, entry.from) < 0) return undefined
    const run = await entry.records
    if (run === undefined) return undefined
    const records: StoredRecord[] = []
    let bytes = 0
    let skip = 0
    // Records the retention horizon has passed since the prefetch are not returned.
    while (skip < run.length && comparePositions(run[skip]!, from) < 0) skip++
    for (let i = skip; i < run.length; i++) {
      const record = run[i]!
      if (records.length === limit) return { records, bytes, sealed: entry.sealed, complete: true }
      const size = recordBytes(record)
      // The storage read's rule: stop before the cap, but always return at least one record.
      if (records.length > 0 && bytes + size > maxBytes) return { records, bytes, sealed: entry.sealed, complete: true }
      bytes += size
      records.push(record)
    }
    // The page used the whole run: unless it is full, records committed since the
    // prefetch may follow it.
    return { records, bytes, sealed: entry.sealed, complete: records.length === limit }
  }

  /** Prefetches held, for tests and diagnostics. */
  get size (): number {
    return this.entries.size
  }

  private drop (key: string): void {
    const entry = this.entries.get(key)
    if (entry === undefined) return
    clearTimeout(entry.timer)
    this.entries.delete(key)
    this.held -= entry.budget
  }
}
