import { fileURLToPath } from 'node:url'
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    root: fileURLToPath(new URL('..', import.meta.url)),
    include: ['test/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**', 'dist/**'],
    // Servers and child processes make tests I/O-bound; forks isolate native handles.
    pool: 'forks',
    // Two files at a time: most wait on servers, child processes and timers, so two overlap
    // on two cores; vitest's default here (cores - 1) ran them one by one, in 13 minutes.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 30_000
  }
})
