// Answering mDNS questions about my own records as RFC 6762 asks, so a LAN of many Pigeons stays
// quiet and avahi / python-zeroconf can resolve us (docs/protocol.md §16):
// - known-answer suppression (§7.1): a record the asker lists with at least half its TTL left is
//   not sent, including known answers that follow in TC-continued packets (§7.2);
// - shared records wait a random 20–120 ms (§6), 400–500 ms when the query was truncated (§7.2);
//   several queries in that window get one answer;
// - no record is multicast twice within a second (§6.2): a later query is answered at the end of
//   that second, by the same packet;
// - duplicate answer suppression for the shared service listing (§7.4);
// - a QU question (§5.4) gets a unicast answer when the record was multicast within a quarter
//   of its TTL, and a query from a port other than 5353 a legacy unicast one (§6.7: its id and
//   questions echoed, TTLs at most 10 s);
// - my own queries are not answered (each carries my PTR as a known answer, see querier.ts).
import type { Answer, Packet, Question } from 'dns-packet'
import type { RemoteInfo } from 'node:dgram'
import { SERVICES_LISTING, type OwnRecords } from './records.js'

export const MDNS_PORT = 5353
const LEGACY_TTL_MAX_S = 10

export interface ResponderSocket {
  respond(packet: Packet, rinfo?: { address: string; port: number }, sent?: () => void): void
}

interface Pending {
  record: Answer
  /** the askers ("address:port") still wanting it; empty = nobody, drop it */
  askers: Set<string>
}

function keyOf(record: Answer): string {
  const data = 'data' in record ? record.data : undefined
  return `${record.name.toLowerCase()}|${record.type}|${JSON.stringify(data)}`
}

export function ttlOf(record: Answer): number {
  return 'ttl' in record ? (record.ttl ?? 0) : 0
}

/** dns-packet keeps the QU bit in the class (as UNKNOWN_32769, RFC 6762 §5.4). */
export function isQu(question: Question): boolean {
  const klass = question.class as unknown
  if (typeof klass === 'number') return (klass & 0x8000) !== 0
  return typeof klass === 'string' && /^UNKNOWN_(\d+)$/.test(klass)
    ? (Number(klass.slice(8)) & 0x8000) !== 0
    : false
}

function isTruncated(packet: Packet): boolean {
  return ((packet.flags ?? 0) & (1 << 9)) !== 0
}

export class Responder {
  readonly #pending = new Map<string, Pending>()
  readonly #lastMulticast = new Map<string, number>()
  #timer: ReturnType<typeof setTimeout> | undefined
  #dueAt = 0
  #stopped = false

  constructor(
    readonly socket: ResponderSocket,
    /** my records as of now (addresses can change while running) */
    readonly records: () => OwnRecords,
    readonly service: string,
    readonly random: () => number = Math.random,
  ) {}

