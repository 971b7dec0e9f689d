/**
 * Consumer workers in real child processes (test/helpers/consumer-worker.ts), and what they
 * reported: batches, events, readiness. Used by the consumer tests and benchmarks.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import type { ConsumerOptions } from '../../client/index.js'

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface WorkerMessage {
  t: 'ready' | 'batch' | 'event' | 'stopped'
  at: number
  shard?: string
  recs?: Array<[string, string, string]>
  n?: number
  name?: string
  [key: string]: unknown
}

export interface WorkerOptions extends ConsumerOptions {
  handlerDelayMs?: number
  countOnly?: boolean
}

export class Worker {
  readonly messages: WorkerMessage[] = []
  readonly exited: Promise<unknown>
  readonly #process: ChildProcess
  #stderr = ''
  #waiters: Array<() => void> = []

  constructor (readonly id: string, options: WorkerOptions) {
    this.#process = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/consumer-worker.ts', JSON.stringify({ ...options, workerId: id })], {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'pipe']
    })
    this.#process.stderr!.setEncoding('utf8').on('data', (chunk: string) => { this.#stderr = (this.#stderr + chunk).slice(-4000) })
    createInterface({ input: this.#process.stdout! }).on('line', (line) => {
      try {
        this.messages.push(JSON.parse(line) as WorkerMessage)
      } catch {
        return
      }
      for (const wake of this.#waiters.splice(0)) wake()
    })
    this.exited = once(this.#process, 'exit')
  }

  get stderr (): string { return this.#stderr }

  /** Resolves once a reported message satisfies the predicate. */
  async waitFor (what: string, predicate: (m: WorkerMessage) => boolean, timeoutMs = 20_000): Promise<WorkerMessage> {
    const deadline = Date.now() + timeoutMs
    let seen = 0
    for (;;) {
      for (; seen < this.messages.length; seen++) if (predicate(this.messages[seen]!)) return this.messages[seen]!
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`worker ${this.id}: gave up waiting for ${what}; stderr: ${this.#stderr}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250))
        this.#waiters.push(() => { clearTimeout(timer); resolve() })
      })
    }
  }

  ready (): Promise<WorkerMessage> {
    return this.waitFor('ready', (m) => m.t === 'ready', 30_000)
  }

  /** Graceful stop; resolves with the time the stop was asked for (epoch ms). */
  async stop (): Promise<number> {
    const asked = performance.timeOrigin + performance.now()
    this.#process.stdin!.write('stop\n')
    await this.waitFor('stopped', (m) => m.t === 'stopped', 20_000)
    await this.exited
    return asked
  }

  kill (): number {
    const at = performance.timeOrigin + performance.now()
    this.#process.kill('SIGKILL')
    return at
  }

  /** SIGSTOP: the worker freezes with its connections open, as in a long GC pause or a partition. */
  pause (): number {
    this.#process.kill('SIGSTOP')
    return performance.timeOrigin + performance.now()
  }

  resume (): number {
    this.#process.kill('SIGCONT')
    return performance.timeOrigin + performance.now()
  }

  /** Every record this worker handled: [shardId, sequenceNumber, partitionKey, data, at]. */
  records (): Array<{ shard: string, seq: string, key: string, data: string, at: number }> {
    const out: Array<{ shard: string, seq: string, key: string, data: string, at: number }> = []
    for (const m of this.messages) {
      if (m.t !== 'batch' || m.recs === undefined) continue
      for (const [seq, key, data] of m.recs) out.push({ shard: m.shard!, seq, key, data, at: m.at })
    }
    return out
  }

  events (name: string): WorkerMessage[] {
    return this.messages.filter((m) => m.t === 'event' && m.name === name)
  }
}
