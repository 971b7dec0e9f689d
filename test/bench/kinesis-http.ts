/**
 * A lean Kinesis JSON 1.1 client for the HTTP benchmarks: HTTP/1.1 keep-alive, bodies
 * prepared ahead, a well-formed dummy signature (neither target verifies it). The AWS SDK
 * would spend more CPU in this process than either server spends answering, and the
 * figures would measure the SDK. Also starts kinesalite in its own process, so it does not
 * share this process's event loop, and on disk (its LevelDB, `--path`), as the shardline it
 * is compared with stores on disk: like for like, and the setting the reference
 * figures for kinesalite (about 1,600 PutRecord/s) were taken with. In memory it is about
 * 2.5x faster at PutRecord and 1.3x at PutRecords and GetRecords.
 */
import { isAscii } from 'node:buffer'
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { REPO_ROOT } from './server-process.js'

const AUTH = 'AWS4-HMAC-SHA256 Credential=AKIDBENCH/20260101/us-east-1/kinesis/aws4_request, SignedHeaders=host;x-amz-date;x-amz-target, Signature=0000000000000000000000000000000000000000000000000000000000000000'

/**
 * A response body gathered into a buffer kept from call to call. A GetRecords page is
 * 15 MB: gathering it into fresh memory each time (Buffer.concat) cost this process
 * more than parsing it, most of it the page faults of touching new memory, and on a
 * two-core machine every cycle this process spends is one the server under test does
 * not get.
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

  /** The body as text. ASCII, which AWS JSON nearly always is, is decoded as Latin-1: the same characters, without UTF-8's checks. */
  text (): string {
    const bytes = this.buffer.subarray(0, this.length)
    return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8')
  }
}

export class KinesisHttp {
  readonly #agent: Agent
  /** Response buffers not in use; one per call in flight at most. */
  readonly #spare: Buffer[] = []
  readonly #host: string
  readonly #port: number

  constructor (endpoint: string, sockets: number) {
    const url = new URL(endpoint)
    this.#host = url.hostname
    this.#port = Number(url.port)
    this.#agent = new Agent({ keepAlive: true, maxSockets: sockets })
  }

  /** Sends one action; resolves with the parsed answer, rejects with the AWS error. */
  call<T = Record<string, unknown>> (action: string, body: string): Promise<T> {
    return new Promise((resolve, reject) => {
      const req = request({
        host: this.#host,
        port: this.#port,
        method: 'POST',
        path: '/',
        agent: this.#agent,
        headers: {
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': `Kinesis_20131202.${action}`,
          'x-amz-date': '20260101T000000Z',
          authorization: AUTH,
          'content-length': Buffer.byteLength(body)
        }
      }, (res) => {
        const body = new ResponseBody(this.#spare.pop(), Number(res.headers['content-length'] ?? 0))
        res.on('data', (c: Buffer) => body.add(c))
        res.on('end', () => {
          const text = body.text()
          this.#spare.push(body.buffer)
          if (res.statusCode !== 200) {
            reject(new Error(`${action} answered ${String(res.statusCode)}: ${text.slice(0, 300)}`))
            return
          }
          resolve((text === '' ? {} : JSON.parse(text)) as T)
        })
        res.on('error', reject)
      })
      req.on('error', reject)
      req.end(body)
    })
  }

  close (): void {
    this.#agent.destroy()
  }
}

export interface KinesaliteProcess {
  readonly pid: number
  readonly endpoint: string
  stop (): Promise<void>
}

const KINESALITE_SCRIPT = `
const server = require('kinesalite')({ createStreamMs: 0, path: process.argv[1] })
server.listen(0, '127.0.0.1', () => console.log('kinesalite listening ' + server.address().port))
`

export async function startKinesalite (): Promise<KinesaliteProcess> {
  const dataDir = await mkdtemp(join(tmpdir(), 'kinesalite-bench-'))
  const child = spawn(process.execPath, ['-e', KINESALITE_SCRIPT, join(dataDir, 'db')], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async (): Promise<void> => {
    child.kill('SIGKILL')
    await exited
    await rm(dataDir, { recursive: true, force: true })
  }
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('kinesalite did not start within 20 s')), 20_000)
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^kinesalite listening (\d+)$/.exec(line)
      if (match !== null) {
        clearTimeout(timer)
        resolve(Number(match[1]))
      }
    })
    void exited.then(() => { clearTimeout(timer); reject(new Error('kinesalite exited before listening')) })
  }).catch(async (err: unknown) => {
    await stop()
    throw err
  })
  return { pid: child.pid!, endpoint: `http://127.0.0.1:${port}`, stop }
}
