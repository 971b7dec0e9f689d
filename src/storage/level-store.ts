/**
 * The LevelDB store: one database (classic-level on disk, memory-level with --memory),
 * split into sublevels for records and documents.
 */
import { Level } from 'level'
import { MemoryLevel } from 'memory-level'
import type { AbstractLevel, AbstractSublevel } from 'abstract-level'
import { GroupCommit } from './group-commit.js'
import { RECORD_KEY_BYTES, decodeRecordKey, encodeRecordKey, shardEndKey, shardStartKey, streamEndKey, streamStartKey, type ShardPosition } from './record-key.js'
import { decodeRecordValue, encodeRecordValue } from './record-value.js'
import type { ReadRange, Store, StoredRecord, WriteBatch } from './store.js'

type Root = AbstractLevel<string | Buffer | Uint8Array, Buffer, Buffer>
type RecordsLevel = AbstractSublevel<Root, string | Buffer | Uint8Array, Buffer, Buffer>
type DocsLevel = AbstractSublevel<Root, string | Buffer | Uint8Array, string, unknown>

interface BatchOp {
  type: 'put' | 'del'
  sublevel: RecordsLevel | DocsLevel
  key: Buffer | string
  value?: unknown
}

export interface LevelStoreOptions {
  /** Data directory; ignored when `memory` is set. */
  readonly location: string
  readonly memory: boolean
  /** fsync every committed batch. */
  readonly sync: boolean
}

class LevelWriteBatch implements WriteBatch {
  readonly ops: BatchOp[] = []

  constructor (private readonly records: RecordsLevel, private readonly docs: DocsLevel) {}

  get size (): number {
    return this.ops.length
  }

  putRecord (streamId: number, shard: number, ts: number, counter: number, partitionKey: string, data: Uint8Array): void {
    this.ops.push({
      type: 'put',
      sublevel: this.records,
      key: encodeRecordKey(streamId, shard, ts, counter),
      value: encodeRecordValue(partitionKey, data)
    })
  }

  putDocument (key: string, doc: unknown): void {
    this.ops.push({ type: 'put', sublevel: this.docs, key, value: doc })
  }

  deleteDocument (key: string): void {
    this.ops.push({ type: 'del', sublevel: this.docs, key })
  }
}

export class LevelStore implements Store {
  readonly persistent: boolean
  private readonly records: RecordsLevel
  private readonly docs: DocsLevel
  private readonly committer: GroupCommit<BatchOp>

  private constructor (private readonly db: Root, options: LevelStoreOptions) {
    this.persistent = !options.memory
    this.records = db.sublevel<Buffer, Buffer>('records', { keyEncoding: 'buffer', valueEncoding: 'buffer' }) as unknown as RecordsLevel
    this.docs = db.sublevel<string, unknown>('docs', { keyEncoding: 'utf8', valueEncoding: 'json' }) as unknown as DocsLevel
    const batchOptions = { sync: options.sync } as never
    this.committer = new GroupCommit<BatchOp>(async (ops) => {
      // The op objects match abstract-level's batch operation shape; the cast only
      // bridges its per-sublevel generic parameters.
      await this.db.batch(ops as never, batchOptions)
    })
  }

  static async open (options: LevelStoreOptions): Promise<LevelStore> {
    const dbOptions = { keyEncoding: 'buffer', valueEncoding: 'buffer' } as const
    const db = options.memory
      ? new MemoryLevel<Buffer, Buffer>(dbOptions)
      // A larger write buffer keeps level-0 compactions from stalling sustained ingest.
      : new Level<Buffer, Buffer>(options.location, { ...dbOptions, writeBufferSize: 32 * 1024 * 1024 })
    await db.open()
    return new LevelStore(db as unknown as Root, options)
  }

  batch (): WriteBatch {
    return new LevelWriteBatch(this.records, this.docs)
  }

  commit (batch: WriteBatch, onCommitted?: () => void): Promise<void> {
    return this.committer.submit((batch as LevelWriteBatch).ops, onCommitted)
  }

  async readRecords (range: ReadRange): Promise<StoredRecord[]> {
    const { streamId, shard, from, until, limit, maxBytes } = range
    const iterator = this.records.iterator({
      gte: encodeRecordKey(streamId, shard, from.ts, from.counter),
      lt: until === undefined ? shardEndKey(streamId, shard) : encodeRecordKey(streamId, shard, until.ts, until.counter),
      limit
    })
    const out: StoredRecord[] = []
    let bytes = 0
    try {
      while (out.length < limit) {
        const entries = await iterator.nextv(Math.min(limit - out.length, 1000))
        if (entries.length === 0) break
        for (const [key, value] of entries) {
          const body = decodeRecordValue(value)
          const size = body.data.byteLength + Buffer.byteLength(body.partitionKey)
          // Always return at least one record so a reader can never be stuck.
          if (out.length > 0 && bytes + size > maxBytes) return out
          bytes += size
          const position = decodeRecordKey(key)
          out.push({ ts: position.ts, counter: position.counter, partitionKey: body.partitionKey, data: body.data as Buffer })
        }
      }
      return out
    } finally {
      await iterator.close()
    }
  }

  async lastPosition (streamId: number, shard: number): Promise<ShardPosition | undefined> {
    const keys = await this.records.keys({
      gte: shardStartKey(streamId, shard),
      lt: shardEndKey(streamId, shard),
      reverse: true,
      limit: 1
    }).all()
    const key = keys[0]
    if (key === undefined || key.byteLength !== RECORD_KEY_BYTES) return undefined
    const { ts, counter } = decodeRecordKey(key)
    return { ts, counter }
  }

  async trimRecords (streamId: number, shard: number, beforeTs: number): Promise<void> {
    await this.records.clear({ gte: shardStartKey(streamId, shard), lt: encodeRecordKey(streamId, shard, beforeTs, 0) })
  }

  async dropRecords (streamId: number): Promise<void> {
    await this.records.clear({ gte: streamStartKey(streamId), lt: streamEndKey(streamId) })
  }

  async getDocument<T> (key: string): Promise<T | undefined> {
    return (await this.docs.get(key)) as T | undefined
  }

  async listDocuments<T> (prefix: string): Promise<Array<[string, T]>> {
    // '\uffff' sorts after every character a document key uses.
    const entries = await this.docs.iterator({ gte: prefix, lt: prefix + '\uffff' }).all()
    return entries.map(([key, value]) => [key, value as T])
  }

  drain (): Promise<void> {
    return this.committer.drain()
  }

  async close (): Promise<void> {
    await this.committer.drain()
    await this.db.close()
  }
}
