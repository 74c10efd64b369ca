// Finds the way back to direct delivery. A peer that the LAN reached before but that is now
// reached only through the relay (a cut cable, a Wi-Fi hop, a sleeping switch port) would stay on
// the relay until mDNS happens to announce it again — up to the mDNS interval. This redials its
// remembered LAN addresses meanwhile, on the shared exponential back-off (shared/backoff.ts:
// 1–2 s, 2–4 s, … up to 15–30 s, jittered so the peers one cut cable took off the LAN are not
// all redialled in the same tick), and stops as soon as the LAN has it again or it goes offline
// altogether (the router's own retries redial then, when something is queued for it).
import { backoffDelay, type BackoffPolicy } from '../../../shared/backoff.js'
import type { PathName } from '../delivery.js'

const PROBE_BACKOFF: BackoffPolicy = { baseMs: 2_000, maxMs: 30_000 }

export interface DirectProbeOptions {
  /** tries the peer's remembered LAN addresses; success shows as a LAN 'peer:online' */
  redial: (peerId: string) => void
  now?: () => number
  /** the waits between probes: the first after the peer left the LAN, then doubled per attempt */
  backoff?: BackoffPolicy
  /** [0, 1) for the jitter; tests pass a fixed one */
  random?: () => number
  /** how often due probes are looked for */
  tickMs?: number
}

export class DirectProbe {
  readonly #options: DirectProbeOptions
  readonly #now: () => number
  readonly #due = new Map<string, { at: number; attempts: number }>()
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
    this.#due.set(peerId, { at: this.#now() + this.#delay(0), attempts: 0 })
  }

  /** Redials every peer whose probe is due (the timer calls this; tests may too). */
  tick(): void {
    const now = this.#now()
    for (const [peerId, entry] of this.#due) {
      if (entry.at > now) continue
      const attempts = entry.attempts + 1
      this.#due.set(peerId, { at: now + this.#delay(attempts), attempts })
      this.#options.redial(peerId)
    }
  }

  #delay(attempts: number): number {
    const { backoff = PROBE_BACKOFF, random = Math.random } = this.#options
    return backoffDelay(attempts, backoff, random)
  }

  /** Peers being probed (for tests). */
  probing(): string[] {
    return [...this.#due.keys()]
  }
}
