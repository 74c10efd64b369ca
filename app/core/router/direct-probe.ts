// Finds the way back to direct delivery. A peer that the LAN reached before but that is now
// reached only through the relay (a cut cable, a Wi-Fi hop, a sleeping switch port) would stay on
// the relay until mDNS happens to announce it again — up to the mDNS interval. This redials its
// remembered LAN addresses meanwhile, on an exponential back-off (2 s, 4 s, … 30 s), and stops
// as soon as the LAN has it again or it goes offline altogether (the router's own retries redial
// then, when something is queued for it).
import type { PathName } from '../delivery.js'

export interface DirectProbeOptions {
  /** tries the peer's remembered LAN addresses; success shows as a LAN 'peer:online' */
  redial: (peerId: string) => void
  now?: () => number
  /** first wait after the peer left the LAN, then doubled per attempt up to maxDelayMs */
  minDelayMs?: number
  maxDelayMs?: number
  /** how often due probes are looked for */
  tickMs?: number
}

export class DirectProbe {
  readonly #options: DirectProbeOptions
  readonly #now: () => number
  readonly #due = new Map<string, { at: number; delay: number }>()
  #timer: NodeJS.Timeout | undefined

  constructor(options: DirectProbeOptions) {
    this.#options = options
    this.#now = options.now ?? Date.now
  }

  start(): void {
    if (this.#timer !== undefined) return
    this.#timer = setInterval(() => this.tick(), this.#options.tickMs ?? 500)
    this.#timer.unref()
  }

  stop(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
    this.#due.clear()
  }

  /** The paths that reach `peerId` now changed. */
  update(peerId: string, online: ReadonlySet<PathName>): void {
    if (online.has('lan') || online.size === 0) {
      this.#due.delete(peerId)
      return
    }
    if (this.#due.has(peerId)) return
    const delay = this.#options.minDelayMs ?? 2_000
    this.#due.set(peerId, { at: this.#now() + delay, delay })
  }

  /** Redials every peer whose probe is due (the timer calls this; tests may too). */
  tick(): void {
    const now = this.#now()
    for (const [peerId, entry] of this.#due) {
      if (entry.at > now) continue
      const delay = Math.min(entry.delay * 2, this.#options.maxDelayMs ?? 30_000)
      this.#due.set(peerId, { at: now + delay, delay })
      this.#options.redial(peerId)
    }
  }

  /** Peers being probed (for tests). */
  probing(): string[] {
    return [...this.#due.keys()]
  }
}
