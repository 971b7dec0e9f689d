import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**', 'dist/**'],
    // Servers and child processes make tests I/O-bound; forks isolate native handles.
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 30_000
  }
})
