// The per-inbox cap and the message expiry (docs/relay.md "Offline queues").
//
// aedes queues a QoS 1 PUBLISH for every persistent subscription that matches it
// (persistence.outgoingEnqueueCombi) and removes it on PUBACK (outgoingClearMessageId). This
// wraps the persistence to count what each client has queued and to leave out a client whose
// queue is full:
// - inbox topics: the relay refuses the PUBLISH before it is acknowledged (see acl.ts), so
//   nothing already queued is lost and the sender keeps the message in its outbox;
// - group topics: the message is queued for the other members and skipped for the full one
//   (counted as pigeon_relay_queue_dropped_total{reason="queue_full"}).
// A client that is online (here or on another cluster node) while its queue is full still gets
// the message live; it is just not stored for it (outgoingUpdate finds no entry, see below).
// Expiry: the store keeps only aedes-packet's fixed fields (aedes-persistence-level bundles
// aedes-packet 3, which drops `messageExpiry`), so the enqueue time rides in `brokerCounter`:
// before each accepted PUBLISH the broker's counter is raised to now × 1024 (stampClock), which
// keeps it strictly increasing per broker id as aedes' dedup needs. A queued packet older than
// the expiry is dropped instead of delivered.
import type { RelayMetrics } from './metrics.js'

interface Sub {
  clientId: string
}
interface PacketLike {
  topic: string
  brokerCounter?: number
}

const STAMP_SCALE = 1024
// counters below this were not stamped (broker-internal packets before the first publish)
const STAMPED_FROM = 1e15

/** Raises aedes' packet counter to the current time so the next packet's brokerCounter dates it. */
export function stampClock(broker: { counter: number }, now: number): void {
  if (broker.counter < now * STAMP_SCALE) broker.counter = now * STAMP_SCALE
}

export function enqueuedAt(packet: PacketLike): number | undefined {
  const counter = packet.brokerCounter
  return typeof counter === 'number' && counter >= STAMPED_FROM ? Math.floor(counter / STAMP_SCALE) : undefined
}
interface Persistence {
  outgoingEnqueueCombi(subs: Sub[], packet: PacketLike): Promise<unknown>
  outgoingEnqueue(sub: Sub, packet: PacketLike): Promise<unknown>
  outgoingClearMessageId(client: { id: string }, packet: unknown): Promise<unknown>
  outgoingUpdate(client: { id: string }, packet: unknown): Promise<unknown>
  outgoingStream(client: { id: string }): AsyncIterable<unknown>
}

export class QueueLedger {
  readonly #counts = new Map<string, number>()
  readonly #loading = new Map<string, Promise<number>>()
  /** deltas seen while a count is being read from the store */
  readonly #pending = new Map<string, number>()
  #inner: Persistence | undefined
  #tail: Promise<unknown> = Promise.resolve()
  readonly #cap: number
  readonly #ttlMs: number
  readonly #metrics: RelayMetrics
  /** set once the broker exists: is this client connected to this node? */
  isOnline: (clientId: string) => boolean = () => false

  constructor(options: { cap: number; ttlMs: number; metrics: RelayMetrics }) {
    this.#cap = options.cap
    this.#ttlMs = options.ttlMs
    this.#metrics = options.metrics
  }

  /** Wraps an aedes persistence; every other method passes straight through. */
  wrap<T extends object>(persistence: T): T {
    const inner = persistence as unknown as Persistence
    this.#inner = inner
    const wrapped: Partial<Persistence> = {
      // Synchronous up to the store call: aedes hands each client packets in brokerCounter order
      // and its dedup drops any packet older than one already delivered, so nothing here may
      // let a later packet overtake an earlier one. A client whose count is still unknown (not
      // seen since start) is not capped until the count is read, which starts here.
      outgoingEnqueueCombi: (subs, packet) => {
        const kept: Sub[] = []
        for (const sub of subs ?? []) {
          const known = this.#counts.get(sub.clientId)
          if (known === undefined) void this.count(sub.clientId).catch(() => undefined) // starts the read; #add below lands in #pending
          else if (known >= this.#cap && !this.isOnline(sub.clientId)) {
            this.#metrics.queueDropped.inc({ reason: 'queue_full' })
            continue
          }
          kept.push(sub)
          this.#add(sub.clientId, 1)
        }
        // The writes run concurrently, but each call resolves only after every earlier one:
        // LevelDB completes puts from its thread pool in any order, and aedes emits a packet to
        // live subscribers when its enqueue resolves, so without this a later packet could
        // overtake an earlier one and aedes' dedup would hold the earlier one back until the
        // client reconnects (seen in the relay bench with aedes 1.2 + aedes-persistence-level 9.2).
        const work = inner.outgoingEnqueueCombi(kept, packet)
        const ordered = Promise.allSettled([this.#tail, work]).then(() => work)
        this.#tail = ordered.catch(() => undefined)
        return ordered
      },
      outgoingUpdate: async (client, packet) => {
        try {
          return await inner.outgoingUpdate(client, packet)
        } catch (error) {
          // the entry was skipped at the cap: deliver live without storing
          if ((error as Error).message === 'no such packet') return undefined
          throw error
        }
      },
      outgoingClearMessageId: async (client, packet) => {
        const removed = await inner.outgoingClearMessageId(client, packet)
        if (removed !== undefined && removed !== null) this.#add(client.id, -1)
        return removed
      },
    }
    return new Proxy(persistence, {
      get(target, property) {
        if (typeof property === 'string' && property in wrapped) return wrapped[property as keyof Persistence]
        const value: unknown = Reflect.get(target, property) // receiver = target: private fields
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
  }

  /** Messages queued (or in flight) for a client, read from the store the first time. */
  async count(clientId: string): Promise<number> {
    const known = this.#counts.get(clientId)
    if (known !== undefined) return known
    let loading = this.#loading.get(clientId)
    if (loading === undefined) {
      this.#pending.set(clientId, 0)
      loading = this.#countStored(clientId).then((stored) => {
        // what was queued or removed while the store was being read counts on top of it
        const total = Math.max(0, stored + (this.#pending.get(clientId) ?? 0))
        this.#pending.delete(clientId)
        this.#loading.delete(clientId)
        this.#counts.set(clientId, total)
        this.#metrics.queuedOffline.inc(total)
        return total
      })
      this.#loading.set(clientId, loading)
    }
    return await loading
  }

  async isFull(clientId: string): Promise<boolean> {
    return !this.isOnline(clientId) && (await this.count(clientId)) >= this.#cap
  }

  /** Re-reads a client's queue length from the store (on connect: another cluster node may have queued). */
  async refresh(clientId: string): Promise<void> {
    if (this.#loading.has(clientId)) return
    const before = this.#counts.get(clientId)
    if (before !== undefined) {
      this.#counts.delete(clientId)
      this.#metrics.queuedOffline.dec(before)
    }
    await this.count(clientId)
  }

  isExpired(packet: PacketLike, now: number): boolean {
    const at = enqueuedAt(packet)
    return at !== undefined && now - at > this.#ttlMs
  }

  async #countStored(clientId: string): Promise<number> {
    if (this.#inner === undefined) return 0
    let n = 0
    for await (const _ of this.#inner.outgoingStream({ id: clientId })) n++
    return n
  }

  #add(clientId: string, delta: number): void {
    const current = this.#counts.get(clientId)
    if (current === undefined) {
      const pending = this.#pending.get(clientId)
      if (pending !== undefined) this.#pending.set(clientId, pending + delta)
      return
    }
    const next = Math.max(0, current + delta)
    this.#counts.set(clientId, next)
    this.#metrics.queuedOffline.inc(next - current)
  }
}
