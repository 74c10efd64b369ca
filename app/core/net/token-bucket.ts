// A token bucket: `burst` messages at once, refilled at `ratePerSecond`. One per remote peer
// bounds how fast a peer can make us store messages (docs/protocol.md §6).
export class TokenBucket {
  #tokens: number
  #last: number

  readonly #ratePerSecond: number
  readonly #burst: number
  readonly #now: () => number

  constructor(ratePerSecond: number, burst: number, now: () => number = () => performance.now()) {
    this.#ratePerSecond = ratePerSecond
    this.#burst = burst
    this.#now = now
    this.#tokens = burst
    this.#last = now()
  }

  /** takes one token; false when the bucket is empty */
  take(): boolean {
    const now = this.#now()
    this.#tokens = Math.min(
      this.#burst,
      this.#tokens + ((now - this.#last) / 1000) * this.#ratePerSecond,
    )
    this.#last = now
    if (this.#tokens < 1) return false
    this.#tokens -= 1
    return true
  }
}
