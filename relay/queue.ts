// The per-inbox cap, the sender shares and the message expiry (docs/relay.md "Offline queues",
// "Guarantees").
//
// aedes queues a QoS 1 PUBLISH for every persistent subscription that matches it
// (persistence.outgoingEnqueueCombi) and removes it on PUBACK (outgoingClearMessageId). This
// wraps the persistence so that the decision whether a message may be queued for a client is
// taken inside the enqueue, in the same step that counts it (queue-counts.ts): a PUBACK waits for
// the enqueue (ack-after-store.ts), so a message is either counted and stored, or refused before
// it is acknowledged. (Deciding in authorizePublish instead let a whole socket read's worth of
// publishes pass one count, and the enqueue then skipped what did not fit — PUBACKed, not
// stored: issue 10 item 2.)
// - inbox topics: a message over the inbox cap, or over its sender's share of it, fails the
//   enqueue: no PUBACK, the connection closes [MQTT-3.3.5-2], and the sender keeps the message;
// - group topics: the message is queued for the other members and skipped for the full one
//   (counted as pigeon_relay_queue_dropped_total{reason="queue_full"|"share_full"}).
// A client that is online on this node is never capped: it receives live. The sender of each
// queued packet is its `clientId` (acl.ts sets it; aedes-packet keeps it, the stores keep it), so
// shares can be counted again from the store after a restart.
// Expiry: the store keeps only aedes-packet's fixed fields (aedes-persistence-level bundles
// aedes-packet 3, which drops `messageExpiry`), so the enqueue time rides in `brokerCounter`:
// before each accepted PUBLISH the broker's counter is raised to now × 1024 (stampClock), which
// keeps it strictly increasing per broker id as aedes' dedup needs. A queued packet older than
// the expiry is dropped instead of delivered.
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { PigeonError } from '../shared/errors.js'
import { parseTopic } from '../shared/topics.js'
import type { RelayMetrics } from './metrics.js'
import {
  MemoryCounts,
  RedisCounts,
  tallyOf,
  type QueueCounts,
  type Refusal,
} from './queue-counts.js'

interface Sub {
  clientId: string
}
interface PacketLike {
  topic: string
  brokerCounter?: number
  clientId?: string
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
  return typeof counter === 'number' && counter >= STAMPED_FROM
    ? Math.floor(counter / STAMP_SCALE)
    : undefined
}
interface Persistence {
  outgoingEnqueueCombi(subs: Sub[], packet: PacketLike): Promise<unknown>
  outgoingEnqueue(sub: Sub, packet: PacketLike): Promise<unknown>
  outgoingClearMessageId(client: { id: string }, packet: unknown): Promise<unknown>
  outgoingUpdate(client: { id: string }, packet: unknown): Promise<unknown>
  outgoingStream(client: { id: string }): AsyncIterable<unknown>
}

type Refused = Refusal | 'inbox_unknown'

const REFUSED: Record<Refused, string> = {
  queue_full: 'holds its limit of messages; try again once it is collected',
  share_full:
    'holds as many messages from this sender as one sender may queue there; try again once it is collected',
  inbox_unknown:
    'has no session on this relay (its owner never subscribed to it here); try again once its owner has connected',
}

export interface QueueOptions {
  cap: number
  /** messages one sender may have queued in one client's queue (default: the cap) */
  share?: number
  ttlMs: number
  metrics: RelayMetrics
  log?: Logger
  /** cluster mode: the counts live in Redis */
  redis?: Redis | undefined
}

export class QueueLedger {
  readonly #counts: QueueCounts
  readonly #loading = new Map<string, Promise<void>>()
  #inner: Persistence | undefined
  #tail: Promise<unknown> = Promise.resolve()
  readonly #ttlMs: number
  readonly #metrics: RelayMetrics
  readonly #log: Logger | undefined
  /** one node: the gauge follows the counts read from the store; a cluster: only this node's own changes */
  readonly #gaugeFollowsStore: boolean
  /** set once the broker exists: is this client connected to this node? */
  isOnline: (clientId: string) => boolean = () => false

  constructor(options: QueueOptions) {
    const limits = { cap: options.cap, share: Math.min(options.share ?? options.cap, options.cap) }
    this.#ttlMs = options.ttlMs
    this.#metrics = options.metrics
    this.#log = options.log
    this.#gaugeFollowsStore = options.redis === undefined
    this.#counts =
      options.redis === undefined
        ? new MemoryCounts(limits)
        : new RedisCounts(options.redis, limits, options.ttlMs, (error) =>
            this.#log?.error({ err: error }, 'cannot update a queue count'),
          )
  }

