// pigeon-relay's own store (docs/relay.md "The journal"): aedes' persistence interface over
// the state in memory (state.ts) and an append-only log on disk (log.ts). A change is applied to
// memory at once — so reads in the same turn see it, as they did through the LevelDB view — and
// its promise resolves once its record is written with the rest of the turn's group. Made for the
// relay's access pattern: one inbox queue per user, written once, read once, deleted on PUBACK;
// no read goes to disk after the replay at start.
import { Readable } from 'node:stream'
import { QlobberTrue } from 'qlobber'
import { decode, encode, Kind, packetOf } from './records.js'
import { JournalLog, type LogOptions } from './log.js'
import { JournalState, TOPICS, type Header, type SubRecord } from './state.js'

type Pkt = Record<string, unknown>
interface ClientRef {
  id: string
}
type Sub = SubRecord & { topic: string; clientId: string }

export interface JournalOptions extends Partial<Omit<LogOptions, 'snapshot'>> {
  /** the log file */
  path: string
}

export interface JournalOpened {
  persistence: JournalPersistence
  /** records replayed, bytes cut from a torn tail */
  replayed: number
  tornBytes: number
}

function* matching(retained: Map<string, Pkt>, patterns: string[]): Generator<Pkt> {
  for (const pattern of patterns) {
    const trie = new QlobberTrue(TOPICS)
    trie.add(pattern)
    for (const [topic, packet] of retained) if (trie.test(topic)) yield packet
  }
}

export class JournalPersistence {
  readonly #state = new JournalState()
  readonly #log: JournalLog
  #broker: { id: string } | undefined
  #destroyed = false

  private constructor(replay: (state: JournalState) => JournalLog) {
    this.#log = replay(this.#state)
  }

  static open(options: JournalOptions): JournalOpened {
    let replayed = 0
    let tornBytes = 0
    const persistence = new JournalPersistence((state) => {
      const { log, recovered } = JournalLog.open(options.path, {
        syncMs: options.syncMs ?? 1000,
        compactBytes: options.compactBytes ?? 64 * 1024 * 1024,
        snapshot: () => [...state.snapshot()],
      })
      for (const body of recovered.bodies) {
        const record = decode(body)
        state.apply(
          record.kind,
          record.header,
          record.header.p === undefined ? undefined : packetOf(record),
        )
      }
      for (const clientId of state.outgoing.keys()) state.dropEmpty(clientId)
      replayed = recovered.bodies.length
      tornBytes = recovered.tornBytes
      return log
    })
    return { persistence, replayed, tornBytes }
  }

  /** for the abstract suite: the broker passed to setup */
  get broker(): { id: string } | undefined {
    return this.#broker
  }

  get logBytes(): number {
    return this.#log.size
  }

  async setup(broker: { id: string }): Promise<void> {
    this.#broker = broker
  }

