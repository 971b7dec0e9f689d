/**
 * Records stored as segments (src/storage/record-value.ts): a commit's records for one
 * shard share LevelDB entries keyed by their last record. These tests hold the store's
 * read rules (start position, limit, byte cap, last position, trimming) to what they were
 * with one entry per record, on the real LevelDB store, in memory and on disk.
 */
import { createHash } from 'node:crypto'
import { Level } from 'level'
import { describe, expect, it } from 'vitest'
import { LevelStore } from '../src/storage/level-store.js'
import { SEGMENT_BYTES } from '../src/storage/record-value.js'
import type { StoredRecord } from '../src/storage/store.js'
import { withLevelStore, withTempDir } from './helpers/level-store.js'

const STREAM = 7
const SHARD = 2
const FIRST = { ts: 0, counter: 0 }

interface Put { ts: number, counter: number, partitionKey: string, data: Buffer }

/** Distinct records: each one's data says which it is, and keys include multi-byte characters. */
function records (ts: number, count: number, dataBytes: number, firstCounter = 0): Put[] {
  return Array.from({ length: count }, (_, i) => {
    const data = Buffer.alloc(dataBytes, i % 251)
    data.write(`${ts}/${firstCounter + i}`, 0)
    return { ts, counter: firstCounter + i, partitionKey: `key-${i}-é`, data }
  })
}

async function commit (store: LevelStore, puts: Put[], shard = SHARD): Promise<void> {
  const batch = store.batch()
  for (const p of puts) batch.putRecord(STREAM, shard, p.ts, p.counter, p.partitionKey, p.data)
  await store.commit(batch)
}

/**
 * Records as short strings (position, key, data length and digest): equal exactly when
 * the records are, and a failure's diff stays readable (a diff of 300 KiB of buffers
 * takes minutes).
 */
function plain (records: ReadonlyArray<Put | StoredRecord>): string[] {
  return records.map((r) => `${r.ts}/${r.counter} ${r.partitionKey} ${r.data.byteLength}:${createHash('sha1').update(r.data).digest('hex').slice(0, 16)}`)
}

function readAll (store: LevelStore, from = FIRST, limit = 100_000, maxBytes = 1 << 30): Promise<StoredRecord[]> {
  return store.readRecords({ streamId: STREAM, shard: SHARD, from, limit, maxBytes })
}

/** LevelDB entries in the records keyspace, counted with a plain LevelDB handle on the closed store's directory. */
async function recordEntries (location: string): Promise<number> {
  const db = new Level<Buffer, Buffer>(location, { keyEncoding: 'buffer', valueEncoding: 'buffer' })
  try {
    const keys = await db.keys({ gte: Buffer.from('!records!'), lt: Buffer.from('!records"') }).all()
    return keys.length
  } finally {
    await db.close()
  }
}

