/**
 * The storage primitive under leases: compare-and-set on keys of the `leases` keyspace, on
 * the real LevelDB store (memory and disk).
 */
import { describe, expect, it } from 'vitest'
import { LevelStore } from '../src/storage/level-store.js'
import { withLevelStore, withTempDir } from './helpers/level-store.js'

describe.each([true, false])('LevelStore compare-and-set (memory: %s)', (memory) => {
  it('creates only when absent, replaces only at the expected revision, deletes only at it', async () => {
    await withLevelStore(memory, async (store) => {
      expect(await store.compareAndSetLease('t', 'k', 0, { revision: 1, value: 'one' })).toEqual({ ok: true })
      expect(await store.compareAndSetLease('t', 'k', 0, { revision: 1, value: 'again' })).toEqual({ ok: false, current: { revision: 1, value: 'one' } })
      expect(await store.compareAndSetLease('t', 'k', 2, { revision: 3, value: 'skip' })).toEqual({ ok: false, current: { revision: 1, value: 'one' } })
      expect(await store.compareAndSetLease('t', 'k', 1, { revision: 2, value: 'two' })).toEqual({ ok: true })
      expect(await store.compareAndSetLease('t', 'k', 1, null)).toEqual({ ok: false, current: { revision: 2, value: 'two' } })
      expect(await store.compareAndSetLease('t', 'k', 2, null)).toEqual({ ok: true })
      expect(await store.compareAndSetLease('t', 'k', 2, null)).toEqual({ ok: false, current: undefined })
      expect(await store.listLeases('t')).toEqual([])
    })
  })

  it('lets exactly one of concurrent calls with the same expected revision through', async () => {
    await withLevelStore(memory, async (store) => {
      await store.compareAndSetLease('t', 'k', 0, { revision: 1, value: 0 })
      const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => store.compareAndSetLease('t', 'k', 1, { revision: 2, value: i })))
      expect(outcomes.filter((o) => o.ok)).toHaveLength(1)
      const winner = outcomes.findIndex((o) => o.ok)
      expect(await store.listLeases('t')).toEqual([{ revision: 2, value: winner }])
    })
  })

  it('lists one table in key order, apart from tables whose names extend it', async () => {
    await withLevelStore(memory, async (store) => {
      for (const [table, key] of [['app', 'b'], ['app', 'a'], ['app.x', 'c'], ['app0', 'd'], ['ap', 'e'], ['app', 'z/\uffff😀']]) {
        await store.compareAndSetLease(table!, key!, 0, { revision: 1, value: `${table}:${key}` })
      }
      expect((await store.listLeases<string>('app')).map((e) => e.value)).toEqual(['app:a', 'app:b', 'app:z/\uffff😀'])
    })
  })

  it.skipIf(memory)('keeps acknowledged writes across a reopen', async () => {
    await withTempDir(async (location) => {
      const first = await LevelStore.open({ location, memory, sync: false })
      await first.compareAndSetLease('t', 'k', 0, { revision: 1, value: { owner: 'w' } })
      await first.compareAndSetLease('t', 'k', 1, { revision: 2, value: { owner: 'v' } })
      await first.close()
      const second = await LevelStore.open({ location, memory, sync: false })
      expect(await second.listLeases('t')).toEqual([{ revision: 2, value: { owner: 'v' } }])
      expect((await second.compareAndSetLease('t', 'k', 1, null)).ok).toBe(false)
      await second.close()
    })
  })
})