  /**
   * A record nobody was promised anything on: a packet numbered for sending, or cleared by the
   * subscriber's PUBACK. It goes out with this turn's group but the caller does not wait: lost in
   * a crash, the packet is sent again after the restart (QoS 1 is at least once; the app drops the
   * duplicate by message id, docs/relay.md "Offline queues"). Waiting made the drain one group commit per
   * message. A failed write fails every later acknowledged one (log.ts), so nothing is hidden.
   */
  #background(record: Buffer): void {
    this.#log.appendUnwaited(record)
  }

  /** applies a change now, and resolves once it is in the log */
  #change(kind: Kind, header: Header, packet?: Pkt): Promise<unknown> {
    const answer = this.#state.apply(kind, header, packet)
    return this.#log.append(encode(kind, header, packet)).then(() => answer)
  }

  async storeRetained(packet: Pkt): Promise<void> {
    await this.#change(Kind.retained, {}, { ...packet })
  }

  createRetainedStreamCombi(patterns: string[]): Readable {
    return Readable.from(matching(this.#state.retained, patterns))
  }

  createRetainedStream(pattern: string): Readable {
    return Readable.from(matching(this.#state.retained, [pattern]))
  }

  async addSubscriptions(client: ClientRef, subs: Sub[]): Promise<void> {
    const s = subs.map(({ topic, qos, rh, rap, nl, subscriptionIdentifier }) =>
      subscriptionIdentifier === undefined
        ? { topic, qos, rh, rap, nl }
        : { topic, qos, rh, rap, nl, subscriptionIdentifier },
    )
    await this.#change(Kind.subscribe, { c: client.id, s })
  }

  async removeSubscriptions(client: ClientRef, topics: string[]): Promise<void> {
    await this.#change(Kind.unsubscribe, { c: client.id, t: topics })
  }

  async cleanSubscriptions(client: ClientRef): Promise<void> {
    if (!this.#state.subscriptions.has(client.id)) return
    await this.#change(Kind.cleanSubscriptions, { c: client.id })
  }

  async subscriptionsByClient(client: ClientRef): Promise<Array<SubRecord & { topic: string }>> {
    const stored = this.#state.subscriptions.get(client.id)
    return stored === undefined ? [] : [...stored].map(([topic, sub]) => ({ topic, ...sub }))
  }

  async subscriptionsByTopic(pattern: string): Promise<unknown[]> {
    return this.#state.trie.match(pattern)
  }

  async countOffline(): Promise<{ subsCount: number; clientsCount: number }> {
    return {
      subsCount: this.#state.trie.subscriptionsCount,
      clientsCount: this.#state.subscriptions.size,
    }
  }

  getClientList(topic: string): Readable {
    const subscriptions = this.#state.subscriptions
    return Readable.from(
      (function* () {
        for (const [clientId, topics] of subscriptions) if (topics.has(topic)) yield clientId
      })(),
    )
  }

  async outgoingEnqueue(sub: Sub, packet: Pkt): Promise<void> {
    await this.outgoingEnqueueCombi([sub], packet)
  }

  async outgoingEnqueueCombi(subs: Sub[], packet: Pkt): Promise<void> {
    if (subs.length === 0) return
    // one record for every subscriber: the payload is written once however many queues hold it
    await this.#change(Kind.enqueue, { c: subs.map((s) => s.clientId) }, packet)
  }

  async outgoingUpdate(client: ClientRef, packet: Pkt): Promise<void> {
    const queue = this.#state.outgoing.get(client.id)
    const how = queue?.update(packet)
    if (how === undefined) throw new Error('no such packet')
    // applied above already: log it only (replay applies it the same way)
    const { brokerId, brokerCounter, messageId } = packet
    const record =
      how === 'numbered'
        ? encode(Kind.numbered, { c: client.id, p: { brokerId, brokerCounter, messageId } })
        : encode(Kind.replaced, { c: client.id }, packet)
    this.#background(record)
  }

  async outgoingClearMessageId(client: ClientRef, packet: Pkt): Promise<Pkt | undefined> {
    const queue = this.#state.outgoing.get(client.id)
    const messageId = packet.messageId as number
    if (queue === undefined) return undefined
    const removed = queue.clear(messageId)
    if (removed === undefined) return undefined
    this.#state.dropEmpty(client.id)
    this.#background(encode(Kind.cleared, { c: client.id, m: messageId }))
    return removed
  }

  outgoingStream(client: ClientRef): Readable {
    // a copy: the queue changes while aedes drains it
    return Readable.from([...(this.#state.outgoing.get(client.id)?.values() ?? [])])
  }

  async incomingStorePacket(client: ClientRef, packet: Pkt): Promise<void> {
    await this.#change(Kind.incoming, { c: client.id }, packet)
  }

  async incomingGetPacket(client: ClientRef, packet: Pkt): Promise<Pkt> {
    const found = this.#state.incoming.get(client.id)?.get(packet.messageId as number)
    if (found === undefined) throw new Error('no such packet')
    return found
  }

  async incomingDelPacket(client: ClientRef, packet: Pkt): Promise<void> {
    if (this.#state.incoming.get(client.id)?.has(packet.messageId as number) !== true)
      throw new Error('no such packet')
    await this.#change(Kind.incomingDeleted, { c: client.id, m: packet.messageId })
  }

  async cleanIncoming(client: ClientRef): Promise<void> {
    if (!this.#state.incoming.has(client.id)) return
    await this.#change(Kind.cleanIncoming, { c: client.id })
  }

  async putWill(client: ClientRef, packet: Pkt): Promise<void> {
    packet.brokerId = this.#broker?.id
    packet.clientId = client.id
    await this.#change(Kind.will, { c: client.id }, packet)
  }

  async getWill(client: ClientRef): Promise<Pkt | undefined> {
    return this.#state.wills.get(client.id)
  }

  async delWill(client: ClientRef): Promise<Pkt | undefined> {
    const will = this.#state.wills.get(client.id)
    if (will !== undefined) await this.#change(Kind.willDeleted, { c: client.id })
    return will
  }

  streamWill(brokers: Record<string, unknown> = {}): Readable {
    const wills = [...this.#state.wills.values()].filter(
      (will) => brokers[will.brokerId as string] === undefined,
    )
    return Readable.from(wills)
  }

  async destroy(): Promise<void> {
    if (this.#destroyed) throw new Error('destroyed called twice!')
    this.#destroyed = true
    this.#log.close()
  }
}
