// A warning per key at most a few times per interval: a flooding peer must not be able to flood
// our logs too. Over the engine's one logger (app/core/log.ts).
import type { Logger } from '../log.js'

/** At most `perInterval` lines per `intervalMs` for one key, then one summary of how many were dropped. */
export class ThrottledLog {
  readonly #windows = new Map<string, { start: number; count: number }>()

  readonly #logger: Logger
  readonly #perInterval: number
  readonly #intervalMs: number

  constructor(logger: Logger, perInterval = 5, intervalMs = 10_000) {
    this.#logger = logger
    this.#perInterval = perInterval
    this.#intervalMs = intervalMs
  }

  warn(key: string, details: object, message: string): void {
    const now = Date.now()
    let window = this.#windows.get(key)
    if (window === undefined || now - window.start >= this.#intervalMs) {
      if (window !== undefined && window.count > this.#perInterval) {
        this.#logger.warn(
          { ...details, suppressed: window.count - this.#perInterval },
          `${message} (more suppressed)`,
        )
      }
      if (this.#windows.size > 10_000) this.#windows.clear()
      window = { start: now, count: 0 }
      this.#windows.set(key, window)
    }
    window.count++
    if (window.count <= this.#perInterval) this.#logger.warn(details, message)
  }
}
