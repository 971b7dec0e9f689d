/**
 * A lean gRPC load generator for the server-throughput measures: unary calls over one
 * node:http2 session, with request messages encoded ahead of time, the way ghz or h2load
 * drive a gRPC server. On this 2-core machine grpc-js's client spends about 170 us of CPU
 * per call, more than twice what the server spends on a whole PutRecord, so a load
 * generated through StreamClient measured the client. StreamClient's own throughput is
 * what the Producer measure reports.
 *
 * Every answer is still checked: HTTP status, grpc-status, and the decoded response.
 */
import { connect, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2'
import { connect as netConnect } from 'node:net'
import type protobuf from 'protobufjs'
import { loadProtoRoot } from '../../src/grpc/proto.js'

const SERVICE = '/shardline.v1.StreamService/'
/** As the server sets them: a 512 KiB PutRecords is in flight without waiting for window updates. */
const STREAM_WINDOW_BYTES = 8 * 1024 * 1024
const SESSION_WINDOW_BYTES = 32 * 1024 * 1024

let root: protobuf.Root | undefined

/** A message type of the shardline protos, e.g. 'PutRecordsRequest'. */
export function messageType (name: string): protobuf.Type {
  root ??= loadProtoRoot()
  return root.lookupType(`shardline.v1.${name}`)
}

/** A message as a gRPC length-prefixed frame: uncompressed flag, 4-byte big-endian length, bytes. */
export function grpcFrame (type: protobuf.Type, value: Record<string, unknown>): Buffer {
  const message = type.encode(type.fromObject(value)).finish()
  const frame = Buffer.allocUnsafe(5 + message.byteLength)
  frame.writeUInt8(0, 0)
  frame.writeUInt32BE(message.byteLength, 1)
  frame.set(message, 5)
  return frame
}

function statusOf (headers: IncomingHttpHeaders): { code: string, message: string } | undefined {
  const code = headers['grpc-status']
  if (code === undefined) return undefined
  const message = headers['grpc-message']
  return { code: String(code), message: decodeURIComponent(String(message ?? '')) }
}

export class GrpcLoad {
  readonly #sessions: ClientHttp2Session[]
  #next = 0

  /** Calls go round-robin over `connections` HTTP/2 connections. */
  constructor (endpoint: string, connections = 1) {
    const url = new URL(`http://${endpoint}`)
    this.#sessions = Array.from({ length: connections }, () => {
      const session = connect(url, {
        settings: { initialWindowSize: STREAM_WINDOW_BYTES },
        // Requests are small writes; Nagle's algorithm would hold one back until the last is acknowledged.
        createConnection: () => netConnect({ host: url.hostname, port: Number(url.port), noDelay: true })
      })
      session.on('connect', () => session.setLocalWindowSize(SESSION_WINDOW_BYTES))
      // An unanswered 'error' would crash the run; each call reports its own failure.
      session.on('error', () => {})
      return session
    })
  }

  /** Calls `method` with a ready frame; resolves with the response message, rejects on any non-OK status. */
  call (method: string, frame: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const session = this.#sessions[this.#next++ % this.#sessions.length]!
      const stream = session.request({ ':method': 'POST', ':path': SERVICE + method, 'content-type': 'application/grpc', te: 'trailers' })
      const chunks: Buffer[] = []
      let httpStatus = 0
      let status: { code: string, message: string } | undefined
      stream.on('response', (headers) => {
        httpStatus = Number(headers[':status'])
        // A trailers-only answer (every error) carries the status in the headers.
        status = statusOf(headers)
      })
      stream.on('trailers', (trailers) => { status = statusOf(trailers) ?? status })
      stream.on('data', (chunk: Buffer) => chunks.push(chunk))
      stream.on('error', reject)
      stream.on('end', () => {
        if (httpStatus !== 200 || status === undefined || status.code !== '0') {
          reject(new Error(`${method} answered HTTP ${httpStatus}, grpc-status ${status?.code ?? 'missing'}: ${status?.message ?? ''}`))
          return
        }
        const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
        const length = body.length >= 5 ? body.readUInt32BE(1) : -1
        if (length < 0 || body.length !== 5 + length || body[0] !== 0) {
          reject(new Error(`${method} answered a malformed gRPC frame of ${body.length} bytes`))
          return
        }
        resolve(body.subarray(5))
      })
      stream.end(frame)
    })
  }

  close (): void {
    for (const session of this.#sessions) session.close()
  }
}
