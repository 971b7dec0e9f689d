/**
 * The listings of `shardline queues` and `shardline topics`: a heading row, then one row
 * per resource, columns two spaces apart, numbers right-aligned so their digits line up.
 * The last column is left ragged, as `ls -l` leaves its names.
 */

export interface Column<K extends string> {
  readonly key: K
  readonly heading: string
  readonly numeric?: boolean
}

export function textTable<K extends string> (columns: ReadonlyArray<Column<K>>, rows: ReadonlyArray<Readonly<Record<K, string>>>): string {
  const headings = Object.fromEntries(columns.map((c) => [c.key, c.heading])) as Record<K, string>
  const all = [headings, ...rows]
  const widths = columns.map((c) => Math.max(...all.map((r) => r[c.key].length)))
  return all.map((row) => columns.map((c, i) => {
    if (i === columns.length - 1) return row[c.key]
    return c.numeric === true && row !== headings ? row[c.key].padStart(widths[i]!) : row[c.key].padEnd(widths[i]!)
  }).join('  ').trimEnd()).join('\n') + '\n'
}
