// The flood guard of the bridge (docs/protocol.md §15 "Limits against floods"): one token bucket
// per source address, checked before a datagram is parsed; the table of sources is bounded too.
import { TokenBucket } from '../net/token-bucket.js'

export const DEFAULT_RATE = { perSecond: 20, burst: 60 }
const MAX_SOURCES = 4096

export class SourceRates {
  readonly #buckets = new Map<string, TokenBucket>()
  readonly #rate: { perSecond: number; burst: number }

  constructor(rate = DEFAULT_RATE) {
    this.#rate = rate
  }

  /** takes one datagram's token for this address; false: drop it */
  allow(address: string): boolean {
    let bucket = this.#buckets.get(address)
    if (bucket === undefined) {
      if (this.#buckets.size >= MAX_SOURCES) this.#buckets.clear()
      bucket = new TokenBucket(this.#rate.perSecond, this.#rate.burst)
      this.#buckets.set(address, bucket)
    }
    return bucket.take()
  }
}
