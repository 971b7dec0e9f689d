/**
 * Enough of the Prometheus text format for the CLI to read a few series from a server's
 * `/metrics`: sample lines with their labels; comments and types are skipped.
 */

export interface MetricSample {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly value: number
}

const LINE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g
const ESCAPES: Record<string, string> = { n: '\n', '\\': '\\', '"': '"' }

export function parseMetrics (text: string): MetricSample[] {
  const samples: MetricSample[] = []
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const match = LINE.exec(line)
    if (match === null) continue
    const labels: Record<string, string> = {}
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key!] = value!.replace(/\\(.)/g, (_, c: string) => ESCAPES[c] ?? c)
    samples.push({ name: match[1]!, labels, value: Number(match[3]) })
  }
  return samples
}
