// The journal's state in memory (docs/relay.md "The journal"): what aedes keeps in its
// persistence — retained packets, sessions' subscriptions (and the topic trie that matches them),
// outgoing queues, incoming QoS 2 packets, wills. Every change is one record (records.ts);
// `apply` makes it, the same code for a live call and for the replay at start, so what is
// recovered is what was acknowledged. `snapshot` writes the whole state back as records.
import Packet from 'aedes-packet'
import QlobberSub from 'qlobber/aedes/qlobber-sub.js'
import { encode, Kind } from './records.js'
import { OutgoingQueue, type QueuedPacket } from './outgoing.js'

export const TOPICS = { wildcard_one: '+', wildcard_some: '#', separator: '/' }

export interface SubRecord {
  qos: number
  rh?: number
  rap?: boolean
  nl?: boolean
  subscriptionIdentifier?: number
}
export type Header = Record<string, unknown>
type Pkt = Record<string, unknown>

export class JournalState {
  readonly retained = new Map<string, Pkt>()
  readonly subscriptions = new Map<string, Map<string, SubRecord>>()
  readonly trie = new QlobberSub(TOPICS)
  readonly outgoing = new Map<string, OutgoingQueue>()
  readonly incoming = new Map<string, Map<number, Pkt>>()
  readonly wills = new Map<string, Pkt>()

  /** one change; returns what the aedes call answers with, if anything */
  apply(kind: Kind, h: Header, packet?: Pkt): unknown {
    const client = h.c as string
    switch (kind) {
      case Kind.retained:
        if ((packet!.payload as Buffer).length === 0) this.retained.delete(packet!.topic as string)
        else this.retained.set(packet!.topic as string, packet!)
        return undefined
      case Kind.subscribe:
        return this.#subscribe(client, h.s as Array<SubRecord & { topic: string }>)
      case Kind.unsubscribe:
        return this.#unsubscribe(client, h.t as string[])
      case Kind.cleanSubscriptions:
        return this.#unsubscribe(client, [...(this.subscriptions.get(client)?.keys() ?? [])])
      case Kind.enqueue:
        for (const id of h.c as string[]) {
          const copy = new Packet(packet!) as QueuedPacket
          if (typeof h.m === 'number') copy.messageId = h.m // a snapshot's numbered packet
          this.#queue(id).push(copy)
        }
        return undefined
      case Kind.numbered:
        return this.outgoing.get(client)?.update(h.p as QueuedPacket)
      case Kind.replaced:
        return this.outgoing.get(client)?.update(packet as QueuedPacket)
      case Kind.cleared:
        return this.outgoing.get(client)?.clear(h.m as number)
      case Kind.incoming: {
        const copy = new Packet(packet!) as Pkt
        copy.messageId = packet!.messageId
        let store = this.incoming.get(client)
        if (store === undefined) this.incoming.set(client, (store = new Map()))
        store.set(packet!.messageId as number, copy)
        return undefined
      }
      case Kind.incomingDeleted:
        return this.incoming.get(client)?.delete(h.m as number)
      case Kind.cleanIncoming:
        return this.incoming.delete(client)
      case Kind.will:
        this.wills.set(client, packet!)
        return undefined
      case Kind.willDeleted:
        return this.wills.delete(client)
    }
  }

  #queue(clientId: string): OutgoingQueue {
    let queue = this.outgoing.get(clientId)
    if (queue === undefined) this.outgoing.set(clientId, (queue = new OutgoingQueue()))
    return queue
  }

  /** an emptied queue is dropped, so an idle session holds no queue object */
  dropEmpty(clientId: string): void {
    if (this.outgoing.get(clientId)?.size === 0) this.outgoing.delete(clientId)
  }

  #subscribe(clientId: string, subs: Array<SubRecord & { topic: string }>): void {
    let stored = this.subscriptions.get(clientId)
    if (stored === undefined) this.subscriptions.set(clientId, (stored = new Map()))
    for (const { topic, ...sub } of subs) {
      const record: SubRecord = { qos: sub.qos, rh: sub.rh, rap: sub.rap, nl: sub.nl }
      // kept for the session (subscriptionsByClient), never in the trie (aedes-persistence's rule)
      if (sub.subscriptionIdentifier !== undefined)
        record.subscriptionIdentifier = sub.subscriptionIdentifier
      if (sub.qos > 0) this.trie.add(topic, { clientId, topic, ...withoutId(record) })
      else if ((stored.get(topic)?.qos ?? 0) > 0) this.trie.remove(topic, { clientId, topic })
      stored.set(topic, record)
    }
  }

  #unsubscribe(clientId: string, topics: string[]): void {
    const stored = this.subscriptions.get(clientId)
    if (stored === undefined) return
    for (const topic of topics) {
      const sub = stored.get(topic)
      if (sub === undefined) continue
      if (sub.qos > 0) this.trie.remove(topic, { clientId, topic })
      stored.delete(topic)
    }
    if (stored.size === 0) this.subscriptions.delete(clientId)
  }

  /** the whole state as records, in an order whose replay rebuilds it */
  *snapshot(): Generator<Buffer> {
    for (const packet of this.retained.values()) yield encode(Kind.retained, {}, packet)
    for (const [c, subs] of this.subscriptions)
      yield encode(Kind.subscribe, {
        c,
        s: [...subs].map(([topic, sub]) => ({ topic, ...sub })),
      })
    for (const [c, queue] of this.outgoing)
      for (const packet of queue.values()) {
        if (packet.brokerId === undefined) {
          // a PUBREL in place of a packet: enqueue a placeholder, then replace it
          const placeholder = {
            brokerId: 'snapshot',
            brokerCounter: 0,
            messageId: packet.messageId,
          }
          yield encode(Kind.enqueue, { c: [c], m: packet.messageId }, placeholder)
          yield encode(Kind.replaced, { c }, packet)
        } else yield encode(Kind.enqueue, { c: [c], m: packet.messageId }, packet)
      }
    for (const [c, store] of this.incoming)
      for (const packet of store.values()) yield encode(Kind.incoming, { c }, packet)
    for (const [c, will] of this.wills) yield encode(Kind.will, { c }, will)
  }
}

function withoutId(record: SubRecord): SubRecord {
  return { qos: record.qos, rh: record.rh, rap: record.rap, nl: record.nl }
}
