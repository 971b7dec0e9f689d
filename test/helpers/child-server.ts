/**
 * Runs `shardline serve` as a child process, the way a user runs it, so tests can send it
 * signals (graceful shutdown) or SIGKILL it (crash safety).
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { fileURLToPath } from 'node:url'

export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url))

export interface ChildServer {
  readonly process: ChildProcess
  readonly port: number
  readonly endpoint: string
  /** The AWS-compatible HTTP API's port. */
  readonly httpPort: number
  /** Everything the process printed on stdout so far. */
  stdout (): string
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>
}

/** Starts `shardline serve --grpc-port 0 --http-port 0 ...args` and waits for its listening line. */
export async function startChildServer (args: string[]): Promise<ChildServer> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--grpc-port', '0', '--http-port', '0', '--log-level', 'warn', ...args], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let out = ''
  let err = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { out += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { err += chunk })
  const exited = once(child, 'exit').then(([code, signal]) => (code as number | null) ?? (signal as string))
  const [port, httpPort] = await new Promise<[number, number]>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start within 20 s; stderr: ${err}`)), 20_000)
    const check = (): void => {
      const match = /listening: grpc [^:]+:(\d+), http [^,]+:(\d+)/.exec(out)
      if (match !== null) {
        clearTimeout(timer)
        resolve([Number(match[1]), Number(match[2])])
      }
    }
    child.stdout.on('data', check)
    void exited.then((code) => { clearTimeout(timer); reject(new Error(`server exited (${code}) before listening; stderr: ${err}`)) })
  })
  return { process: child, port, httpPort, endpoint: `127.0.0.1:${port}`, stdout: () => out, exited }
}

export interface CliRun {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

/** Runs one `shardline ...args` command from the sources, as a user runs it, to its exit. */
export function runCli (args: readonly string[]): Promise<CliRun> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk })
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => { stderr += chunk })
  return new Promise((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })
}
