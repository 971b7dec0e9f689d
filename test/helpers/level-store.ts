/**
 * The real LevelDB store in a temporary directory, for tests of the storage layer itself.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LevelStore } from '../../src/storage/level-store.js'

/** Runs `fn` with a fresh temporary directory, removed afterwards whatever happens. */
export async function withTempDir (fn: (location: string) => Promise<void>): Promise<void> {
  const location = await mkdtemp(join(tmpdir(), 'shardline-store-'))
  try {
    await fn(location)
  } finally {
    await rm(location, { recursive: true, force: true })
  }
}

/** Runs `fn` with a store opened in memory or on disk in a temporary directory, closed afterwards. */
export async function withLevelStore (memory: boolean, fn: (store: LevelStore, location: string) => Promise<void>): Promise<void> {
  await withTempDir(async (location) => {
    const store = await LevelStore.open({ location, memory, sync: false })
    try {
      await fn(store, location)
    } finally {
      await store.close()
    }
  })
}
