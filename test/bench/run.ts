/**
 * `npm run bench`: starts the real server as a child process (fresh data directory for
 * every run of every measure, so runs are independent), drives it with StreamClient, and
 * prints a markdown table of medians. Progress goes to stderr, the table to stdout.
 *
 * --only id,id picks measures (ids in measures.ts); --runs N sets the runs per measure (3).
 *
 * --cpu-prof DIR writes a V8 CPU profile of each server process into DIR (open it in
 * Chrome DevTools); profiling slows the server, so figures taken with it are not comparable.
 * --server-arg ARG (repeatable) adds a flag to the measured server's command, e.g. --server-arg=--metrics --server-arg=off.
 * --server-root DIR runs the server of another checkout (with its own node_modules), to
 * measure a change against this one with the same client and load.
 *
 * --against-root DIR and --against-arg ARG (repeatable) make every run a pair: the measure
 * runs on this server and on the other one (that checkout, or these flags instead of the
 * --server-arg ones), in alternating order, and the table adds the other's medians and the
 * median of the per-pair ratios. This VM's speed drifts by tens of percent from minute to
 * minute (kinesalite's figures move with shardline's); a ratio taken within one pair
 * cancels most of that drift, where two batches of runs taken one after the other do not.
 */
import { cpus, loadavg, platform, release } from 'node:os'
import { resolve } from 'node:path'
import { parseArgs } from 'node:util'
import { MEASURES, type Measure, type RowSpec } from './measures.js'
import { startServerProcess } from './server-process.js'
import { median } from './stats.js'
import { formatValue, markdownTable, type TableRow } from './table.js'

const USAGE = 'usage: npm run bench [-- --only id[,id...]] [--runs N] [--cpu-prof DIR] [--server-root DIR] [--server-arg ARG ...] [--against-root DIR] [--against-arg ARG ...]'

function usageError (message: string): never {
  process.stderr.write(`bench: ${message}\n${USAGE}\n`)
  process.exit(2)
}

const argv = process.argv.slice(2)
let flags
try {
  ({ values: flags } = parseArgs({
    args: argv,
    options: {
      only: { type: 'string' },
      runs: { type: 'string', default: '3' },
      'cpu-prof': { type: 'string' },
      'server-root': { type: 'string' },
      'server-arg': { type: 'string', multiple: true },
      'against-root': { type: 'string' },
      'against-arg': { type: 'string', multiple: true }
    },
    strict: true,
    allowPositionals: false
  }))
} catch (err) {
  usageError((err as Error).message)
}

const runs = Number(flags.runs)
if (!Number.isInteger(runs) || runs < 1) usageError(`--runs must be a positive integer, got '${flags.runs}'`)
const wanted = flags.only?.split(',').map((s) => s.trim()).filter((s) => s !== '')
const unknown = wanted?.filter((id) => !MEASURES.some((m) => m.id === id)) ?? []
if (unknown.length > 0) usageError(`unknown measure(s) ${unknown.join(', ')}; known: ${MEASURES.map((m) => m.id).join(', ')}`)
const selected = wanted === undefined ? MEASURES : MEASURES.filter((m) => wanted.includes(m.id))
const profileDir = flags['cpu-prof'] === undefined ? undefined : resolve(flags['cpu-prof'])
const nodeArgs = profileDir === undefined ? [] : ['--cpu-prof', '--cpu-prof-dir', profileDir]
const serverRoot = flags['server-root'] === undefined ? undefined : resolve(flags['server-root'])
/** Extra `shardline serve` flags for the measured server, e.g. `--server-arg=--metrics --server-arg=off`. */
const serverArgs = flags['server-arg'] ?? []

/** One server configuration a run is measured on. */
interface ServerSetup {
  readonly serverRoot: string | undefined
  readonly serverArgs: readonly string[]
}

const measured: ServerSetup = { serverRoot, serverArgs }
const paired = flags['against-root'] !== undefined || flags['against-arg'] !== undefined
/** The other server of each pair: its own checkout and flags where given, this one's otherwise. */
const against: ServerSetup = {
  serverRoot: flags['against-root'] === undefined ? serverRoot : resolve(flags['against-root']),
  serverArgs: flags['against-arg'] ?? serverArgs
}

function log (line: string): void {
  process.stderr.write(line + '\n')
}

/** Exposed by `npm run bench` (tsx --expose-gc); absent when run.ts is started without it. */
const collectGarbage = (globalThis as { gc?: () => void }).gc

