// Runs one fuzz target in a child process (test/fuzz/child.ts) under a watchdog: a child whose
// run count stops moving for `hangMs` × 2 is stuck inside one input (a synchronous loop blocks its
// own timers) and is killed and counted as a hang; a child that dies is a crash.
import { fork } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { ChildMessage, ChildOptions } from './child.js'

export interface FuzzResult {
  target: string
  seed: number
  runs: number
  crashes: number
  hangs: number
  examples: string[]
}

const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url))
/** the target's own setup (key generation, a relay process) before the first input */
const SETUP_LIMIT_MS = 120_000

export function runTarget(
  target: string,
  options: { runs: number; seed: number; hangMs?: number; env?: Record<string, string> },
): Promise<FuzzResult> {
  const childOptions: ChildOptions = {
    target,
    runs: options.runs,
    seed: options.seed,
    hangMs: options.hangMs ?? 5_000,
  }
  const child = fork(CHILD, [JSON.stringify(childOptions)], {
    cwd: ROOT,
    execArgv: ['--import', 'tsx', '--import', './shared/polyfills.ts'],
    stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    env: { ...process.env, ...options.env },
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-4000)))
  const result: FuzzResult = {
    target,
    seed: options.seed,
    runs: 0,
    crashes: 0,
    hangs: 0,
    examples: [],
  }
  let ready = false
  let lastMove = Date.now()
  let settled = false
  return new Promise((resolve) => {
    const finish = (): void => {
      if (settled) return
      settled = true
      clearInterval(watchdog)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      resolve(result)
    }
    const watchdog = setInterval(() => {
      const limit = ready ? childOptions.hangMs * 2 : SETUP_LIMIT_MS
      if (Date.now() - lastMove <= limit) return
      result.hangs++
      result.examples.push(
        `hang at run ${result.runs}: no progress for ${limit} ms (replay: --seed ${options.seed}, fast-check path "${result.runs}")`,
      )
      finish()
    }, 250)
    child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') {
        ready = true
        lastMove = Date.now()
      } else if (message.type === 'progress') {
        if (message.runs !== result.runs) lastMove = Date.now()
        result.runs = message.runs
      } else {
        Object.assign(result, {
          runs: message.runs,
          crashes: message.crashes,
          hangs: message.hangs,
          examples: message.examples,
        })
        settled = true
        clearInterval(watchdog)
        resolve(result)
      }
    })
    child.on('exit', (code, signal) => {
      if (settled) return
      result.crashes++
      result.examples.push(
        `the fuzz process died (${signal ?? `exit ${code}`}) at run ${result.runs}:\n${stderr}`,
      )
      finish()
    })
  })
}