  /** Wraps an aedes persistence; every other method passes straight through. */
  wrap<T extends object>(persistence: T): T {
    const inner = persistence as unknown as Persistence
    this.#inner = inner
    const wrapped: Partial<Persistence> = {
      outgoingEnqueueCombi: (subs, packet) => this.#enqueue(inner, subs ?? [], packet),
      outgoingUpdate: async (client, packet) => {
        try {
          return await inner.outgoingUpdate(client, packet)
        } catch (error) {
          // a member skipped at the cap: deliver live without storing
          if ((error as Error).message === 'no such packet') return undefined
          throw error
        }
      },
      outgoingClearMessageId: async (client, packet) => {
        const removed = (await inner.outgoingClearMessageId(client, packet)) as
          PacketLike | undefined | null
        if (removed !== undefined && removed !== null) {
          this.#counts.release(
            client.id,
            typeof removed.clientId === 'string' ? removed.clientId : undefined,
          )
          this.#metrics.queuedOffline.dec()
        }
        return removed
      },
    }
    return new Proxy(persistence, {
      get(target, property) {
        if (typeof property === 'string' && property in wrapped)
          return wrapped[property as keyof Persistence]
        const value: unknown = Reflect.get(target, property) // receiver = target: private fields
        return typeof value === 'function' ? value.bind(target) : value
      },
    })
  }

  // Decides synchronously (one node) or in one Lua call (cluster), then stores: aedes hands each
  // client packets in brokerCounter order and its dedup drops any packet older than one already
  // delivered, so nothing here may let a later packet overtake an earlier one. Redis answers one
  // connection's commands in order, so the store calls still go out in the order aedes made them.
  #enqueue(inner: Persistence, subs: Sub[], packet: PacketLike): Promise<unknown> {
    const sender = typeof packet.clientId === 'string' ? packet.clientId : undefined
    const parsed = parseTopic(packet.topic)
    // an inbox refuses its sender rather than skipping the message; anything else skips the full
    const strict = parsed?.kind === 'inbox'
    // An inbox nobody has a session for here would be acknowledged into nothing: aedes queues
    // only for the persistent subscriptions it knows (in a cluster, this node's copy of them,
    // which learns another node's new subscription a moment later). Refused instead
    // (docs/relay.md "Guarantees").
    if (
      parsed?.kind === 'inbox' &&
      !this.isOnline(parsed.peerId) &&
      !subs.some((sub) => sub.clientId === parsed.peerId)
    ) {
      return this.#ordered(Promise.reject(this.#refuse('inbox_unknown', sender, packet.topic)))
    }
    for (const sub of subs)
      if (this.#counts.unknown(sub.clientId)) void this.#load(sub.clientId).catch(() => undefined)
    const admissions = subs.map((sub) => ({
      clientId: sub.clientId,
      online: this.isOnline(sub.clientId),
    }))
    const store = (decisions: Array<Refusal | undefined>): Promise<unknown> => {
      const kept = subs.filter((_, i) => decisions[i] === undefined)
      if (strict) {
        const refusal = decisions.find((d) => d !== undefined)
        if (refusal !== undefined)
          return Promise.reject(this.#refuse(refusal, sender, packet.topic))
      }
      for (const d of decisions) if (d !== undefined) this.#metrics.queueDropped.inc({ reason: d })
      this.#metrics.queuedOffline.inc(kept.length)
      return inner.outgoingEnqueueCombi(kept, packet).catch((error: unknown) => {
        for (const sub of kept) this.#counts.release(sub.clientId, sender)
        this.#metrics.queuedOffline.dec(kept.length)
        throw error
      })
    }
    let work: Promise<unknown>
    try {
      const decided = this.#counts.admit(admissions, sender, strict)
      work = Array.isArray(decided) ? store(decided) : decided.then(store)
    } catch (error) {
      work = Promise.reject(error)
    }
    return this.#ordered(work)
  }

  #ordered(work: Promise<unknown>): Promise<unknown> {
    // The writes run concurrently, but each call resolves only after every earlier one:
    // LevelDB completes puts from its thread pool in any order, and aedes emits a packet to
    // live subscribers when its enqueue resolves, so without this a later packet could
    // overtake an earlier one and aedes' dedup would hold the earlier one back until the
    // client reconnects (seen in the relay bench with aedes 1.2 + aedes-persistence-level 9.2).
    const ordered = Promise.allSettled([this.#tail, work]).then(() => work)
    this.#tail = ordered.catch(() => undefined)
    return ordered
  }

  #refuse(refusal: Refused, sender: string | undefined, topic: string): PigeonError {
    this.#metrics.aclRefusals.inc({ reason: refusal })
    const owner = parseTopic(topic)
    const who = owner?.kind === 'inbox' ? owner.peerId : topic
    this.#log?.warn(
      {
        event: 'acl_refused',
        action: 'publish',
        reason: refusal,
        clientId: sender,
        topic: topic.slice(0, 120),
      },
      'publish refused',
    )
    return new PigeonError(
      refusal === 'inbox_unknown' ? 'ACL_DENIED' : 'RELAY_QUEUE_FULL',
      `The inbox of ${who} ${REFUSED[refusal]}. The message stays with its sender.`,
    )
  }

  /** Makes sure a client's queue is counted before a publish to it is decided (one node: read from the store once). */
  async prepare(clientId: string): Promise<void> {
    if (this.#counts.unknown(clientId)) await this.#load(clientId)
  }

  /** Re-reads a client's queue from the store (on connect: another cluster node may have queued, expiry may have removed). */
  async refresh(clientId: string): Promise<void> {
    await this.#load(clientId)
  }

  isExpired(packet: PacketLike, now: number): boolean {
    const at = enqueuedAt(packet)
    return at !== undefined && now - at > this.#ttlMs
  }

  #load(clientId: string): Promise<void> {
    const running = this.#loading.get(clientId)
    if (running !== undefined) return running
    const inner = this.#inner
    if (inner === undefined) return Promise.resolve()
    const replaced = this.#counts.begin(clientId)
    if (this.#gaugeFollowsStore) this.#metrics.queuedOffline.dec(replaced)
    const loading = tallyOf(inner.outgoingStream({ id: clientId }))
      .then(async (stored) => {
        await this.#counts.reset(clientId, stored)
        if (this.#gaugeFollowsStore) this.#metrics.queuedOffline.inc(stored.total)
      })
      .finally(() => this.#loading.delete(clientId))
    this.#loading.set(clientId, loading)
    return loading
  }
}