async function runOnce (measure: Measure, run: number, setup: ServerSetup, name = ''): Promise<Record<string, number>> {
  // This process puts and receives for every measure: the garbage one run leaves (a million
  // records put for the RSS measure) must not be collected during the next, where a pause
  // would be timed as the server's latency.
  collectGarbage?.()
  const server = await startServerProcess({ nodeArgs, serverArgs: setup.serverArgs, ...(setup.serverRoot === undefined ? {} : { serverRoot: setup.serverRoot }) })
  try {
    const result = await measure.run(server)
    const summary = measure.rows.map((r) => `${r.key} ${formatValue(result.values[r.key]!, r.unit)}`).join(', ')
    log(`  ${measure.id} run ${run}/${runs}${name}: ${summary}${result.detail === undefined ? '' : ` (${result.detail})`}`)
    return result.values
  } finally {
    await server.stop()
  }
}

function targetText (row: RowSpec): string {
  return row.target === undefined ? '-' : `${row.target.op} ${formatValue(row.target.value, row.unit)}`
}

function metText (row: RowSpec, value: number): string {
  if (row.target === undefined) return '-'
  const { op, value: bound } = row.target
  const met = op === '>=' ? value >= bound : op === '<=' ? value <= bound : value < bound
  return met ? 'yes' : 'NO'
}

const rows: TableRow[] = []

/** The median of the runs that measured: NaN is a peer's failed run (its error was logged). */
function medianOf (values: readonly number[]): number {
  const measuredValues = values.filter((v) => !Number.isNaN(v))
  return measuredValues.length === 0 ? Number.NaN : median(measuredValues)
}

function tableRow (label: string, values: readonly number[], unit: RowSpec['unit'], target?: RowSpec['target'], met?: string): TableRow {
  const spec = { key: '', label, unit, ...(target === undefined ? {} : { target }) }
  const mid = medianOf(values)
  return { measure: label, median: formatValue(mid, unit), runs: values.map((v) => formatValue(v, unit).replace(` ${unit}`, '')).join(' / '), target: targetText(spec), met: met ?? metText(spec, mid) }
}

/** A row spec's table rows: this server's, and in a paired run the other's and the per-pair ratios. */
function rowsOf (row: RowSpec, ours: ReadonlyArray<Record<string, number>>, theirs: ReadonlyArray<Record<string, number>>): TableRow[] {
  const values = ours.map((r) => r[row.key]!)
  const own = tableRow(row.label, values, row.unit, row.target)
  if (!paired) return [own]
  const other = theirs.map((r) => r[row.key]!)
  const ratios = values.map((v, i) => other[i]! / v)
  return [
    own,
    tableRow(`${row.label} [against]`, other, row.unit, row.target),
    tableRow(`${row.label} [against / this, per pair]`, ratios, 'x', undefined, `higher in ${ratios.filter((r) => r > 1).length} of ${ratios.length}`)
  ]
}

const started = Date.now()
// Other work on the machine skews every figure; the load at the start shows whether there was any.
const loadAtStart = loadavg()[0]!
for (const measure of selected) {
  log(`${measure.id}: ${runs} run(s)${paired ? ', each on this server and the other, in alternating order' : ''}`)
  const ours: Array<Record<string, number>> = []
  const theirs: Array<Record<string, number>> = []
  for (let run = 1; run <= runs; run++) {
    if (!paired) {
      ours.push(await runOnce(measure, run, measured))
    } else if (run % 2 === 1) {
      ours.push(await runOnce(measure, run, measured, ' (this)'))
      theirs.push(await runOnce(measure, run, against, ' (against)'))
    } else {
      theirs.push(await runOnce(measure, run, against, ' (against)'))
      ours.push(await runOnce(measure, run, measured, ' (this)'))
    }
  }
  for (const row of measure.rows) rows.push(...rowsOf(row, ours, theirs))
}

const cpu = cpus()
// SHARDLINE_BENCH_SMALL (sns-targets.ts) shrinks loads to check that measures work; the command must say so.
const command = [...(process.env.SHARDLINE_BENCH_SMALL === '1' ? ['SHARDLINE_BENCH_SMALL=1'] : []), 'npm run bench', ...(argv.length > 0 ? ['--', ...argv] : [])].join(' ')
process.stdout.write([
  '',
  markdownTable(rows),
  '',
  `Machine: ${cpu.length} CPUs, ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${platform()} ${release()}, Node ${process.version}; load average ${loadAtStart.toFixed(2)} at start, ${loadavg()[0]!.toFixed(2)} at end`,
  `Command: \`${command}\` (median of ${runs} run${runs === 1 ? '' : 's'}, fresh server and data directory per run; took ${Math.round((Date.now() - started) / 1000)} s)`,
  ...(serverRoot === undefined ? [] : [`Server from: ${serverRoot}`]),
  ...(serverArgs.length === 0 ? [] : [`Server flags added: ${serverArgs.join(' ')}`]),
  ...(!paired ? [] : [`Against: ${against.serverRoot ?? 'this checkout'}, flags added: ${against.serverArgs.length === 0 ? 'none' : against.serverArgs.join(' ')}`]),
  ...(profileDir === undefined ? [] : [`CPU profiles of the server: ${profileDir}`]),
  ''
].join('\n'))
