// `npm run fuzz -- [target…] [--runs N] [--seed S] [--json]`: runs fast-check over one target or
// all (test/fuzz/README.md), prints seed, runs, crashes and hangs. 1,000,000 inputs per target by
// default, 10,000 when CI is set. Exit code 1 on any crash or hang.
import { parseArgs } from 'node:util'
import { printTable } from '../bench/table.js'
import { runTarget, type FuzzResult } from './run.js'
import { targets } from './targets.js'

const { values, positionals } = parseArgs({
  options: {
    runs: { type: 'string' },
    seed: { type: 'string' },
    json: { type: 'boolean', default: false },
  },
  allowPositionals: true,
})
const names = positionals.length === 0 ? Object.keys(targets) : positionals
const unknown = names.filter((n) => targets[n] === undefined)
if (unknown.length > 0) {
  console.error(
    `unknown fuzz target ${unknown.join(', ')}; usage: npm run fuzz -- [${Object.keys(targets).join('|')}] [--runs N] [--seed S] [--json]`,
  )
  process.exit(2)
}
const runs =
  values.runs !== undefined ? Number(values.runs) : process.env['CI'] ? 10_000 : 1_000_000
const seed = values.seed !== undefined ? Number(values.seed) : (Math.random() * 2 ** 31) | 0
if (!Number.isSafeInteger(runs) || runs < 1 || !Number.isSafeInteger(seed)) {
  console.error('--runs and --seed take whole numbers')
  process.exit(2)
}

const results: FuzzResult[] = []
for (const name of names) {
  const started = Date.now()
  const result = await runTarget(name, { runs, seed })
  results.push(result)
  if (!values.json)
    console.error(
      `${name}: ${result.runs.toLocaleString('en-US')} inputs in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    )
}

if (values.json) console.log(JSON.stringify(results))
else {
  printTable({
    title: `fuzz (seed ${seed})`,
    columns: ['target', 'seed', 'runs', 'crashes', 'hangs'],
    rows: results.map((r) => [r.target, String(r.seed), r.runs, r.crashes, r.hangs]),
    notes: results.flatMap((r) => r.examples.map((e) => `${r.target}: ${e}`)),
    json: {},
  })
}
process.exit(results.some((r) => r.crashes > 0 || r.hangs > 0) ? 1 : 0)
