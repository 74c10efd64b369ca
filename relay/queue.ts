// The per-inbox cap, the sender shares and the message expiry (docs/relay.md "Offline queues",
// "Guarantees").
//
// aedes queues a QoS 1 PUBLISH for every persistent subscription that matches it
// (persistence.outgoingEnqueueCombi) and removes it on PUBACK (outgoingClearMessageId). This
// wraps the persistence so that the decision whether a message may be queued for a client is
// taken inside the enqueue, in the same step that counts it (queue-counts.ts): a PUBACK waits for
// the enqueue (aedes/ack-after-store.ts), so a message is either counted and stored, or refused before
// it is acknowledged. (Deciding in authorizePublish instead let a whole socket read's worth of
// publishes pass one count, and the enqueue then skipped what did not fit — PUBACKed, not
// stored.)
// - inbox topics: a message over the inbox cap, or over its sender's share of it, fails the
//   enqueue: no PUBACK, the connection closes [MQTT-3.3.5-2], and the sender keeps the message;
// - group topics: the message is queued for the other members and skipped for the full one
//   (counted as pigeon_relay_queue_dropped_total{reason="queue_full"|"share_full"}).
// An inbox whose owner has no session here (never connected, or not yet known to this cluster
// node) gets one on its first QoS 1 publish: the enqueue also writes the owner's persistent
// subscription, the same record aedes writes for a clean=false SUBSCRIBE, so the owner's first
// clean=false CONNECT restores it and receives the queue (connect.js fetchSubs, emptyQueue). Such
// an inbox is capped and expires like any other; a sender may start at most `created` of them
// that their owners have not claimed (queue-counts.ts), past that it is refused like a full inbox.
// A client that is online on this node is never capped: it receives live. The sender of each
// queued packet is its `clientId` (acl.ts sets it; aedes-packet keeps it, the stores keep it), so
// shares can be counted again from the store after a restart.
// Expiry: the store keeps only aedes-packet's fixed fields (aedes-persistence-level bundles
// aedes-packet 3, which drops `messageExpiry`), so the enqueue time rides in `brokerCounter`:
// before each accepted PUBLISH the broker's counter is raised to now × 1024 (aedes/clock.ts), which
// keeps it strictly increasing per broker id as aedes' dedup needs. A queued packet older than
// the expiry is dropped instead of delivered.
import type { Redis } from 'ioredis'
import type { Logger } from 'pino'
import { PigeonError } from '../shared/errors.js'
import { parseTopic } from '../shared/topics.js'
import type { RelayMetrics } from './metrics.js'
import { enqueuedAt } from './aedes/clock.js'
import { RedisCounts } from './queue-counts-redis.js'
import {
  MemoryCounts,
  tallyOf,
  type Decided,
  type QueueCounts,
  type Refusal,
} from './queue-counts.js'
import { boundMethod } from './bound-methods.js'

interface Sub {
  clientId: string
}

/** what aedes stores for an inbox SUBSCRIBE at QoS 1 with default options (handlers/subscribe.js) */
function inboxSession(owner: string, topic: string): Sub & Record<string, unknown> {
  return { clientId: owner, topic, qos: 1, rh: 0, rap: false, nl: false }
}
interface PacketLike {
  topic: string
  brokerCounter?: number
  clientId?: string
}

interface Persistence {
  addSubscriptions(client: { id: string }, subs: Sub[]): Promise<unknown>
  outgoingEnqueueCombi(subs: Sub[], packet: PacketLike): Promise<unknown>
  outgoingEnqueue(sub: Sub, packet: PacketLike): Promise<unknown>
  outgoingClearMessageId(client: { id: string }, packet: unknown): Promise<unknown>
  outgoingUpdate(client: { id: string }, packet: unknown): Promise<unknown>
  outgoingStream(client: { id: string }): AsyncIterable<unknown>
}

const REFUSED: Record<Refusal, string> = {
  queue_full: 'holds its limit of messages; try again once it is collected',
  share_full:
    'holds as many messages from this sender as one sender may queue there; try again once it is collected',
  inbox_create_limit:
    'has no session on this relay yet, and its sender has started as many inboxes whose owners never connected as one sender may; try again once they have connected',
}

