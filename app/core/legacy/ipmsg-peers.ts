// The legacy peers the bridge knows now (in memory: IPMsg presence is only what was heard since
// start; docs/protocol.md §15 "Presence"), with the rules for who may change an entry: an exit
// is taken only from the address and port the entry came from (a spoofed BR_EXIT for someone
// else is ignored), and the table is bounded, so a flood of invented users cannot grow it.
import type { Endpoint } from './ipmsg-socket.js'
import { legacyPeerId } from './legacy-id.js'

/** legacy peers kept at once; an entry past this is ignored (an office has dozens, not thousands) */
export const MAX_LEGACY_PEERS = 1024
/** packet numbers remembered per peer, to answer a retransmitted SENDMSG without storing it twice */
const RECENT_PACKETS = 64

export interface LegacyPeer extends EntryFacts {
  peerId: string
  /** packet numbers of messages being stored or stored (a retransmission waits for the same) */
  recent: Map<number, Promise<void>>
}

export interface EntryFacts {
  user: string
  host: string
  nickname: string
  group: string
  absent: boolean
  from: Endpoint
}

export const sameEndpoint = (a: Endpoint, b: Endpoint): boolean =>
  a.address === b.address && a.port === b.port

export class LegacyPeers {
  readonly #peers = new Map<string, LegacyPeer>()

  get(peerId: string): LegacyPeer | undefined {
    return this.#peers.get(peerId)
  }

  list(): LegacyPeer[] {
    return [...this.#peers.values()]
  }

  /** An entry or absence: the peer, new or changed; undefined when the table is full. */
  enter(facts: EntryFacts): { peer: LegacyPeer; isNew: boolean } | undefined {
    const peerId = legacyPeerId(facts.user, facts.host)
    const known = this.#peers.get(peerId)
    if (known !== undefined) {
      // IPMsg names a user by login and host, not by address: a move (DHCP) updates it
      Object.assign(known, facts)
      return { peer: known, isNew: false }
    }
    if (this.#peers.size >= MAX_LEGACY_PEERS) return undefined
    const peer: LegacyPeer = { peerId, ...facts, recent: new Map() }
    this.#peers.set(peerId, peer)
    return { peer, isNew: true }
  }

  /** BR_EXIT: removed only when it came from where the entry came from. */
  exit(user: string, host: string, from: Endpoint): LegacyPeer | 'spoofed' | undefined {
    const peer = this.#peers.get(legacyPeerId(user, host))
    if (peer === undefined) return undefined
    if (!sameEndpoint(peer.from, from)) return 'spoofed'
    this.#peers.delete(peer.peerId)
    return peer
  }

  remove(peerId: string): void {
    this.#peers.delete(peerId)
  }

  remember(peer: LegacyPeer, packetNo: number, stored: Promise<void>): void {
    peer.recent.set(packetNo, stored)
    // a failed store is forgotten, so the sender's retry is stored afresh
    stored.catch(() => peer.recent.delete(packetNo))
    if (peer.recent.size > RECENT_PACKETS) {
      const oldest = peer.recent.keys().next().value
      if (oldest !== undefined) peer.recent.delete(oldest)
    }
  }

  clear(): void {
    this.#peers.clear()
  }
}
