/**
 * A refused request must not break its keep-alive connection for the request after it:
 * a body on a method AWS refuses (GET, HEAD, PUT, DELETE, OPTIONS, PATCH) is read and
 * dropped. Only what cannot be read as HTTP/1.1 closes the connection (after an AWS-shaped
 * answer), as it must: a body sent without Content-Length or chunked framing reads as the
 * start of the next request.
 */
import * as net from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { kinesisHeaders, KeepAliveConnection } from './helpers/raw-http.js'
import { startServer, type TestServer } from './helpers/server.js'

let ts: TestServer

beforeAll(async () => {
  ts = await startServer({})
})

afterAll(async () => {
  await ts.close()
})

const listStreams = { headers: kinesisHeaders('ListStreams'), body: '{}' }

describe('keep-alive connections', () => {
  it.each(['GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH'])('%s with a body is refused and the connection serves the next request', async (method) => {
    const conn = new KeepAliveConnection(ts.server.httpPort)
    try {
      for (const size of [1, 1000, 70_000, 3_000_000]) {
        const refused = await conn.send({ method, headers: { 'content-type': 'application/x-amz-json-1.1' }, body: Buffer.alloc(size, 'x') })
        expect(refused.status).toBe(403)
        if (method !== 'HEAD') expect(refused.body.toString()).toContain('<AccessDeniedException>')
        const next = await conn.send(listStreams)
        expect(next.status, next.body.toString()).toBe(200)
        expect(next.sameConnection).toBe(true)
      }
    } finally {
      conn.close()
    }
  })

  it('sends a chunked body on a GET through to the next request too', async () => {
    const answers = await rawExchange(ts.server.httpPort,
      'GET / HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n' + postListStreams())
    expect(answers.match(/^HTTP\/1\.1 \d+/gm)).toEqual(['HTTP/1.1 403', 'HTTP/1.1 200'])
  })

  it('closes a connection whose bytes are not HTTP/1.1, with an AWS-shaped answer, and the next connection works', async () => {
    // What node's http client sends for a GET body without Content-Length: the body
    // follows the headers unframed, so it reads as the start of the next request.
    const answers = await rawExchange(ts.server.httpPort, 'GET / HTTP/1.1\r\nhost: x\r\n\r\n{"hello":1}' + postListStreams())
    expect(answers).toMatch(/^HTTP\/1\.1 403/)
    expect(answers).toContain('HTTP/1.1 400 Bad Request')
    expect(answers).toContain('{"__type":"SerializationException"}')
    const conn = new KeepAliveConnection(ts.server.httpPort)
    try {
      expect((await conn.send(listStreams)).status).toBe(200)
    } finally {
      conn.close()
    }
  })
})

function postListStreams (): string {
  const headers = Object.entries(kinesisHeaders('ListStreams')).map(([k, v]) => `${k}: ${v}\r\n`).join('')
  return `POST / HTTP/1.1\r\nhost: x\r\n${headers}content-length: 2\r\nconnection: close\r\n\r\n{}`
}

/** Writes `bytes` on one connection and returns everything the server answers until it closes. */
function rawExchange (port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1')
    let answer = ''
    socket.on('data', (chunk) => { answer += chunk.toString('latin1') })
    socket.on('end', () => resolve(answer))
    socket.on('error', reject)
    socket.end(bytes)
  })
}
