// Limits that protect the relay (docs/relay.md "Limits"): the aedes options, a per-identity
// publish rate, and a cap on packet size enforced while bytes arrive (mqtt-packet would
// otherwise buffer a packet of any announced length, up to 256 MiB [MQTT-2.2.3]).
import type { Client } from 'aedes'
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

interface ParserInternals {
  parse(buf: Buffer): number
  packet: { length: number }
  _list: { length: number }
  prependListener(
    event: 'packet',
    listener: (packet: { cmd: string; subscriptions?: Array<{ qos: number }> }) => void,
  ): void
}

const beyondPacketCap = new WeakSet<object>()

/** Was this subscription asked for past the per-SUBSCRIBE cap (guardSubscribe)? */
export function pastSubscribeCap(sub: object): boolean {
  return beyondPacketCap.has(sub)
}

/**
 * Looks at every SUBSCRIBE before aedes does (aedes 1.2 offers no hook for the packet as a
 * whole). Asks for QoS 1 at most: aedes answers each topic with the QoS the client requested
 * (lib/handlers/subscribe.js doSubscribe; what authorizeSubscribe returns is only stored), and
 * the relay delivers QoS 1 ("The Server might grant a lower maximum QoS", [MQTT-3.9.3]). Marks
 * the topics past `maxTopics`, which the ACL refuses with 0x80, so one packet's work is bounded.
 */
export function guardSubscribe(client: Client, maxTopics: number): void {
  const parser = (client as unknown as { _parser?: ParserInternals })._parser
  parser?.prependListener('packet', (packet) => {
    if (packet.cmd !== 'subscribe' || packet.subscriptions === undefined) return
    packet.subscriptions.forEach((sub, i) => {
      sub.qos = Math.min(sub.qos, 1)
      if (i >= maxTopics) beyondPacketCap.add(sub)
    })
  })
}

/**
 * Closes a connection as soon as the packet being received announces or accumulates more than
 * `maxBytes`, before it is buffered whole. Reaches into mqtt-packet's parser (aedes 1.2 offers
 * no option for it); relay tests cover it, so an upgrade that moves these fields fails there.
 */
export function guardPacketSize(client: Client, maxBytes: number, onRefuse: () => void): void {
  const parser = (client as unknown as { _parser?: ParserInternals })._parser
  const conn = (client as unknown as { conn?: { destroy(): void } }).conn
  if (parser === undefined || conn === undefined) return
  const parse = parser.parse.bind(parser)
  parser.parse = (buf: Buffer): number => {
    const left = parse(buf)
    if (parser.packet.length > maxBytes || parser._list.length > maxBytes + 5) {
      onRefuse()
      conn.destroy()
    }
    return left
  }
}
