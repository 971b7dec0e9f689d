/**
 * `shardline health`: asks a server's `/health` (or `/ready`) and exits 0 when it answers
 * 200. The container image's HEALTHCHECK runs it: the slim image has no curl or wget.
 */
import { parseCommand } from './command-args.js'

export const HEALTH_USAGE = `  health [--url URL] [--ready]               exit 0 when the server's /health (or /ready) answers 200
                                             (--url defaults to http://127.0.0.1:4567)
`

const TIMEOUT_MS = 3000

/** Returns the line to print; throws (exit 1) when the server is not healthy or ready. */
export async function healthCommand (args: string[]): Promise<string> {
  const { flags } = parseCommand('health', args, [], { url: { type: 'string' }, ready: { type: 'boolean' } })
  const base = typeof flags.url === 'string' ? flags.url.replace(/\/+$/, '') : 'http://127.0.0.1:4567'
  const url = `${base}${flags.ready === true ? '/ready' : '/health'}`
  let res: Response
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS) })
  } catch (err) {
    throw new Error(`${url}: no answer (${(err as Error).message})`, { cause: err })
  }
  const body = (await res.text()).trim()
  if (res.status !== 200) throw new Error(`${url}: ${res.status} ${body}`)
  return `${url}: ${body}\n`
}
