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
import { spawn } from 'node:child_process'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { LeanHttp, dummyAuthorization } from './lean-http.js'
import { REPO_ROOT } from './server-process.js'

const KINESIS_HEADERS = {
  'content-type': 'application/x-amz-json-1.1',
  'x-amz-date': '20260101T000000Z',
  authorization: dummyAuthorization('kinesis', 'x-amz-target')
}

export class KinesisHttp {
  readonly #http: LeanHttp

  constructor (endpoint: string, sockets: number) {
    this.#http = new LeanHttp(endpoint, sockets)
  }

  /** Sends one action; resolves with the parsed answer, rejects with the AWS error. */
  async call<T = Record<string, unknown>> (action: string, body: string): Promise<T> {
    const { status, text } = await this.#http.post('/', { ...KINESIS_HEADERS, 'x-amz-target': `Kinesis_20131202.${action}` }, body)
    if (status !== 200) throw new Error(`${action} answered ${status}: ${text.slice(0, 300)}`)
    return (text === '' ? {} : JSON.parse(text)) as T
  }

  close (): void {
    this.#http.close()
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
