/**
 * A progress bar for long commands (import, export), drawn with cli-progress on stderr
 * when it is a terminal; elsewhere (a pipe, a log file) nothing is drawn, unless forced.
 */
import cliProgress from 'cli-progress'

export interface Progress {
  /** `value` of the bar's total done so far; `records` handled so far. */
  update (value: number, records: number): void
  stop (): void
}

const SILENT: Progress = { update () {}, stop () {} }

export interface ProgressOptions {
  readonly label: string
  readonly total: number
  /** What value and total count: 'bytes' (shown as KiB/MiB) or a plain unit. */
  readonly unit: 'bytes' | 'shards'
  readonly stream: NodeJS.WritableStream & { isTTY?: boolean }
  /** Draw even when the stream is no terminal (`--progress`). */
  readonly force: boolean
}

function size (bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`
}

export function startProgress (options: ProgressOptions): Progress {
  if (options.stream.isTTY !== true && !options.force) return SILENT
  const bar = new cliProgress.SingleBar({
    format: `${options.label} [{bar}] {percentage}% | {done} of {all} | {records} records | {duration_formatted}`,
    stream: options.stream,
    noTTYOutput: options.force,
    notTTYSchedule: 500,
    hideCursor: true,
    etaBuffer: 50
  }, cliProgress.Presets.shades_classic)
  const show = (n: number): string => (options.unit === 'bytes' ? size(n) : `${n} ${options.unit}`)
  bar.start(Math.max(options.total, 1), 0, { done: show(0), all: show(options.total), records: 0 })
  return {
    update (value, records) {
      bar.update(Math.min(value, Math.max(options.total, 1)), { done: show(value), all: show(options.total), records })
    },
    stop () {
      bar.stop()
    }
  }
}
