/**
 * Reads a server's `GET /metrics` and parses the Prometheus text format, enough to look
 * series up by name and labels.
 */
import { expect } from 'vitest'

export interface Series {
  readonly name: string
  readonly labels: Record<string, string>
  readonly value: number
}

export interface Scrape {
  readonly text: string
  readonly series: readonly Series[]
  /** The series of `name` whose labels include `labels`. */
  find (name: string, labels?: Record<string, string>): Series[]
  /** The one value of `name` with those labels (0 when there is no such series). */
  value (name: string, labels?: Record<string, string>): number
  /** `# TYPE` of a metric family. */
  typeOf (name: string): string | undefined
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g

export function parseMetrics (text: string): Scrape {
  const series: Series[] = []
  const types = new Map<string, string>()
  for (const line of text.split('\n')) {
    if (line.startsWith('# TYPE ')) {
      const [, , name, type] = line.split(' ')
      types.set(name!, type!)
      continue
    }
    if (line === '' || line.startsWith('#')) continue
    const match = LINE.exec(line)
    if (match === null) throw new Error(`not a Prometheus sample line: ${line}`)
    const labels: Record<string, string> = {}
    for (const [, key, value] of (match[3] ?? '').matchAll(LABEL)) labels[key!] = value!.replace(/\\(.)/g, '$1')
    series.push({ name: match[1]!, labels, value: Number(match[4]) })
  }
  const find = (name: string, labels: Record<string, string> = {}): Series[] =>
    series.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
  return {
    text,
    series,
    find,
    value (name, labels) {
      const found = find(name, labels)
      expect(found.length, `${name} ${JSON.stringify(labels)} matched ${found.length} series`).toBeLessThanOrEqual(1)
      return found[0]?.value ?? 0
    },
    typeOf: (name) => types.get(name)
  }
}

export async function scrape (httpPort: number): Promise<Scrape> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/metrics`)
  expect(res.status).toBe(200)
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/)
  return parseMetrics(await res.text())
}
