/**
 * Test helpers: a real shardline server on port 0 (in memory or in a temporary
 * directory), a client connected to it, and a clock tests can move.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as grpc from '@grpc/grpc-js'
import { expect } from 'vitest'
import { StreamClient, isShardlineError } from '../../client/index.js'
import { createServer, type ServerOptions, type ShardlineServer } from '../../src/index.js'

export interface TestServer {
  readonly server: ShardlineServer
  readonly client: StreamClient
  readonly endpoint: string
  /** The data directory, when the server is on disk. */
  readonly dataDir: string | undefined
  /** Closes the client and the server, and removes the data directory. */
  close (): Promise<void>
}

export interface TestServerOptions extends ServerOptions {
  /** Use a temporary data directory instead of --memory. */
  disk?: boolean
}

export async function startServer (options: TestServerOptions = {}): Promise<TestServer> {
  const { disk, ...rest } = options
  const dataDir = disk === true && rest.dataDir === undefined ? await mkdtemp(join(tmpdir(), 'shardline-test-')) : rest.dataDir
  const server = await createServer({
    grpcPort: 0,
    httpPort: 0,
    logLevel: 'silent',
    ...(dataDir === undefined ? { memory: true } : { dataDir }),
    ...rest
  })
  const endpoint = `127.0.0.1:${server.grpcPort}`
  const client = new StreamClient({ endpoint })
  return {
    server,
    client,
    endpoint,
    dataDir,
    async close () {
      client.close()
      await server.close()
      if (disk === true && options.dataDir === undefined && dataDir !== undefined) await rm(dataDir, { recursive: true, force: true })
    }
  }
}

/** A clock that only moves when told to. */
export class ManualClock {
  constructor (public time: number = Date.UTC(2026, 0, 1)) {}
  readonly now = (): number => this.time
  advance (ms: number): void {
    this.time += ms
  }
}

let counter = 0
/** A stream name unique within this test process. */
export function uniqueName (prefix = 'stream'): string {
  counter += 1
  return `${prefix}-${process.pid}-${counter}`
}

/** Asserts that the promise rejects with the given stable code; returns the error. */
export async function expectCode (promise: Promise<unknown>, code: string): Promise<Error & { code: string, awsType: string, retriable: boolean, grpcStatus: number }> {
  try {
    await promise
  } catch (err) {
    if (!isShardlineError(err)) throw err
    expect(err.code, err.message).toBe(code)
    return err
  }
  throw new Error(`expected the call to fail with ${code}, but it succeeded`)
}

/**
 * Sends raw bytes to an RPC (of StreamService unless `service` says otherwise), bypassing
 * protobuf encoding, to test how the server handles undecodable requests. Resolves with
 * the status and metadata.
 */
export function rawCall (endpoint: string, rpc: string, body: Buffer, service = 'StreamService'): Promise<{ code: number, details: string, metadata: Record<string, string> }> {
  const client = new grpc.Client(endpoint, grpc.credentials.createInsecure())
  return new Promise((resolve) => {
    client.makeUnaryRequest(`/shardline.v1.${service}/${rpc}`, (b: Buffer) => b, (b: Buffer) => b, body, (err) => {
      client.close()
      const metadata: Record<string, string> = {}
      for (const [k, v] of Object.entries(err?.metadata?.getMap() ?? {})) metadata[k] = String(v)
      resolve({ code: err?.code ?? grpc.status.OK, details: err?.details ?? '', metadata })
    })
  })
}