  onQuery(packet: Packet, rinfo: RemoteInfo): void {
    if (this.#stopped) return
    const mine = this.records()
    const known = packet.answers ?? []
    const own = (k: Answer): boolean =>
      k.type === 'PTR' && k.data === mine.ptr.data && ttlOf(k) === ttlOf(mine.ptr)
    // my own query, looped back (mine always come from 5353)
    if (rinfo.port === MDNS_PORT && known.some(own)) return
    const asker = `${rinfo.address}:${rinfo.port}`
    const suppressed = new Set(
      known.filter((k) => ttlOf(k) * 2 >= this.#ownTtl(k, mine)).map((k) => keyOf(k)),
    )
    // a later packet of a TC query, or another asker: it does not want what it already knows
    for (const key of suppressed) {
      const pending = this.#pending.get(key)
      if (pending === undefined) continue
      pending.askers.delete(asker)
      if (pending.askers.size === 0) this.#pending.delete(key)
    }
    const questions = packet.questions ?? []
    const answers = questions.flatMap((q) => this.#answersTo(q, mine))
    const wanted = answers.filter((a) => !suppressed.has(keyOf(a)))
    if (wanted.length === 0) return
    if (rinfo.port !== MDNS_PORT) {
      this.#legacyUnicast(packet, wanted, mine, rinfo)
      return
    }
    const now = Date.now()
    const quarterAgo = (record: Answer): boolean =>
      now - (this.#lastMulticast.get(keyOf(record)) ?? -Infinity) < (ttlOf(record) * 1000) / 4
    if (questions.length > 0 && questions.every(isQu) && wanted.every(quarterAgo)) {
      this.socket.respond(
        { answers: wanted, additionals: this.#additionals(wanted, mine) },
        { address: rinfo.address, port: rinfo.port },
      )
      return
    }
    const shared = wanted.some((a) => a.type === 'PTR')
    const delay = isTruncated(packet)
      ? 400 + this.random() * 100
      : shared
        ? 20 + this.random() * 100
        : 0
    let due = now + delay
    for (const record of wanted) {
      const key = keyOf(record)
      due = Math.max(due, (this.#lastMulticast.get(key) ?? -Infinity) + 1000)
      const pending = this.#pending.get(key) ?? { record, askers: new Set<string>() }
      pending.askers.add(asker)
      this.#pending.set(key, pending)
    }
    this.#schedule(due)
  }

  /** Someone else's response: the shared listing record need not be sent twice (§7.4). */
  onResponse(packet: Packet): void {
    const mine = this.records()
    for (const record of [...(packet.answers ?? []), ...(packet.additionals ?? [])]) {
      if (keyOf(record) === keyOf(mine.listing) && ttlOf(record) * 2 >= ttlOf(mine.listing))
        this.#pending.delete(keyOf(mine.listing))
    }
  }

  /** Unsolicited announcement of every record (RFC 6762 §8.3), or goodbye with TTL 0 (§10.1). */
  announce(goodbye = false, sent?: () => void): void {
    const mine = this.records()
    const all: Answer[] = [mine.ptr, mine.listing, mine.srv, mine.txt, ...mine.a]
    const answers = goodbye ? all.map((r) => ({ ...r, ttl: 0 }) as Answer) : all
    const now = Date.now()
    for (const record of all) this.#lastMulticast.set(keyOf(record), now)
    for (const record of all) this.#pending.delete(keyOf(record))
    this.socket.respond({ answers }, undefined, sent)
  }

  stop(): void {
    this.#stopped = true
    clearTimeout(this.#timer)
    this.#pending.clear()
  }

  #ownTtl(known: Answer, mine: OwnRecords): number {
    const own = [mine.ptr, mine.listing, mine.srv, mine.txt, ...mine.a].find(
      (r) => keyOf(r) === keyOf(known),
    )
    return own === undefined ? Infinity : ttlOf(own)
  }

  #answersTo(question: Question, mine: OwnRecords): Answer[] {
    const name = question.name.toLowerCase()
    const type = question.type
    const any = (type as string) === 'ANY'
    if (name === this.service.toLowerCase() && (any || type === 'PTR')) return [mine.ptr]
    if (name === SERVICES_LISTING && (any || type === 'PTR')) return [mine.listing]
    if (name === mine.srv.name.toLowerCase()) {
      const out: Answer[] = []
      if (any || type === 'SRV') out.push(mine.srv)
      if (any || type === 'TXT') out.push(mine.txt)
      return out
    }
    if (name === mine.srv.data.target.toLowerCase() && (any || type === 'A')) return mine.a
    return []
  }

  /** RFC 6763 §12: with a PTR the SRV, TXT and A; with an SRV the A. */
  #additionals(answers: Answer[], mine: OwnRecords): Answer[] {
    const extra: Answer[] = []
    if (answers.some((a) => a.type === 'PTR' && a.data === mine.ptr.data))
      extra.push(mine.srv, mine.txt, ...mine.a)
    else if (answers.some((a) => a.type === 'SRV')) extra.push(...mine.a)
    const sent = new Set(answers.map(keyOf))
    return extra.filter((r) => !sent.has(keyOf(r)))
  }

  #legacyUnicast(packet: Packet, wanted: Answer[], mine: OwnRecords, rinfo: RemoteInfo): void {
    const legacy = (record: Answer): Answer =>
      ({ ...record, ttl: Math.min(ttlOf(record), LEGACY_TTL_MAX_S), flush: false }) as Answer
    this.socket.respond(
      {
        id: packet.id,
        questions: packet.questions,
        answers: wanted.map(legacy),
        additionals: this.#additionals(wanted, mine).map(legacy),
      },
      { address: rinfo.address, port: rinfo.port },
    )
  }

  #schedule(due: number): void {
    if (this.#timer !== undefined && this.#dueAt <= due) return
    clearTimeout(this.#timer)
    this.#dueAt = due
    this.#timer = setTimeout(() => this.#flush(), Math.max(0, due - Date.now()))
  }

  #flush(): void {
    this.#timer = undefined
    if (this.#stopped || this.#pending.size === 0) return
    const now = Date.now()
    const ready: Answer[] = []
    let later = Infinity
    for (const [key, pending] of this.#pending) {
      const allowed = (this.#lastMulticast.get(key) ?? -Infinity) + 1000
      if (allowed > now) later = Math.min(later, allowed)
      else {
        ready.push(pending.record)
        this.#pending.delete(key)
        this.#lastMulticast.set(key, now)
      }
    }
    if (ready.length > 0)
      this.socket.respond({ answers: ready, additionals: this.#additionals(ready, this.records()) })
    if (later !== Infinity) this.#schedule(later)
  }
}
