// One full garbage collection once a burst of new connections has gone quiet (docs/relay.md
// "Memory per connection"). Each handshake (token check, session restore, aedes' connect chain)
// leaves some 60 KB of short-lived objects; in a storm of connections — a restart, a network
// coming back — enough of it is still in use at each young-generation scavenge to be promoted
// next to the connections' own state, and it stays there until V8's next full collection, which
// an idle relay may not run for minutes: 5,000 idle connections held ~20 KiB of RSS each, of
// which ~7 KiB are live. V8's memory reducer is meant to collect after such a burst, but it
// waits for an idle signal Node never gives. So: when at least `minConnections` arrived and
// then none for `quietMs`, the relay runs one full collection (compacting, runtime-flags.ts),
// which returns those pages; never more than once per `quietMs`, and never while connections
// keep arriving, so a busy relay does not pay for it.

export interface QuietCollectOptions {
  /** runs one full collection */
  collect: () => void
  quietMs?: number
  minConnections?: number
  now?: () => number
}

export class QuietCollector {
  readonly #collect: () => void
  readonly #quietMs: number
  readonly #min: number
  readonly #now: () => number
  #since = 0
  #lastAt = 0
  #timer: NodeJS.Timeout | undefined

  constructor(options: QuietCollectOptions) {
    this.#collect = options.collect
    this.#quietMs = options.quietMs ?? 1000
    this.#min = options.minConnections ?? 500
    this.#now = options.now ?? Date.now
  }

  /** call for each accepted connection */
  connected(): void {
    this.#since++
    this.#lastAt = this.#now()
    if (this.#timer === undefined && this.#since >= this.#min) this.#arm(this.#quietMs)
  }

  close(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
  }

  #arm(ms: number): void {
    this.#timer = setTimeout(() => this.#check(), ms)
    this.#timer.unref()
  }

  #check(): void {
    this.#timer = undefined
    const quietFor = this.#now() - this.#lastAt
    if (quietFor < this.#quietMs) return this.#arm(this.#quietMs - quietFor)
    this.#since = 0
    this.#collect()
  }
}
