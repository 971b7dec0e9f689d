/**
 * The HTTP client under the lean AWS clients of the benchmarks: HTTP/1.1 keep-alive, a
 * fixed set of sockets, response bodies gathered into buffers reused from call to call,
 * and a well-formed dummy signature (no server measured here verifies it). The AWS SDK
 * would spend more CPU in this process than the servers spend answering, and on a
 * two-core machine every cycle this process spends is one the server under test does
 * not get.
 *
 * The connections are undici's (the client under Node's own fetch), not node:http's:
 * against a bare node:http server, 32 calls in flight, node:http's client took 64-93 us of
 * this process's CPU per call and undici's 34-43 us. With node:http, SendMessage was bound
 * by this process (the server's event loop idle 31 % of the run).
 */
import { isAscii } from 'node:buffer'
import type { IncomingHttpHeaders } from 'node:http'
import { Pool } from 'undici'

/** A SigV4 Authorization header of the right form for `service`; its signature is zeros. */
export function dummyAuthorization (service: string, ...signedHeaders: string[]): string {
  const signed = ['host', 'x-amz-date', ...signedHeaders].sort().join(';')
  return `AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/${service}/aws4_request, SignedHeaders=${signed}, Signature=${'0'.repeat(64)}`
}

/**
 * A response body gathered into a buffer kept from call to call. A GetRecords page is
 * 15 MB: gathering it into fresh memory each time (Buffer.concat) cost this process more
 * than parsing it, most of it the page faults of touching new memory.
 */
class ResponseBody {
  buffer: Buffer
  private length = 0

  constructor (spare: Buffer | undefined, expected: number) {
    this.buffer = spare !== undefined && spare.byteLength >= expected ? spare : Buffer.allocUnsafeSlow(Math.max(expected, 64 * 1024))
  }

  add (chunk: Buffer): void {
    if (this.length + chunk.byteLength > this.buffer.byteLength) {
      const grown = Buffer.allocUnsafeSlow(Math.max(this.buffer.byteLength * 2, this.length + chunk.byteLength))
      this.buffer.copy(grown, 0, 0, this.length)
      this.buffer = grown
    }
    this.length += chunk.copy(this.buffer, this.length)
  }

  /** The body as text. ASCII, which AWS answers nearly always are, is decoded as Latin-1: the same characters, without UTF-8's checks. */
  text (): string {
    const bytes = this.buffer.subarray(0, this.length)
    return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8')
  }
}

export interface LeanResponse {
  readonly status: number
  readonly text: string
}

export class LeanHttp {
  readonly #pool: Pool
  /** Response buffers not in use; one per call in flight at most. */
  readonly #spare: Buffer[] = []
  readonly #hostHeader: string | undefined

  /** `hostHeader` replaces the Host header the endpoint implies (sqslite only knows queue URLs on `localhost`). */
  constructor (endpoint: string, sockets: number, hostHeader?: string) {
    this.#hostHeader = hostHeader
    // One request per connection at a time (no pipelining), as the AWS SDKs send.
    this.#pool = new Pool(new URL(endpoint).origin, { connections: sockets, pipelining: 1 })
  }

  /** POSTs `body` to `path`; resolves with the status and the body as text, whatever the status. */
  async post (path: string, headers: IncomingHttpHeaders, body: string): Promise<LeanResponse> {
    const res = await this.#pool.request({
      method: 'POST',
      path,
      headers: this.#hostHeader === undefined ? headers : { ...headers, host: this.#hostHeader },
      body
    })
    const gathered = new ResponseBody(this.#spare.pop(), Number(res.headers['content-length'] ?? 0))
    for await (const chunk of res.body) gathered.add(chunk as Buffer)
    const text = gathered.text()
    this.#spare.push(gathered.buffer)
    return { status: res.statusCode, text }
  }

  close (): void {
    this.#pool.destroy().catch(() => {})
  }
}
