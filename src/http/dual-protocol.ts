/**
 * One port for HTTP/1.1 and HTTP/2 cleartext with prior knowledge. Node's http2
 * `allowHTTP1` only works over TLS, so a plain TCP server reads the first bytes of each
 * connection: the HTTP/2 connection preface goes to an http2 server, anything else to an
 * http server. Both call the same request handler (the one fastify gives serverFactory).
 *
 * The returned object is a net.Server (listen, address, close, events) plus the close
 * helpers fastify looks for, so fastify drives it like one of its own servers.
 */
import * as http from 'node:http'
import * as http2 from 'node:http2'
import * as net from 'node:net'

const PREFACE = Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n')

/** HTTP/2 receive windows large enough for a whole 5 MiB PutRecords (base64) in flight. */
const STREAM_WINDOW_BYTES = 8 * 1024 * 1024
const SESSION_WINDOW_BYTES = 32 * 1024 * 1024

const UNREADABLE_BODY = '{"__type":"SerializationException"}'
const UNREADABLE_REQUEST = 'HTTP/1.1 400 Bad Request\r\ncontent-type: application/x-amz-json-1.1\r\nx-amzn-ErrorType: SerializationException\r\n' +
  `connection: close\r\ncontent-length: ${UNREADABLE_BODY.length}\r\n\r\n${UNREADABLE_BODY}`

export type RequestHandler = (req: http.IncomingMessage | http2.Http2ServerRequest, res: http.ServerResponse | http2.Http2ServerResponse) => void

export interface DualProtocolServer extends net.Server {
  closeIdleConnections (): void
  closeAllConnections (): void
  /** Sends GOAWAY on every HTTP/2 session: running streams finish, no new ones start. */
  closeHttp2Sessions (): void
}

/** Whether `head` (the first bytes of a connection) is, or may still become, the preface. */
function prefaceMatch (head: Buffer): 'yes' | 'no' | 'undecided' {
  const n = Math.min(head.length, PREFACE.length)
  if (head.subarray(0, n).compare(PREFACE, 0, n) !== 0) return 'no'
  return n === PREFACE.length ? 'yes' : 'undecided'
}

export function createDualProtocolServer (handler: RequestHandler): DualProtocolServer {
  let closing = false
  const h1 = http.createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
    // Once closing, a keep-alive connection ends after its current response.
    if (closing) res.setHeader('connection', 'close')
    handler(req, res)
  })
  // Bytes that are not HTTP/1.1 (a GET body sent without Content-Length reads as the start
  // of the next request) leave the connection unusable: it is closed, as node does, but with
  // an AWS-shaped refusal instead of a bare 400.
  h1.on('clientError', (err: NodeJS.ErrnoException, socket: net.Socket) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy()
      return
    }
    // The request read before the bad bytes still gets its answer first.
    const inFlight = (socket as net.Socket & { _httpMessage?: http.ServerResponse | null })._httpMessage
    if (inFlight !== undefined && inFlight !== null && !inFlight.writableFinished) inFlight.once('finish', () => socket.end(UNREADABLE_REQUEST))
    else socket.end(UNREADABLE_REQUEST)
  })
  // http.Server tracks its connections (for closeIdleConnections and request timeouts)
  // from its 'listening' event; this one never listens itself.
  h1.emit('listening')
  const h2 = http2.createServer({ settings: { initialWindowSize: STREAM_WINDOW_BYTES } }, handler)
  const sessions = new Set<http2.ServerHttp2Session>()
  h2.on('session', (session) => {
    sessions.add(session)
    session.once('close', () => sessions.delete(session))
    session.setLocalWindowSize(SESSION_WINDOW_BYTES)
  })

  // Connections that have not said which protocol they speak belong to neither server yet.
  const undecided = new Set<net.Socket>()
  const front = net.createServer({ noDelay: true }, (socket) => {
    if (closing) {
      socket.destroy()
      return
    }
    undecided.add(socket)
    socket.once('close', () => undecided.delete(socket))
    let head: Buffer = Buffer.alloc(0)
    const onData = (chunk: Buffer): void => {
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk])
      const match = prefaceMatch(head)
      if (match === 'undecided') return
      undecided.delete(socket)
      socket.off('data', onData)
      socket.pause()
      // The bytes read so far go back into the socket, so the chosen server reads them
      // as if it had accepted the connection itself.
      socket.unshift(head)
      if (match === 'yes') {
        h2.emit('connection', socket)
      } else {
        h1.emit('connection', socket)
        // http reads new bytes straight from the handle; the ones put back are delivered
        // to it as 'data' once the stream flows again.
        socket.resume()
      }
    }
    socket.on('data', onData)
    // A connection that closes before it says anything needs no server.
    socket.on('error', () => socket.destroy())
  }) as DualProtocolServer

  front.closeIdleConnections = () => {
    h1.closeIdleConnections()
    // A connection that never sent a byte has no request to finish.
    for (const socket of undecided) socket.destroy()
  }
  front.closeHttp2Sessions = () => {
    for (const session of sessions) session.close()
  }
  front.closeAllConnections = () => {
    front.closeIdleConnections()
    h1.closeAllConnections()
    for (const session of sessions) session.destroy()
  }
  // Closing the front stops accepting; its close callback waits for every connection,
  // so idle keep-alive connections and HTTP/2 sessions are told to end now.
  const stopAccepting = front.close.bind(front)
  front.close = (callback?: (err?: Error) => void) => {
    closing = true
    stopAccepting(callback)
    front.closeIdleConnections()
    front.closeHttp2Sessions()
    return front
  }
  front.once('close', () => {
    h1.close()
    h2.close()
  })
  return front
}
