/**
 * The real server as a child process, the way an operator runs it: `shardline serve` on a
 * free port with a fresh data directory. Measuring it out of process keeps the client's
 * CPU and heap out of the server's figures (and makes its RSS readable from /proc).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

/** The repository root: test/bench/ is two levels below it. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..')

const LISTENING = /^shardline listening: grpc (\S+):(\d+), http \S+:(\d+), data /
const START_TIMEOUT_MS = 30_000
const STOP_TIMEOUT_MS = 10_000
/** Enough of stderr to explain a failed start without holding a chatty log in memory. */
const STDERR_KEEP_CHARS = 8_000

export interface ServerProcessOptions {
  /** Extra node flags put before the script, e.g. ['--cpu-prof', '--cpu-prof-dir', dir]. */
  readonly nodeArgs?: readonly string[]
  /** The checkout whose dist/src/cli/main.js is run (built); default this repository. Lets a change be compared A/B. */
  readonly serverRoot?: string
  /** A data directory to serve (a restart); default a fresh one. Removed on stop either way. */
  readonly dataDir?: string
  /** More `shardline serve` flags, after the bench's own (a later flag wins). */
  readonly serverArgs?: readonly string[]
}

export interface ServerProcess {
  readonly pid: number
  /** host:port for StreamClient. */
  readonly endpoint: string
  /** http://host:port of the AWS-compatible HTTP API. */
  readonly httpEndpoint: string
  readonly dataDir: string
  /** SIGTERM (or `signal`), wait for the exit, remove the data directory unless `keepData`. Idempotent. */
  stop (options?: { keepData?: boolean, signal?: NodeJS.Signals }): Promise<void>
}

function exited (child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

export async function startServerProcess (options: ServerProcessOptions = {}): Promise<ServerProcess> {
  const dataDir = options.dataDir ?? await mkdtemp(join(tmpdir(), 'shardline-bench-'))
  const args = [
    ...(options.nodeArgs ?? []),
    // The compiled server, as `npm start` runs it: no TypeScript loader in the measured process.
    'dist/src/cli/main.js', 'serve',
    '--grpc-port', '0', '--http-port', '0', '--limits', 'off', '--data', dataDir, '--log-level', 'warn',
    ...(options.serverArgs ?? [])
  ]
  const child = spawn(process.execPath, args, { cwd: options.serverRoot ?? REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-STDERR_KEEP_CHARS)
  })
  const gone = exited(child)

  let endpoint: string
  let httpEndpoint: string
  try {
    [endpoint, httpEndpoint] = await new Promise<[string, string]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the server did not report its port within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS)
      // Lines keep being read after the match, so a full stdout pipe can never stall the server.
      createInterface({ input: child.stdout! }).on('line', (line) => {
        const match = LISTENING.exec(line)
        if (match !== null) {
          clearTimeout(timer)
          resolve([`${match[1]!}:${match[2]!}`, `http://${match[1]!}:${match[3]!}`])
        }
      })
      void gone.then(() => {
        clearTimeout(timer)
        reject(new Error(`the server exited (code ${String(child.exitCode)}, signal ${String(child.signalCode)}) before listening`))
      })
    })
  } catch (err) {
    child.kill('SIGKILL')
    await gone
    await rm(dataDir, { recursive: true, force: true })
    throw new Error(`${(err as Error).message}\nserver stderr:\n${stderr}`)
  }

  let stopping: Promise<void> | undefined
  return {
    pid: child.pid!,
    endpoint,
    httpEndpoint,
    dataDir,
    stop (how = {}) {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill(how.signal ?? 'SIGTERM')
          const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
          await gone
          clearTimeout(timer)
        }
        if (child.exitCode !== 0 && how.signal !== 'SIGKILL' && stderr.trim() !== '') process.stderr.write(`server ${String(child.pid)} stderr:\n${stderr}\n`)
        if (how.keepData !== true) await rm(dataDir, { recursive: true, force: true })
      })()
      return stopping
    }
  }
}

/** A /proc/<pid>/status field in kB (VmRSS, VmHWM, ...), as MB (2^20 bytes). */
export async function procStatusMb (pid: number, field: string): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8')
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status)
  if (match === null) throw new Error(`/proc/${pid}/status has no ${field} line`)
  return Number(match[1]) / 1024
}

/** CPU time (user + system) a process has used so far, in ms; /proc counts in clock ticks of 10 ms. */
export async function procCpuMs (pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8')
  // The command name (field 2) may hold spaces; the fields after its closing parenthesis do not.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
  return (Number(fields[11]) + Number(fields[12])) * 10
}
