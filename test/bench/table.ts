/**
 * The markdown table the benchmark prints.
 */

export interface TableRow {
  readonly measure: string
  readonly median: string
  readonly runs: string
  readonly target: string
  readonly met: string
}

const HEADERS: TableRow = { measure: 'measure', median: 'median', runs: 'runs', target: 'target', met: 'met?' }
const COLUMNS = Object.keys(HEADERS) as Array<keyof TableRow>

export function markdownTable (rows: readonly TableRow[]): string {
  const widths = COLUMNS.map((c) => Math.max(3, ...[HEADERS, ...rows].map((r) => r[c].length)))
  const line = (r: TableRow): string => '| ' + COLUMNS.map((c, i) => r[c].padEnd(widths[i]!)).join(' | ') + ' |'
  const rule = '|' + widths.map((w) => '-'.repeat(w + 2)).join('|') + '|'
  return [line(HEADERS), rule, ...rows.map(line)].join('\n')
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })
const decimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })

/** Rates and record counts read best whole; milliseconds and megabytes with two places. */
export function formatValue (value: number, unit: string): string {
  // A peer that failed a measure (its error is in the progress log) has no figure.
  if (Number.isNaN(value)) return 'failed'
  const text = unit.endsWith('/s') ? integer.format(value) : (unit === 'MB' && value >= 100 ? integer.format(value) : decimal.format(value))
  return `${text} ${unit}`
}
