/**
 * Helpers for the control-plane tests: a disk server that can be restarted on the same data
 * directory, waiting for a stream state, and AWS-style validation assertions.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect } from 'vitest'
import type { StreamClient, StreamStatus } from '../../client/index.js'
import { isShardlineError } from '../../client/index.js'
import { expectCode, startServer, type TestServer, type TestServerOptions } from './server.js'

export interface RestartableServer {
  /** The running server; restart() replaces it. */
  readonly current: TestServer
  readonly dataDir: string
  /** Closes the server and starts a new one on the same data directory. */
  restart (): Promise<TestServer>
  /** Closes the server and removes the data directory. */
  close (): Promise<void>
}

export type RestartableOptions = Omit<TestServerOptions, 'disk' | 'dataDir' | 'memory'>

export async function startRestartableServer (options: RestartableOptions = {}): Promise<RestartableServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'shardline-restart-'))
  // Given a dataDir, startServer's close() leaves the directory alone, so it outlives restarts.
  let current = await startServer({ ...options, dataDir })
  let closed = false
  return {
    get current () {
      return current
    },
    dataDir,
    async restart () {
      await current.close()
      current = await startServer({ ...options, dataDir })
      return current
    },
    async close () {
      if (closed) return
      closed = true
      await current.close()
      await rm(dataDir, { recursive: true, force: true })
    }
  }
}

const POLL_MS = 20
const WAIT_LIMIT_MS = 10_000

async function poll (what: string, done: () => Promise<boolean>): Promise<void> {
  const giveUp = Date.now() + WAIT_LIMIT_MS
  for (;;) {
    if (await done()) return
    if (Date.now() > giveUp) throw new Error(`gave up waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
}

/** Waits until the stream reports the status (a state transition driven by createStreamMs). */
export async function waitForStatus (client: StreamClient, streamName: string, status: StreamStatus): Promise<void> {
  await poll(`${streamName} to become ${status}`, async () => {
    const { streamDescriptionSummary } = await client.describeStreamSummary({ streamName })
    return streamDescriptionSummary.streamStatus === status
  })
}

/** Waits until the stream no longer exists. */
export async function waitForGone (client: StreamClient, streamName: string): Promise<void> {
  await poll(`${streamName} to disappear`, async () => {
    try {
      await client.describeStreamSummary({ streamName })
      return false
    } catch (err) {
      if (isShardlineError(err) && err.code === 'STREAM_NOT_FOUND') return true
      throw err
    }
  })
}

/**
 * Asserts a VALIDATION_FAILED whose message has an AWS-style line naming the field and
 * the constraint it broke; returns the message.
 */
export async function expectValidation (promise: Promise<unknown>, field: string, constraint: string): Promise<string> {
  const err = await expectCode(promise, 'VALIDATION_FAILED')
  expect(err.grpcStatus).toBe(3)
  expect(err.awsType).toBe('ValidationException')
  expect(err.message).toMatch(/^\d+ validation errors? detected: /)
  expect(err.message).toContain(`at '${field}' failed to satisfy constraint: ${constraint}`)
  return err.message
}

/** 2^128 - 1, the largest hash key. */
export const HASH_KEY_MAX = (1n << 128n) - 1n

/** The hash ranges the brief specifies: shard i starts at i * floor(2^128 / n). */
export function expectedHashRanges (n: number): Array<{ startingHashKey: string, endingHashKey: string }> {
  const step = (1n << 128n) / BigInt(n)
  return Array.from({ length: n }, (_, i) => ({
    startingHashKey: (step * BigInt(i)).toString(),
    endingHashKey: (i === n - 1 ? HASH_KEY_MAX : step * BigInt(i + 1) - 1n).toString()
  }))
}

export function shardId (index: number): string {
  return 'shardId-' + String(index).padStart(12, '0')
}
