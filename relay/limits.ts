// Limits that protect the relay (docs/relay.md "Limits"): the aedes options, a per-identity
// publish rate, and a cap on packet size enforced while bytes arrive (mqtt-packet would
// otherwise buffer a packet of any announced length, up to 256 MiB [MQTT-2.2.3]).
import { MAX_TOPIC_LEVELS } from '../shared/topics.js'
import type { RelayConfig } from './config.js'

/** A PeerId (Ed25519, base58btc) has 52 characters; aedes' default of 23 would refuse them all. */
export const PEER_ID_CHARS = 52

export function brokerLimits(config: RelayConfig) {
  return {
    maxClientsIdLength: PEER_ID_CHARS,
    // pigeon/v1/<kind>/<id>: anything deeper is refused before it reaches the topic tries
    maxTopicLevels: MAX_TOPIC_LEVELS,
    connectTimeout: config.connectTimeoutMs,
    // a subscriber whose socket does not drain in time is dropped, so it cannot stall fan-out
    drainTimeout: config.drainTimeoutMs,
    // Pigeon clients publish QoS 1 only; a QoS 2 window this small is plenty and bounds memory
    maxInflightInbound: 16,
    // aedes' in-memory per-client queue before CONNACK; a client that floods it is dropped
    queueLimit: 42,
  }
}

/** buckets kept at most: beyond it the fullest go first (a full bucket is the same as none) */
const MAX_BUCKETS = 100_000

/**
 * Token bucket per identity (the PeerId, which is the client id): `rate` publishes per second
 * sustained, `burst` at once. A publish over the rate waits for its token (back-pressure, since
 * aedes handles a client's packets in order); one that would wait more than `maxWaitMs` is
 * refused instead. A bucket outlives the connection, so reconnecting does not refill it
 * (docs/relay.md "Limits"; a bucket per connection let six connections of 480 publishes each
 * pass a burst of 500); one that has refilled to `burst` holds nothing a new bucket would not,
 * and is forgotten, so the map stays as small as the set of keys that published in the last
 * burst/rate seconds. One node counts its own connections: in cluster mode a key that spreads its
 * connections over n nodes gets n times the rate (docs/relay.md "Guarantees").
 */
export class PublishRateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>()
  readonly #rate: number
  readonly #burst: number
  readonly #maxWaitMs: number
  readonly #maxBuckets: number

  constructor(rate: number, burst: number, maxWaitMs = 5000, maxBuckets = MAX_BUCKETS) {
    this.#rate = rate
    this.#burst = Math.max(1, burst)
    this.#maxWaitMs = maxWaitMs
    this.#maxBuckets = maxBuckets
  }

  /** ms to wait before this publish may proceed, or undefined when it must be refused */
  take(peerId: string, now: number): number | undefined {
    const bucket = this.#buckets.get(peerId) ?? { tokens: this.#burst, at: now }
    bucket.tokens = this.#refilled(bucket, now)
    bucket.at = now
    const waitMs = bucket.tokens >= 1 ? 0 : ((1 - bucket.tokens) * 1000) / this.#rate
    if (waitMs <= this.#maxWaitMs) bucket.tokens -= 1 // may go negative: later publishes queue behind this one
    this.#buckets.delete(peerId) // re-inserted: the map's order is the order of last use
    this.#buckets.set(peerId, bucket)
    if (this.#buckets.size > this.#maxBuckets) this.#sweep(now)
    return waitMs > this.#maxWaitMs ? undefined : waitMs
  }

  get size(): number {
    return this.#buckets.size
  }

  #refilled(bucket: { tokens: number; at: number }, now: number): number {
    return Math.min(this.#burst, bucket.tokens + ((now - bucket.at) * this.#rate) / 1000)
  }

  /** forgets full buckets; should every bucket be in use, the least recently used go */
  #sweep(now: number): void {
    for (const [peerId, bucket] of this.#buckets)
      if (this.#refilled(bucket, now) >= this.#burst) this.#buckets.delete(peerId)
    for (const peerId of this.#buckets.keys()) {
      if (this.#buckets.size <= this.#maxBuckets * 0.9) break
      this.#buckets.delete(peerId)
    }
  }
}
