/**
 * Raw requests to the HTTP API, below any SDK, to test what an SDK would never send.
 */
import * as http from 'node:http'
import * as http2 from 'node:http2'

export interface RawResponse {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly body: Buffer
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly json: Record<string, unknown> | undefined
}

/** A well-formed (not verified) SigV4 authorization, as any AWS client sends. */
export const DUMMY_AUTH: Record<string, string> = {
  authorization: 'AWS4-HMAC-SHA256 Credential=AKIDRAW/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date, Signature=0123456789abcdef',
  'x-amz-date': '20260101T000000Z'
}

/** DUMMY_AUTH, scoped to another service (`sqs`, `sns`) and region. */
export function scopedAuth (service: string, region = 'us-east-1'): Record<string, string> {
  return { ...DUMMY_AUTH, authorization: DUMMY_AUTH.authorization!.replace('/us-east-1/kinesis/', `/${region}/${service}/`) }
}

export function sqsJsonHeaders (action: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AmazonSQS.${action}`, ...scopedAuth('sqs'), ...extra }
}

export function queryHeaders (extra: Record<string, string> = {}): Record<string, string> {
  return { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...scopedAuth('sqs'), ...extra }
}

export function kinesisHeaders (action: string, extra: Record<string, string> = {}): Record<string, string> {
  return { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `Kinesis_20131202.${action}`, ...DUMMY_AUTH, ...extra }
}

function parse (status: number, headers: RawResponse['headers'], body: Buffer): RawResponse {
  let json: Record<string, unknown> | undefined
  try {
    json = JSON.parse(body.toString('utf8')) as Record<string, unknown>
  } catch {
    json = undefined
  }
  return { status, headers, body, json }
}

/** One HTTP/1.1 request on a fresh connection. */
export function rawHttp1 (port: number, options: { method?: string, path?: string, headers?: Record<string, string>, body?: string | Buffer }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: options.method ?? 'POST', path: options.path ?? '/', headers: options.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve(parse(res.statusCode ?? 0, res.headers, Buffer.concat(chunks))))
      res.on('error', reject)
    })
    // The server may answer (413) and close before the whole body is sent.
    req.on('error', reject)
    req.end(options.body)
  })
}

/** One HTTP/2 request with prior knowledge (h2c), on its own session. */
export function rawHttp2 (port: number, options: { headers?: Record<string, string>, body?: string | Buffer }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const session = http2.connect(`http://127.0.0.1:${port}`)
    session.on('error', reject)
    const stream = session.request({ ':method': 'POST', ':path': '/', ...(options.headers ?? {}) })
    let status = 0
    let headers: RawResponse['headers'] = {}
    stream.on('response', (h) => {
      status = Number(h[':status'])
      headers = h as RawResponse['headers']
    })
    const chunks: Buffer[] = []
    stream.on('data', (c: Buffer) => chunks.push(c))
    stream.on('end', () => {
      session.close()
      resolve(parse(status, headers, Buffer.concat(chunks)))
    })
    stream.on('error', reject)
    stream.end(options.body)
  })
}

/**
 * HTTP/1.1 requests over one keep-alive connection. `send` fails the test's expectation
 * (returns `reused: false`) when the server closed the connection it was given, so a test
 * can see that no request broke the connection for the next one.
 */
export class KeepAliveConnection {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 })
  private socket: unknown

  constructor (private readonly port: number) {}

  send (options: { method?: string, path?: string, headers?: Record<string, string>, body?: string | Buffer }): Promise<RawResponse & { sameConnection: boolean }> {
    const body = options.body === undefined ? undefined : Buffer.from(options.body)
    const headers = { ...(options.headers ?? {}), ...(body === undefined ? {} : { 'content-length': String(body.byteLength) }) }
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port: this.port, method: options.method ?? 'POST', path: options.path ?? '/', headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => resolve({ ...parse(res.statusCode ?? 0, res.headers, Buffer.concat(chunks)), sameConnection }))
        res.on('error', reject)
      })
      let sameConnection = true
      req.on('socket', (socket) => {
        if (this.socket !== undefined && socket !== this.socket) sameConnection = false
        this.socket = socket
      })
      req.on('error', reject)
      req.end(body)
    })
  }

  close (): void {
    this.agent.destroy()
  }
}
