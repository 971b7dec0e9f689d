/**
 * The SQS peers the benchmark compares with, each in its own process so neither shares
 * this process's event loop: sqslite (npm; Query protocol only, in memory) and moto's
 * server (Python; JSON 1.0 and Query, in memory), when `moto_server` is on the PATH.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'
import { REPO_ROOT } from './server-process.js'
import { SqsJson, SqsQuery, type SqsLean } from './sqs-lean.js'

export interface PeerProcess {
  readonly name: string
  readonly pid: number
  readonly endpoint: string
  /** A lean client in the protocol the peer serves best (JSON where it can). */
  client (sockets: number): SqsLean
  stop (): Promise<void>
}

export interface Peer {
  readonly name: string
  /** Why the peer cannot run here, or undefined if it can. */
  unavailable (): string | undefined
  start (): Promise<PeerProcess>
}

const START_TIMEOUT_MS = 30_000

function exitedPromise (child: ChildProcess): Promise<void> {
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

function stopper (child: ChildProcess, exited: Promise<void>): () => Promise<void> {
  return async () => {
    child.kill('SIGKILL')
    await exited
  }
}

// sqslite logs every request unless told not to; its log would be measured as its speed.
// sqslite resolves a queue URL only if it names `localhost` (its QUEUE_URL_REGEX), so the
// client sends `Host: localhost:<port>` and gets such URLs back.
// sqslite 2.1.1's DeleteMessageBatch keeps the messages it names and drops every other one
// (its filter in lib/sqs.js is inverted), so a consumer using it empties the queue. Its
// ReceiveMessage gives every message of one receive the same receipt handle, and its
// DeleteMessage drops every message holding a handle: the client settles a receive with one
// DeleteMessage per distinct handle, one call per receive, as DeleteMessageBatch would be.
const SQSLITE_SCRIPT = `
process.removeAllListeners('warning')
const server = require('sqslite')({ logger: false })
server.listen(0, '127.0.0.1', (err, address) => { if (err) throw err; console.log('sqslite listening ' + server.server.address().port) })
`

export const SQSLITE: Peer = {
  name: 'sqslite',
  unavailable: () => undefined,
  async start () {
    const child = spawn(process.execPath, ['-e', SQSLITE_SCRIPT], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] })
    const exited = exitedPromise(child)
    const stop = stopper(child, exited)
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('sqslite did not start in time')), START_TIMEOUT_MS)
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const match = /^sqslite listening (\d+)$/.exec(line)
        if (match !== null) {
          clearTimeout(timer)
          resolve(Number(match[1]))
        }
      })
      void exited.then(() => { clearTimeout(timer); reject(new Error('sqslite exited before listening')) })
    }).catch(async (err: unknown) => { await stop(); throw err })
    const endpoint = `http://127.0.0.1:${port}`
    return { name: 'sqslite', pid: child.pid!, endpoint, client: (sockets) => new SqsQuery(endpoint, sockets, { hostHeader: `localhost:${port}`, deleteByHandle: true }), stop }
  }
}

function freePort (): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number }
      probe.close(() => resolve(port))
    })
  })
}

let motoChecked: string | undefined | null = null

export const MOTO: Peer = {
  name: 'moto',
  unavailable () {
    if (motoChecked === null) {
      const probe = spawnSync('moto_server', ['--help'], { stdio: 'ignore' })
      motoChecked = probe.error === undefined && probe.status === 0 ? undefined : 'moto_server is not on the PATH'
    }
    return motoChecked
  },
  async start () {
    const port = await freePort()
    const child = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: ['ignore', 'ignore', 'ignore'] })
    const exited = exitedPromise(child)
    const stop = stopper(child, exited)
    const endpoint = `http://127.0.0.1:${port}`
    // moto prints nothing machine-readable when it is up; it is up once it answers.
    const deadline = Date.now() + START_TIMEOUT_MS
    for (;;) {
      if (child.exitCode !== null) throw new Error('moto_server exited before listening')
      try {
        const res = await fetch(`${endpoint}/moto-api/`)
        await res.arrayBuffer()
        break
      } catch {
        if (Date.now() > deadline) { await stop(); throw new Error('moto_server did not start in time') }
        await sleep(100)
      }
    }
    return { name: 'moto', pid: child.pid!, endpoint, client: (sockets) => new SqsJson(endpoint, sockets), stop }
  }
}

export const PEERS: readonly Peer[] = [SQSLITE, MOTO]
