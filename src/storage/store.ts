/**
 * The storage surface the domain sees. It is deliberately small (append and read per
 * shard, documents by key, compare-and-set on lease keys) so that another backend can
 * replace LevelDB later without the domain changing.
 */
import type { ShardPosition } from './record-key.js'

export interface StoredRecord extends ShardPosition {
  readonly partitionKey: string
  readonly data: Buffer
}

export interface ReadRange {
  readonly streamId: number
  readonly shard: number
  /** First position to return (inclusive). */
  readonly from: ShardPosition
  readonly limit: number
  /** Stop once this many bytes of data and partition keys have been collected. */
  readonly maxBytes: number
  /**
   * Called with each batch of the records returned, in order, and their sizes as
   * `maxBytes` counts them, while the next batch is being read (so work on a batch
   * overlaps the read of the next). It must not throw.
   */
  readonly onBatch?: ((records: StoredRecord[], sizes: number[]) => void) | undefined
}

/** A value in a compare-and-set keyspace, with the revision its writer gave it. */
export interface Versioned<T> {
  /** At least 1; a key that does not exist has revision 0. */
  readonly revision: number
  readonly value: T
}

/** A failed compare-and-set reports what is stored now (undefined: nothing). */
export type CasOutcome<T> =
  | { readonly ok: true }
  | { readonly ok: false, readonly current: Versioned<T> | undefined }

/** Operations committed atomically together. */
export interface WriteBatch {
  putRecord (streamId: number, shard: number, ts: number, counter: number, partitionKey: string, data: Uint8Array): void
  putDocument (key: string, doc: unknown): void
  deleteDocument (key: string): void
  readonly size: number
}

export interface Store {
  readonly persistent: boolean
  /** A new, empty batch; nothing happens until it is committed. */
  batch (): WriteBatch
  /**
   * Commits the batch. Batches submitted in the same event-loop turn are written as one
   * LevelDB batch; the promise settles only once that write has finished.
   * `onCommitted` runs synchronously right after the write, before any waiter resumes.
   */
  commit (batch: WriteBatch, onCommitted?: () => void): Promise<void>
  readRecords (range: ReadRange): Promise<StoredRecord[]>
  /** The position of the newest record in a shard, if any. */
  lastPosition (streamId: number, shard: number): Promise<ShardPosition | undefined>
  /** Deletes every record of a shard older than `beforeTs`. */
  trimRecords (streamId: number, shard: number, beforeTs: number): Promise<void>
  /** Deletes every record of a stream. */
  dropRecords (streamId: number): Promise<void>
  getDocument<T> (key: string): Promise<T | undefined>
  /** Documents whose keys start with `prefix`, in key order. */
  listDocuments<T> (prefix: string): Promise<Array<[string, T]>>
  /** Every entry of one lease table, in key order. */
  listLeases<T> (table: string): Promise<Array<Versioned<T>>>
  /**
   * Compare-and-set on one lease: writes `next` (or deletes the key when `next` is null)
   * only if the stored revision is `expectedRevision` (0: the key must not exist). Calls on
   * one key are applied one at a time; the promise settles once the write is durable
   * (group-committed like every other write).
   */
  compareAndSetLease<T> (table: string, key: string, expectedRevision: number, next: Versioned<T> | null): Promise<CasOutcome<T>>
  /**
   * Moves every lease of each table `rename` gives a new name for (undefined: leave it) to
   * that name, in one atomic write. For changes of the storage layout, while nothing else
   * writes leases.
   */
  renameLeaseTables (rename: (table: string) => string | undefined): Promise<void>
  /** Waits for every submitted batch to be written. */
  drain (): Promise<void>
  close (): Promise<void>
}