export interface QueueOptions {
  cap: number
  /** messages one sender may have queued in one client's queue (default: the cap) */
  share?: number
  /** inboxes one sender may start whose owners have not connected (default: unbounded) */
  created?: number
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
    const limits = {
      cap: options.cap,
      share: Math.min(options.share ?? options.cap, options.cap),
      created: options.created ?? Number.MAX_SAFE_INTEGER, // a number Lua can read
      ttlMs: options.ttlMs,
    }
    this.#ttlMs = options.ttlMs
    this.#metrics = options.metrics
    this.#log = options.log
    this.#gaugeFollowsStore = options.redis === undefined
    this.#counts =
      options.redis === undefined
        ? new MemoryCounts(limits)
        : new RedisCounts(options.redis, limits, (error) =>
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
        return boundMethod(target, property, value)
      },
    })
  }

  // Decides synchronously (one node) or in one Lua call (cluster), then stores: aedes hands each
  // client packets in brokerCounter order and its dedup drops any packet older than one already
  // delivered, so nothing here may let a later packet overtake an earlier one. Redis answers one
  // connection's commands in order, so the store calls still go out in the order aedes made them.
  #enqueue(inner: Persistence, known: Sub[], packet: PacketLike): Promise<unknown> {
    const sender = typeof packet.clientId === 'string' ? packet.clientId : undefined
    const parsed = parseTopic(packet.topic)
    // an inbox refuses its sender rather than skipping the message; anything else skips the full
    const strict = parsed?.kind === 'inbox'
    // An inbox with no session here gets one rather than be acknowledged into nothing: aedes
    // queues only for the persistent subscriptions this node knows (in a cluster, it learns another
    // node's a moment later; Redis then holds the session already, and the script charges nobody).
    const owner =
      parsed?.kind === 'inbox' &&
      !this.isOnline(parsed.peerId) &&
      !known.some((sub) => sub.clientId === parsed.peerId)
        ? inboxSession(parsed.peerId, packet.topic)
        : undefined
    const subs = owner === undefined ? known : [...known, owner]
    for (const sub of subs)
      if (this.#counts.unknown(sub.clientId)) void this.#load(sub.clientId).catch(() => undefined)
    const admissions = subs.map((sub) => ({
      clientId: sub.clientId,
      online: this.isOnline(sub.clientId),
    }))
    const store = ({ decisions, created }: Decided): Promise<unknown> => {
      const kept = subs.filter((_, i) => decisions[i] === undefined)
      if (strict) {
        const refusal = decisions.find((d) => d !== undefined)
        if (refusal !== undefined)
          return Promise.reject(this.#refuse(refusal, sender, packet.topic))
      }
      for (const d of decisions) if (d !== undefined) this.#metrics.queueDropped.inc({ reason: d })
      this.#metrics.queuedOffline.inc(kept.length)
      const queued = inner.outgoingEnqueueCombi(kept, packet).catch((error: unknown) => {
        for (const sub of kept) this.#counts.release(sub.clientId, sender)
        this.#metrics.queuedOffline.dec(kept.length)
        throw error
      })
      if (!created || owner === undefined) return queued
      // the PUBACK waits for the session too: acknowledged means the owner's connect restores it
      return Promise.all([queued, inner.addSubscriptions({ id: owner.clientId }, [owner])])
    }
    let work: Promise<unknown>
    try {
      const decided = this.#counts.admit(
        admissions,
        sender,
        strict,
        owner === undefined ? undefined : { owner: owner.clientId, now: Date.now() },
      )
      work = 'then' in decided ? decided.then(store) : store(decided)
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

  #refuse(refusal: Refusal, sender: string | undefined, topic: string): PigeonError {
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
      'RELAY_QUEUE_FULL',
      `The inbox of ${who} ${REFUSED[refusal]}. The message stays with its sender.`,
    )
  }

  /** Makes sure a client's queue is counted before a publish to it is decided (one node: read from the store once). */
  async prepare(clientId: string): Promise<void> {
    if (this.#counts.unknown(clientId)) await this.#load(clientId)
  }

  /**
   * On connect: re-reads the client's queue from the store (another cluster node may have queued,
   * expiry may have removed), and its inbox, if a sender started it, is claimed.
   */
  async refresh(clientId: string): Promise<void> {
    await Promise.all([this.#counts.claim(clientId), this.#load(clientId)])
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
