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
    // Each worker keeps its module cache from file to file: every file starts its own servers
    // in its own directories, so nothing else is shared, and re-importing the AWS SDKs,
    // fastify and grpc-js for each of 111 files cost 263 s of the 600 s suite.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 30_000
  }
})
