// Limits that protect the relay (DESIGN.md "The relay"): the aedes options, a per-client
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

/**
 * Token bucket per client: `rate` publishes per second sustained, `burst` at once. A publish
 * over the rate waits for its token (back-pressure, since aedes handles a client's packets in
 * order); one that would wait more than `maxWaitMs` is refused instead.
 */
export class PublishRateLimiter {
  readonly #buckets = new Map<string, { tokens: number; at: number }>()
  readonly #rate: number
  readonly #burst: number
  readonly #maxWaitMs: number

  constructor(rate: number, burst: number, maxWaitMs = 5000) {
    this.#rate = rate
    this.#burst = Math.max(1, burst)
    this.#maxWaitMs = maxWaitMs
  }

  /** ms to wait before this publish may proceed, or undefined when it must be refused */
  take(clientId: string, now: number): number | undefined {
    const bucket = this.#buckets.get(clientId) ?? { tokens: this.#burst, at: now }
    bucket.tokens = Math.min(this.#burst, bucket.tokens + ((now - bucket.at) * this.#rate) / 1000)
    bucket.at = now
    const waitMs = bucket.tokens >= 1 ? 0 : ((1 - bucket.tokens) * 1000) / this.#rate
    if (waitMs > this.#maxWaitMs) {
      this.#buckets.set(clientId, bucket)
      return undefined
    }
    bucket.tokens -= 1 // may go negative: later publishes queue behind this one
    this.#buckets.set(clientId, bucket)
    return waitMs
  }

  forget(clientId: string): void {
    this.#buckets.delete(clientId)
  }
}

interface ParserInternals {
  parse(buf: Buffer): number
  packet: { length: number }
  _list: { length: number }
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
