// The one output format of every benchmark: a titled table for people, a flat JSON object for tools.
export interface BenchResult {
  title: string
  columns: string[]
  rows: Array<Array<string | number>>
  notes?: string[]
  json: Record<string, number | string>
}

function cell(value: string | number): string {
  if (typeof value === 'string') return value
  if (Number.isInteger(value)) return value.toLocaleString('en-US')
  return value.toFixed(value < 10 ? 2 : 1)
}

export function printTable(result: BenchResult): void {
  const cells = [result.columns, ...result.rows.map((row) => row.map(cell))]
  const widths = result.columns.map((_, i) =>
    Math.max(...cells.map((row) => (row[i] ?? '').length)),
  )
  const line = (row: string[]): string =>
    `| ${row.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`
  console.log(`### ${result.title}\n`)
  console.log(line(result.columns))
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`)
  for (const row of cells.slice(1)) console.log(line(row))
  for (const note of result.notes ?? []) console.log(`\n${note}`)
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))
  return sorted[index] ?? Number.NaN
}
