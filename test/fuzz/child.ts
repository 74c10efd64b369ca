// One fuzz run in its own process (test/fuzz/run.ts starts it): a target that loops forever or
// kills its process cannot take the runner with it. Reports progress every 250 ms (the parent's
// watchdog), and the result at the end.
import fc from 'fast-check'
import { targets } from './targets.js'
import type { FuzzTarget } from './target.js'

export interface ChildOptions {
  target: string
  runs: number
  seed: number
  /** an input still unsettled after this long counts as a hang */
  hangMs: number
}

export type ChildMessage =
  | { type: 'ready' }
  | { type: 'progress'; runs: number }
  | { type: 'done'; runs: number; crashes: number; hangs: number; examples: string[] }

const MAX_KINDS = 5
const options = JSON.parse(process.argv[2] ?? '{}') as ChildOptions
const send = (message: ChildMessage): void => void process.send?.(message)
// a registered name, or a module URL (the runner's own test uses fixtures/broken.ts)
const load =
  targets[options.target] ??
  (options.target.startsWith('file:')
    ? () => import(options.target) as Promise<{ target: FuzzTarget<never> }>
    : undefined)
if (load === undefined) throw new Error(`no fuzz target ${options.target}`)
const target = (await load()).target as FuzzTarget<unknown>
const harness = await target.setup()

let runs = 0
let crashes = 0
let hangs = 0
// one example per kind of failure (its message without the numbers and quoted parts), with a count
const kinds = new Map<string, { count: number; example: string }>()
const note = (kind: string, input: unknown, detail: string): void => {
  const key = `${kind}: ${detail
    .split('\n')[0]!
    .split('"')[0]!
    .replace(/[0-9a-f]{8,}|\d+/g, '…')}`
  const seen = kinds.get(key)
  if (seen !== undefined) seen.count++
  else if (kinds.size < MAX_KINDS)
    kinds.set(key, {
      count: 1,
      example: `${kind} at run ${runs - 1}: ${detail}\n    input: ${input === undefined ? '-' : harness.show(input as never).slice(0, 2000)}`,
    })
}
const progress = setInterval(() => send({ type: 'progress', runs }), 250)
send({ type: 'ready' })

const property = fc.asyncProperty(harness.inputs, async (input) => {
  runs++
  // a synchronous check resolves in microtasks only; yield now and then so the progress timer
  // runs (else the watchdog would take a fast target for a stuck one)
  if (runs % 512 === 0) await new Promise((resolve) => setImmediate(resolve))
  let timer: NodeJS.Timeout | undefined
  const hung = new Promise<'hang'>(
    (resolve) => (timer = setTimeout(() => resolve('hang'), options.hangMs)),
  )
  try {
    const outcome = await Promise.race([Promise.resolve(harness.check(input as never)), hung])
    if (outcome === 'hang') {
      hangs++
      note('hang', input, `unsettled after ${options.hangMs} ms`)
    }
  } catch (error) {
    crashes++
    note(
      'crash',
      input,
      error instanceof Error
        ? `${error.message}${error.cause instanceof Error ? `\n    cause: ${error.cause.stack?.split('\n').slice(0, 4).join('\n    ')}` : ''}`
        : String(error),
    )
  } finally {
    clearTimeout(timer)
  }
  return true
})
await fc.check(property, { numRuns: options.runs, seed: options.seed })
clearInterval(progress)
try {
  await harness.close?.()
} catch (error) {
  crashes++
  note(
    'crash',
    undefined,
    `after the last input: ${error instanceof Error ? error.message : String(error)}`,
  )
}
const examples = [...kinds.values()].map((k) => `${k.count.toLocaleString('en-US')}× ${k.example}`)
send({ type: 'done', runs, crashes, hangs, examples })
process.disconnect?.()
