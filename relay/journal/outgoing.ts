// One client's queue of outgoing packets (docs/relay.md "The journal"), with the semantics of
// aedes-persistence's memory store (the abstract suite checks them) and none of its scans: a
// reconnecting client with 100,000 queued packets numbers each one (update), then clears each on
// PUBACK; both are index look-ups here, where a list scan made the drain quadratic.
// Order is insertion order (a Map keeps it; deleting is O(1)).
export interface QueuedPacket {
  brokerId?: string
  brokerCounter?: number
  messageId?: number
  [field: string]: unknown
}

const counterKey = (p: QueuedPacket): string => `${p.brokerId}\u0000${p.brokerCounter}`

export class OutgoingQueue {
  readonly #entries = new Map<number, QueuedPacket>()
  /** brokerId + brokerCounter → sequence numbers holding it, oldest first */
  readonly #byCounter = new Map<string, number[]>()
  /** messageId → sequence numbers holding it, oldest first (ids wrap at 65535) */
  readonly #byId = new Map<number, number[]>()
  #next = 0

  get size(): number {
    return this.#entries.size
  }

  values(): IterableIterator<QueuedPacket> {
    return this.#entries.values()
  }

  push(packet: QueuedPacket): void {
    const seq = this.#next++
    this.#entries.set(seq, packet)
    this.#index(seq, packet)
  }

  /**
   * aedes' outgoingUpdate: the packet with the same brokerId and brokerCounter gets the
   * messageId; else the oldest packet of another broker with that messageId is replaced (a
   * PUBREL for a QoS 2 packet). Returns which, or undefined: no such packet.
   */
  update(packet: QueuedPacket): 'numbered' | 'replaced' | undefined {
    const same = this.#byCounter.get(counterKey(packet))
    if (same !== undefined && packet.brokerId !== undefined) {
      const seq = same[0]!
      const entry = this.#entries.get(seq)!
      if (entry.messageId !== undefined) remove(this.#byId, entry.messageId, seq)
      entry.messageId = packet.messageId
      if (packet.messageId !== undefined) add(this.#byId, packet.messageId, seq)
      return 'numbered'
    }
    if (packet.messageId === undefined) return undefined
    for (const seq of this.#byId.get(packet.messageId) ?? []) {
      const entry = this.#entries.get(seq)!
      // a PUBREL numbered again (no broker fields on either): the memory store's first branch
      if (entry.brokerId === undefined && packet.brokerId === undefined) return 'numbered'
      if (entry.brokerId === packet.brokerId) continue
      this.#unindex(seq, entry)
      this.#entries.set(seq, packet)
      this.#index(seq, packet)
      return 'replaced'
    }
    return undefined
  }

  /** aedes' outgoingClearMessageId: removes and returns the oldest packet with this messageId */
  clear(messageId: number): QueuedPacket | undefined {
    const seq = this.#byId.get(messageId)?.[0]
    if (seq === undefined) return undefined
    const entry = this.#entries.get(seq)!
    this.#entries.delete(seq)
    this.#unindex(seq, entry)
    return entry
  }

  #index(seq: number, packet: QueuedPacket): void {
    if (packet.brokerId !== undefined) add(this.#byCounter, counterKey(packet), seq)
    if (packet.messageId !== undefined) add(this.#byId, packet.messageId, seq)
  }

  #unindex(seq: number, packet: QueuedPacket): void {
    if (packet.brokerId !== undefined) remove(this.#byCounter, counterKey(packet), seq)
    if (packet.messageId !== undefined) remove(this.#byId, packet.messageId, seq)
  }
}

function add<K>(index: Map<K, number[]>, key: K, seq: number): void {
  const list = index.get(key)
  if (list === undefined) index.set(key, [seq])
  else {
    // nearly always the newest; keep oldest-first order otherwise
    let at = list.length
    while (at > 0 && list[at - 1]! > seq) at--
    list.splice(at, 0, seq)
  }
}

function remove<K>(index: Map<K, number[]>, key: K, seq: number): void {
  const list = index.get(key)
  if (list === undefined) return
  const at = list.indexOf(seq)
  if (at >= 0) list.splice(at, 1)
  if (list.length === 0) index.delete(key)
}
