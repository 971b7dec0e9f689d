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
 * A transport may also render the run ahead (the HTTP API's JSON, with its base64 data),
 * batch by batch as the records are read: the rendering is made while the consumer parses
 * the previous page, a time the server would otherwise idle, and a page served wholly from
 * the run is written from it.
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
import type { RecordLabels } from './encryption.js'
import { MIB } from './shard-throttle.js'

/**
 * Held prefetches, counted by the byte cap each is read with until it is read, then by
 * the memory it holds (see held()): five 10 MiB pages being read, or two being rendered;
 * many more small ones.
 */
const PREFETCH_BUDGET_BYTES = 64 * MIB
/** JSON with base64 data is about 1.4 times the records' bytes, held beside them. */
const RENDERED_EXTRA = 1.5

/**
 * What a read run holds: the storage buffers its records' data are views of (a record
 * read from a segment keeps the whole segment, up to 64 KiB, however small it is; each
 * buffer is counted once), and its rendering, if any.
 */
function held (records: readonly StoredRecord[], runBytes: number, rendered: boolean): number {
  const buffers = new Set<ArrayBufferLike>()
  let bytes = 0
  for (const record of records) {
    const buffer = record.data.buffer
    if (!buffers.has(buffer)) {
      buffers.add(buffer)
      bytes += buffer.byteLength
    }
  }
  return Math.max(bytes, runBytes) + (rendered ? runBytes * RENDERED_EXTRA : 0)
}
/** A consumer asks again within milliseconds of a full page; one that does not, gets no prefetch. */
const PREFETCH_TTL_MS = 2_000
/**
 * The largest record of a stream at AWS's default size: 1 MiB of data plus a 256-character
 * key (ASCII; a rare larger key only makes a miss). A stream whose records may be larger
 * (UpdateMaxRecordSize, up to 10 MiB) says so: see Stream.largestRecordBytes.
 */
export const MAX_RECORD_BYTES = MIB + 256

/** Marks a GetRecords output's `records` array with its rendering (a transport writes it as is). */
export const RENDERED_RECORDS = Symbol('shardline.renderedRecords')

/** How a transport renders records ahead. */
export interface PageRenderer {
  /** A rendering of one run, to which its records are added in order as they are read. */
  begin (): RunRendering
}

export interface RunRendering {
  /** `labels`: the records' encryption, which a record's rendering carries (encryption.ts). */
  add (records: readonly StoredRecord[], sequenceNumbers: readonly string[], labels: RecordLabels): void
  finish (): RenderedRun
}

export interface RenderedRun {
  /** The rendering of the run's first `count` records. */
  prefix (count: number): unknown
}

export interface PrefetchedPage {
  readonly records: StoredRecord[]
  /** The records' sequence numbers, worked out while they were read. */
  readonly sequenceNumbers: string[]
  /** Their data plus partition key bytes. */
  readonly bytes: number
  /** The shard's `sealed` flag as it was before the prefetch read (see RecordReader.readPage). */
  readonly sealed: boolean
  /**
   * True if the limit or byte cap ended the page inside the run. False if the page used
   * the run up: what follows its last record must then be read to complete it.
   */
  readonly complete: boolean
  /** The records rendered by the renderer the prefetch was started with, if the page is complete. */
  readonly rendered?: unknown
}

interface Entry {
  /** Where the read started: the asked-for position, or the retention horizon past it. */
  readonly from: ShardPosition
  readonly records: Promise<StoredRecord[] | undefined>
  /** The run's sequence numbers and sizes, filled in batch by batch as it is read. */
  readonly sequenceNumbers: string[]
  readonly sizes: number[]
  readonly rendered: Promise<RenderedRun | undefined> | undefined
  /** Whose rendering `rendered` is: only a call by the same transport may write it. */
  readonly renderer: PageRenderer | undefined
  readonly sealed: boolean
  /** What the entry counts against the budget: its byte cap while read, then what it holds. */
  budget: number
  /** Drops the entry unused; set once the read has settled. */
  timer: NodeJS.Timeout | undefined
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
   * `read` gets the limit and byte cap to read with, and a callback for each batch read
   * (the store's onBatch), whose sequence numbers `numbers` works out and encryption
   * `labels`; `renderer`, if given, renders the batches. `largestRecord`: the bytes the
   * stream's largest record may have, for the read's cap and what it is charged in flight.
   */
  start (streamId: number, shard: number, position: ShardPosition, from: ShardPosition, limit: number, maxBytes: number, sealed: boolean,
    read: (limit: number, maxBytes: number, onBatch: (records: StoredRecord[], sizes: number[]) => void) => Promise<StoredRecord[]>,
    numbers: (records: readonly StoredRecord[]) => string[], renderer?: PageRenderer, labels: (records: readonly StoredRecord[]) => RecordLabels = () => undefined,
    largestRecord = MAX_RECORD_BYTES): void {
    const key = keyOf(streamId, shard, position)
    // One record past the page, so that a page the cap cut short is known to be complete.
    const cap = maxBytes + largestRecord
    // A small limit cannot fill the cap: it is charged what it can hold at most.
    const most = Math.min(cap, limit * largestRecord)
    const budget = renderer === undefined ? most : most * (1 + RENDERED_EXTRA)
    if (this.entries.has(key) || this.held + budget > PREFETCH_BUDGET_BYTES) return
    const sequenceNumbers: string[] = []
    const sizes: number[] = []
    let runBytes = 0
    let run: RunRendering | undefined
    try {
      run = renderer?.begin()
    } catch {
      // No rendering then; the page is written the ordinary way.
      run = undefined
    }
    let failed = false
    const onBatch = (batch: StoredRecord[], batchSizes: number[]): void => {
      try {
        const batchNumbers = numbers(batch)
        for (const n of batchNumbers) sequenceNumbers.push(n)
        for (const size of batchSizes) {
          sizes.push(size)
          runBytes += size
        }
        if (run !== undefined) run.add(batch, batchNumbers, labels(batch))
      } catch {
        // The run is not used; the call that would take it reads afresh.
        failed = true
      }
    }
    // A failed read is not an error anyone waits for either; nor is one that did not hand
    // over every record (it must), whose numbers and sizes would not line up.
    const records = read(limit, cap, onBatch).then((got) => failed || sizes.length !== got.length ? undefined : got, () => undefined)
    const rendered = run === undefined
      ? undefined
      : records.then((got) => got === undefined || run === undefined ? undefined : run.finish()).catch(() => undefined)
    const entry: Entry = { from, records, sequenceNumbers, sizes, rendered, renderer: run === undefined ? undefined : renderer, sealed, budget, timer: undefined }
    this.entries.set(key, entry)
    this.held += budget
    void records.then((got) => {
      // Once read, an entry counts what it holds, and its time to be taken starts (a slow
      // read is not dropped before anyone could take it). One already taken counts nothing.
      if (this.entries.get(key) !== entry) return
      const holds = got === undefined ? 0 : held(got, runBytes, entry.renderer !== undefined)
      this.held += holds - entry.budget
      entry.budget = holds
      entry.timer = setTimeout(() => this.drop(key), PREFETCH_TTL_MS)
      // A held prefetch must not keep a stopping server's event loop alive.
      entry.timer.unref()
    })
  }

  /**
   * The page asked for at `position` and starting at `from`, with this limit and byte cap,
   * as far as a prefetch covers it; undefined if there is none, its read failed, or it
   * started after `from` (the retention period grew since): read from storage.
   */
  async take (streamId: number, shard: number, position: ShardPosition, from: ShardPosition, limit: number, maxBytes: number, renderer?: PageRenderer): Promise<PrefetchedPage | undefined> {
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
    for (let i = skip; i < run.length && records.length < limit; i++) {
      const size = entry.sizes[i]!
      // The storage read's rule: stop before the cap, but always return at least one record.
      if (records.length > 0 && bytes + size > maxBytes) break
      bytes += size
      records.push(run[i]!)
    }
    // A page that used the whole run without filling up may go on past it: records
    // committed since the prefetch may follow.
    const complete = records.length === limit || records.length < run.length - skip
    // A rendering is written only by its own transport (another would not understand it:
    // a gRPC or CBOR call may take a run the JSON API's GetShardIterator started), and it
    // starts at the run's first record, so it serves only pages that do too.
    const rendered = complete && skip === 0 && renderer !== undefined && entry.renderer === renderer ? (await entry.rendered)?.prefix(records.length) : undefined
    const sequenceNumbers = entry.sequenceNumbers.slice(skip, skip + records.length)
    return { records, sequenceNumbers, bytes, sealed: entry.sealed, complete, ...(rendered === undefined ? {} : { rendered }) }
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
