// The logging the network layer needs: pino's call shape (object first, then message), so the
// engine passes its pino logger (or a child of it) and tests pass silentLogger.
export interface NetLogger {
  debug(details: object, message: string): void
  info(details: object, message: string): void
  warn(details: object, message: string): void
  error(details: object, message: string): void
}

const nothing = (): void => undefined
export const silentLogger: NetLogger = { debug: nothing, info: nothing, warn: nothing, error: nothing }

/**
 * Logs at most `perInterval` lines per `intervalMs` for one key, then one summary of how many
 * were dropped: a flooding peer must not be able to flood our logs too.
 */
export class ThrottledLog {
  private readonly windows = new Map<string, { start: number; count: number }>()

  constructor(
    private readonly logger: NetLogger,
    private readonly perInterval = 5,
    private readonly intervalMs = 10_000,
  ) {}

  warn(key: string, details: object, message: string): void {
    const now = Date.now()
    let window = this.windows.get(key)
    if (window === undefined || now - window.start >= this.intervalMs) {
      if (window !== undefined && window.count > this.perInterval) {
        this.logger.warn({ ...details, suppressed: window.count - this.perInterval }, `${message} (more suppressed)`)
      }
      if (this.windows.size > 10_000) this.windows.clear()
      window = { start: now, count: 0 }
      this.windows.set(key, window)
    }
    window.count++
    if (window.count <= this.perInterval) this.logger.warn(details, message)
  }
}
