// `npm run bench -- <name> [--json]`: runs test/bench/<name>.ts and prints its table (or one JSON
// object). Each benchmark measures its physical reference (raw TCP, Mosquitto; for crash trials,
// the same burst with no kill) in the same run.
import { parseArgs } from 'node:util'
import { printTable, type BenchResult } from './table.js'

const benches: Record<string, () => Promise<{ run: (args: string[]) => Promise<BenchResult> }>> = {
  wire: () => import('./wire.js'),
  ui: () => import('./ui.js'),
  lan: () => import('./lan.js'),
  'lan-scale': () => import('./lan-scale.js'),
  store: () => import('./store.js'),
  engine: () => import('./engine.js'),
  relay: () => import('./relay.js'),
  paths: () => import('./paths.js'),
  crash: () => import('./crash.js'),
  'files-relay': () => import('./files-relay.js'),
  files: () => import('./files.js'),
  'relay-heap': () => import('./relay-heap.js'),
  soak: () => import('./soak.js'),
}

const { values, positionals } = parseArgs({
  options: { json: { type: 'boolean', default: false } },
  allowPositionals: true,
  strict: false,
})
const name = positionals[0]
const load = name === undefined ? undefined : benches[name]
if (load === undefined) {
  console.error(`usage: npm run bench -- <${Object.keys(benches).join('|')}> [--json]`)
  process.exit(2)
}
// the bench gets every argument after its name but --json, options included (`crash --trials 5`)
const rest = process.argv.slice(2)
const own = rest.slice(rest.indexOf(name as string) + 1).filter((arg) => arg !== '--json')
const result = await (await load()).run(own)
if (values.json === true) console.log(JSON.stringify(result.json))
else printTable(result)
process.exit(0)
