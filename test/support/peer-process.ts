// Runs a JSON-lines driver (net-peer.ts, hostile-peer.ts) in a namespace host and lets a test
// wait for its events and send it commands.
import { fileURLToPath } from 'node:url'
import { createInterface } from 'node:readline'
import type { ChildProcess } from 'node:child_process'
import type { LanHost } from './netns.js'

export type PeerEvent = { event?: string; reply?: number; [key: string]: unknown }

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))

export class PeerProcess {
  readonly lines: PeerEvent[] = []
  readonly #waiters = new Set<{
    match: (e: PeerEvent) => boolean
    resolve: (e: PeerEvent) => void
  }>()
  #nextReq = 1
  readonly exited: Promise<number | null>

  private constructor(readonly child: ChildProcess) {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let parsed: PeerEvent
      try {
        parsed = JSON.parse(line) as PeerEvent
      } catch {
        return
      }
      this.lines.push(parsed)
      for (const waiter of this.#waiters) {
        if (waiter.match(parsed)) {
          this.#waiters.delete(waiter)
          waiter.resolve(parsed)
        }
      }
    })
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)))
  }

  /** starts `script` (path relative to the repo root) with tsx inside the host's namespace */
  static start(host: LanHost, script: string, args: object = {}): PeerProcess {
    const child = host.spawn(
      process.execPath,
      ['--import', 'tsx', '--import', './shared/polyfills.ts', script, JSON.stringify(args)],
      { cwd: repoRoot, stdio: ['pipe', 'pipe', 'inherit'] },
    )
    return new PeerProcess(child)
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null
  }

  events(name: string): PeerEvent[] {
    return this.lines.filter((line) => line.event === name)
  }

  /** the first event (already seen or future) that matches; rejects after timeoutMs */
  waitFor(
    match: (e: PeerEvent) => boolean,
    timeoutMs = 15_000,
    what = 'event',
  ): Promise<PeerEvent> {
    const seen = this.lines.find(match)
    if (seen !== undefined) return Promise.resolve(seen)
    return new Promise((resolve, reject) => {
      const waiter = {
        match,
        resolve: (e: PeerEvent) => {
          clearTimeout(timer)
          resolve(e)
        },
      }
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter)
        reject(new Error(`timed out waiting for ${what}`))
      }, timeoutMs)
      this.#waiters.add(waiter)
    })
  }

  waitForEvent(
    name: string,
    match: (e: PeerEvent) => boolean = () => true,
    timeoutMs?: number,
  ): Promise<PeerEvent> {
    return this.waitFor((e) => e.event === name && match(e), timeoutMs, name)
  }

  async request(cmd: string, params: object = {}, timeoutMs = 60_000): Promise<PeerEvent> {
    const req = this.#nextReq++
    const reply = this.waitFor((e) => e.reply === req, timeoutMs, `reply to ${cmd}`)
    this.child.stdin!.write(`${JSON.stringify({ req, cmd, ...params })}\n`)
    const result = await reply
    if (result.ok !== true) throw new Error(`${cmd} failed: ${String(result.error)}`)
    return result
  }

  kill(signal: NodeJS.Signals = 'SIGKILL'): void {
    if (this.alive) this.child.kill(signal)
  }
}