describe.each([true, false])('records stored as segments (memory: %s)', (memory) => {
  it('reads back every record of a commit exactly, in order, with its size', async () => {
    await withLevelStore(memory, async (store) => {
      const puts = records(1000, 300, 1000)
      await commit(store, puts)
      const batches: Array<{ records: StoredRecord[], sizes: number[] }> = []
      const got = await store.readRecords({ streamId: STREAM, shard: SHARD, from: FIRST, limit: 10_000, maxBytes: 1 << 30, onBatch: (r, sizes) => batches.push({ records: r, sizes }) })
      expect(plain(got)).toEqual(plain(puts))
      // The batches hand over the very records the read returns.
      const handed = batches.flatMap((b) => b.records)
      expect(handed).toHaveLength(got.length)
      expect(handed.every((r, i) => r === got[i])).toBe(true)
      expect(batches.flatMap((b) => b.sizes)).toEqual(puts.map((p) => p.data.byteLength + Buffer.byteLength(p.partitionKey)))
    })
  })

  it('starts a read inside a segment at the asked-for position', async () => {
    await withLevelStore(memory, async (store) => {
      const puts = records(1000, 300, 1000)
      await commit(store, puts)
      expect(plain(await readAll(store, { ts: 1000, counter: 137 }))).toEqual(plain(puts.slice(137)))
      expect(plain(await readAll(store, { ts: 1000, counter: 299 }))).toEqual(plain(puts.slice(299)))
      expect(await readAll(store, { ts: 1000, counter: 300 })).toEqual([])
    })
  })

  it('ends a page inside a segment at the limit or before the byte cap, and always returns one record', async () => {
    await withLevelStore(memory, async (store) => {
      const puts = records(1000, 300, 1000)
      await commit(store, puts)
      expect(plain(await readAll(store, { ts: 1000, counter: 10 }, 7))).toEqual(plain(puts.slice(10, 17)))
      const size = 1000 + Buffer.byteLength(puts[0]!.partitionKey)
      // Three and a half records' bytes: three fit, the fourth would pass the cap.
      expect(plain(await readAll(store, { ts: 1000, counter: 40 }, 100, size * 3.5))).toEqual(plain(puts.slice(40, 43)))
      expect(plain(await readAll(store, { ts: 1000, counter: 40 }, 100, 1))).toEqual(plain(puts.slice(40, 41)))
    })
  })

  it('pages through segments with small limits without skipping or repeating a record', async () => {
    await withLevelStore(memory, async (store) => {
      const puts = records(1000, 250, 700)
      await commit(store, puts)
      const seen: string[] = []
      let from = FIRST
      // Bounded: a read that kept returning old records must fail here, not loop.
      for (let pages = 0; pages <= puts.length / 9 + 1; pages++) {
        const page = await readAll(store, from, 9)
        if (page.length === 0) break
        seen.push(...plain(page))
        const last = page[page.length - 1]!
        from = { ts: last.ts, counter: last.counter + 1 }
      }
      expect(seen).toEqual(plain(puts))
    })
  })

  it('reads single-record values and segments in one range, and a record larger than a segment on its own', async () => {
    await withLevelStore(memory, async (store) => {
      const one = records(1000, 1, 50)
      const many = records(1000, 40, 3000, 1)
      const big = [{ ts: 1000, counter: 41, partitionKey: 'big', data: Buffer.alloc(SEGMENT_BYTES * 2, 9) }]
      const after = records(1000, 5, 10, 42)
      await commit(store, one)
      await commit(store, many)
      await commit(store, [...big, ...after])
      expect(plain(await readAll(store))).toEqual(plain([...one, ...many, ...big, ...after]))
      expect(plain(await readAll(store, { ts: 1000, counter: 41 }, 2))).toEqual(plain([...big, after[0]!]))
    })
  })

  it('keeps shards apart when one commit writes to several', async () => {
    await withLevelStore(memory, async (store) => {
      const a = records(1000, 30, 100)
      const b = records(1000, 30, 100)
      const batch = store.batch()
      // Interleaved, as a PutRecords call's records land on shards by hash.
      for (let i = 0; i < 30; i++) {
        batch.putRecord(STREAM, SHARD, a[i]!.ts, a[i]!.counter, a[i]!.partitionKey, a[i]!.data)
        batch.putRecord(STREAM, SHARD + 1, b[i]!.ts, b[i]!.counter, b[i]!.partitionKey, b[i]!.data)
      }
      await store.commit(batch)
      expect(plain(await readAll(store))).toEqual(plain(a))
      expect(plain(await store.readRecords({ streamId: STREAM, shard: SHARD + 1, from: FIRST, limit: 100, maxBytes: 1 << 30 }))).toEqual(plain(b))
    })
  })

  it('reports the last record of the last segment, and trims the segments older than the cutoff and no others', async () => {
    await withLevelStore(memory, async (store) => {
      const old = records(1000, 100, 1000)
      const recent = records(2000, 100, 1000)
      await commit(store, old)
      await commit(store, recent)
      expect(await store.lastPosition(STREAM, SHARD)).toEqual({ ts: 2000, counter: 99 })
      await store.trimRecords(STREAM, SHARD, 1500)
      expect(plain(await readAll(store))).toEqual(plain(recent))
      await store.trimRecords(STREAM, SHARD, 2000)
      expect(plain(await readAll(store))).toEqual(plain(recent))
      await store.trimRecords(STREAM, SHARD, 2001)
      expect(await readAll(store)).toEqual([])
      expect(await store.lastPosition(STREAM, SHARD)).toBeUndefined()
    })
  })

  it('refuses a batch whose records of a shard are not in position order, and writes nothing of it', async () => {
    await withLevelStore(memory, async (store) => {
      const [first, second, third] = records(1000, 3, 10)
      const batch = store.batch()
      batch.putRecord(STREAM, SHARD, first!.ts, first!.counter, first!.partitionKey, first!.data)
      batch.putRecord(STREAM, SHARD, third!.ts, third!.counter, third!.partitionKey, third!.data)
      expect(() => batch.putRecord(STREAM, SHARD, second!.ts, second!.counter, second!.partitionKey, second!.data)).toThrow(/position order: 1000\/1 came after 1000\/2/)
      expect(await readAll(store)).toEqual([])
    })
  })

  it('hands over sizes in line with the records when a page ends inside a segment', async () => {
    await withLevelStore(memory, async (store) => {
      const puts = records(1000, 200, 900)
      await commit(store, puts)
      const sizeOf = (p: Put): number => p.data.byteLength + Buffer.byteLength(p.partitionKey)
      // 57 records' bytes and half the next one's: the cap ends the page after the 57th.
      const capped = puts.slice(5, 62).reduce((sum, p) => sum + sizeOf(p), 0) + sizeOf(puts[62]!) / 2
      for (const [limit, maxBytes, expected] of [[23, 1 << 30, 23], [1000, capped, 57]] as const) {
        const handed: StoredRecord[] = []
        const sizes: number[] = []
        const got = await store.readRecords({ streamId: STREAM, shard: SHARD, from: { ts: 1000, counter: 5 }, limit, maxBytes, onBatch: (r, s) => { handed.push(...r); sizes.push(...s) } })
        expect(plain(got)).toEqual(plain(puts.slice(5, 5 + expected)))
        expect(plain(handed)).toEqual(plain(got))
        expect(sizes).toEqual(puts.slice(5, 5 + expected).map(sizeOf))
      }
    })
  })
})

it('writes a commit to disk as a few entries, and reads them again after reopening', async () => {
  await withTempDir(async (location) => {
    const puts = records(1000, 500, 1024)
    const store = await LevelStore.open({ location, memory: false, sync: false })
    await commit(store, puts)
    await store.close()
    // 500 KiB of records: a handful of segments, not 500 entries.
    const entries = await recordEntries(location)
    expect(entries).toBeGreaterThanOrEqual(Math.ceil(500 * 1024 / SEGMENT_BYTES))
    expect(entries).toBeLessThan(20)
    const again = await LevelStore.open({ location, memory: false, sync: false })
    try {
      expect(plain(await again.readRecords({ streamId: STREAM, shard: SHARD, from: FIRST, limit: 10_000, maxBytes: 1 << 30 }))).toEqual(plain(puts))
      expect(await again.lastPosition(STREAM, SHARD)).toEqual({ ts: 1000, counter: 499 })
    } finally {
      await again.close()
    }
  })
})
