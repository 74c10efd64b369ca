// Asking the LAN for Pigeon instances (RFC 6762 §5.2 continuous querying): a first query
// 20–120 ms after start, then 1 s, 2 s, 4 s… up to a ceiling. Each query lists as known answers
// (§7.1) the instances I still hold with more than half their TTL left and that the caller says
// need no answer (peers I am connected to), so only the peers I am missing answer. A long list
// spans several packets, all but the last with TC set (§7.2). My own PTR is always in the list:
// it is how my responder recognises my own query looped back (responder.ts).
import type { Answer, Packet, StringAnswer } from 'dns-packet'
import type { Sighting } from './records.js'

/** known answers per packet: ~70 bytes each keeps a packet well under 1,472 bytes */
const KNOWN_PER_PACKET = 18
const TRUNCATED = 1 << 9

export interface QuerierSocket {
  query(packet: Packet): void
}

interface Cached {
  instance: string
  ttl: number
  receivedAt: number
}

export class Querier {
  readonly #cache = new Map<string, Cached>()
  #timer: ReturnType<typeof setTimeout> | undefined
  #interval = 1000

  constructor(
    readonly socket: QuerierSocket,
    readonly service: string,
    /** my PTR record, first known answer of every query */
    readonly ownPtr: () => StringAnswer,
    /** the ceiling of the query interval, ms */
    readonly maxIntervalMs: number,
    /** peers that need not answer (already connected) */
    readonly known: (peerId: string) => boolean,
    readonly random: () => number = Math.random,
  ) {}

  start(): void {
    this.#next(20 + this.random() * 100)
  }

  /** Start the schedule over (a new interface, RFC 6762 §8.3's "network change"). */
  restart(): void {
    this.#interval = 1000
    clearTimeout(this.#timer)
    this.start()
  }

  stop(): void {
    clearTimeout(this.#timer)
    this.#timer = undefined
  }

  /** Remember what a response told; a TTL of 0 is a goodbye (§10.1). */
  remember(sighting: Sighting): void {
    if (sighting.ttl === 0) this.#cache.delete(sighting.peerId)
    else
      this.#cache.set(sighting.peerId, {
        instance: sighting.instance,
        ttl: sighting.ttl,
        receivedAt: Date.now(),
      })
  }

  #next(delay: number): void {
    this.#timer = setTimeout(() => {
      this.#query()
      this.#interval = Math.min(this.#interval * 2, this.maxIntervalMs)
      this.#next(this.#interval)
    }, delay)
  }

  #query(): void {
    const now = Date.now()
    const known: Answer[] = []
    for (const [peerId, cached] of this.#cache) {
      const left = cached.ttl - (now - cached.receivedAt) / 1000
      if (left <= 0) this.#cache.delete(peerId)
      else if (left * 2 > cached.ttl && this.known(peerId))
        known.push({
          name: this.service,
          type: 'PTR',
          class: 'IN',
          ttl: Math.floor(left),
          data: cached.instance,
        })
    }
    // every packet carries my PTR, continuations too: my responder ignores them all
    for (let start = 0; start === 0 || start < known.length; start += KNOWN_PER_PACKET) {
      const last = start + KNOWN_PER_PACKET >= known.length
      this.socket.query({
        type: 'query',
        flags: last ? 0 : TRUNCATED,
        questions: start === 0 ? [{ name: this.service, type: 'PTR', class: 'IN' }] : [],
        answers: [this.ownPtr(), ...known.slice(start, start + KNOWN_PER_PACKET)],
      })
    }
  }
}
