// The transfers running in the background (transfers.ts): each pull, download or upload with its
// abort controller, the timers that run an interrupted one again on the outbox's back-off, and
// stop(), which ends them all (they stay 'transferring' and run again after the next start).
import { backoffDelay, type BackoffPolicy } from '../../../shared/backoff.js'
import type { PigeonError } from '../../../shared/errors.js'
import type { TransferRow } from '../store/index.js'
import type { TransferChange } from '../store/transfers.js'
import { hex, progressMeter } from './transfer-progress.js'

export interface TransferJobsInit {
  now: () => number
  /** stores a change and emits the row (rate 0) */
  changed: (id: Uint8Array, change: TransferChange) => TransferRow
  /** stores progress and emits it with its rate */
  progress: (id: Uint8Array, bytesDone: number, rateBytesPerSec: number) => void
  /** whether a failure means "not reachable now, try again later" rather than failed */
  retryable: (row: TransferRow, error: unknown) => boolean
  /** runs an interrupted transfer again */
  restart: (row: TransferRow) => void
  current: (id: Uint8Array) => TransferRow | undefined
  /** the job failed for good (after the row became 'failed'), with the text stored as its error */
  failed: (row: TransferRow, error: string) => void
  backoff: BackoffPolicy
}

export type Work = (signal: AbortSignal, onProgress: (bytesDone: number) => void) => Promise<void>

interface Running {
  controller: AbortController
  done: Promise<void>
}

export class TransferJobs {
  readonly #init: TransferJobsInit
  readonly #running = new Map<string, Running>()
  /** timers by key, and how often each failed in a row */
  readonly #timers = new Map<string, { timer: NodeJS.Timeout; failures: number }>()
  #stopping = false

  constructor(init: TransferJobsInit) {
    this.#init = init
  }

  get stopping(): boolean {
    return this.#stopping
  }

  /** after a start: jobs may run again */
  resume(): void {
    this.#stopping = false
  }

  isRunning(id: Uint8Array): boolean {
    return this.#running.has(hex(id))
  }

  /**
   * Runs `work` with an abort signal and a progress callback. Paused or cancelled: the caller
   * sets the state; stopping: it stays 'transferring'. Not reachable now (retryable): it runs
   * again later; anything else fails the transfer, with the code and the sentence.
   */
  start(row: TransferRow, work: Work): TransferRow {
    const { id } = row
    const key = hex(id)
    const controller = new AbortController()
    const onProgress = progressMeter(this.#init.now, row.bytesDone, (bytesDone, rate) =>
      this.#init.progress(id, bytesDone, rate),
    )
    const done = work(controller.signal, onProgress)
      .then(
        () => this.#clear(key),
        (error: unknown) => {
          if (controller.signal.aborted) {
            if (controller.signal.reason === 'stopping')
              this.#init.changed(id, { state: 'transferring' })
            return
          }
          const code = (error as PigeonError).code
          const message = error instanceof Error ? error.message : String(error)
          if (this.#init.retryable(row, error)) {
            this.#init.changed(id, { state: 'transferring', error: message })
            this.#retryLater(id)
          } else {
            const text = code === undefined ? message : `${code}: ${message}`
            this.#init.changed(id, { state: 'failed', error: text })
            this.#init.failed(row, text)
          }
        },
      )
      .finally(() => this.#running.delete(key))
    this.#running.set(key, { controller, done })
    return this.#init.changed(id, { state: 'transferring' })
  }

  async abort(id: Uint8Array, reason: string): Promise<void> {
    const running = this.#running.get(hex(id))
    if (running === undefined) return
    running.controller.abort(reason)
    await running.done
  }

  /** runs `fn` after the back-off for attempt `failures` (one timer per key; a new one replaces it) */
  later(key: string, failures: number, fn: () => void, backoff = this.#init.backoff): void {
    clearTimeout(this.#timers.get(key)?.timer)
    const timer = setTimeout(
      () => {
        if (!this.#stopping) fn()
      },
      backoffDelay(failures, backoff),
    )
    timer.unref()
    this.#timers.set(key, { timer, failures })
  }

  /** how often the job under `key` failed in a row */
  failures(key: string): number {
    return this.#timers.get(key)?.failures ?? 0
  }

  async stop(): Promise<void> {
    this.#stopping = true
    for (const entry of this.#timers.values()) clearTimeout(entry.timer)
    this.#timers.clear()
    const running = [...this.#running.values()]
    for (const r of running) r.controller.abort('stopping')
    await Promise.all(running.map((r) => r.done))
  }

  /**
   * The peer still looks online but the pull could not reach it (a dial timed out, the stream
   * broke), or the relay could not be reached: try again on the back-off, unless the peer's
   * presence brings it back first.
   */
  #retryLater(id: Uint8Array): void {
    const key = hex(id)
    this.later(key, this.failures(key), () => {
      const row = this.#init.current(id)
      if (row?.state === 'transferring') this.#init.restart(row)
    })
    this.#timers.get(key)!.failures += 1
  }

  #clear(key: string): void {
    clearTimeout(this.#timers.get(key)?.timer)
    this.#timers.delete(key)
  }
}
