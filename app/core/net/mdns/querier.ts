// Asking the LAN for Pigeon instances (RFC 6762 §5.2 continuous querying): a first query
// 20–120 ms after start, then 1 s, 2 s, 4 s… up to a ceiling. Each query lists as known answers
// (§7.1) the instances I still hold with more than half their TTL left and that the caller says
// need no answer (peers I am connected to), so only the peers I am missing answer. A long list
// spans several packets, all but the last with TC set (§7.2). My own PTR is always in the list:
// it is how my responder recognises my own query looped back (responder.ts).
//
// Duplicate question suppression (§7.3): a query of another node for the same question, whose
// known answers (all its TC packets) are all ones I would list too, counts as mine: its answers
// refresh my cache as well. So on a quiet LAN of N nodes about one query goes out per interval,
// not N. And reconfirmation (§10.4): a peer whose connection failed is asked for its SRV and TXT
// at once; the caller flushes it if no answer comes.
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

/** another node's query for my question: the instances it listed as known, TC packets included */
interface Heard {
  from: string
  instances: Set<string>
  complete: boolean
}

export class Querier {
  readonly #cache = new Map<string, Cached>()
  #timer: ReturnType<typeof setTimeout> | undefined
  #interval = 1000
  /** queries of others since my last one (§7.3) */
  #heard: Heard[] = []
  /** queries sent and queries not sent because another node's did the same (for benches) */
  readonly counts = { sent: 0, suppressed: 0 }

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

  /** Another node's query, or mine looped back (ignored): remembered for §7.3. */
  observe(packet: Packet, from: string): void {
    const own = this.ownPtr()
    const answers = packet.answers ?? []
    if (answers.some((a) => a.type === 'PTR' && a.data === own.data && a.ttl === own.ttl)) return
    const instances = answers.flatMap((a) =>
      a.type === 'PTR' && a.name.toLowerCase() === this.service.toLowerCase() ? [a.data] : [],
    )
    const complete = ((packet.flags ?? 0) & TRUNCATED) === 0
    const asks = (packet.questions ?? []).some(
      (q) =>
        q.name.toLowerCase() === this.service.toLowerCase() && q.type === 'PTR' && q.class === 'IN', // QM: a QU question's answers are unicast, not heard by me (§5.4)
    )
    if (asks) this.#heard.push({ from, instances: new Set(instances), complete })
    else if ((packet.questions ?? []).length === 0) {
      // a TC continuation: more known answers of the last query from the same address (§7.2)
      const last = this.#heard.findLast((h) => h.from === from && !h.complete)
      if (last === undefined) return
      for (const instance of instances) last.instances.add(instance)
      last.complete = complete
    }
  }

  /** Asks the instance for its SRV and TXT now (RFC 6762 §10.4 reconfirmation). */
  reconfirm(instance: string): void {
    this.socket.query({
      type: 'query',
      questions: [
        { name: instance, type: 'SRV', class: 'IN' },
        { name: instance, type: 'TXT', class: 'IN' },
      ],
      answers: [this.ownPtr()],
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
    const heard = this.#heard
    this.#heard = []
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
    const mine = new Set(known.map((k) => ('data' in k ? String(k.data) : '')))
    mine.add(String(this.ownPtr().data))
    if (heard.some((h) => h.complete && [...h.instances].every((i) => mine.has(i)))) {
      this.counts.suppressed++
      return
    }
    this.counts.sent++
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
