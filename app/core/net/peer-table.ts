// What the LAN node knows of each peer: online or not, the addresses mDNS, identify and the
// connection told, its profile, and when it last showed a sign of life (lan-network.ts). A peer
// is online when it is connected or listed by its signed mDNS records (docs/protocol.md §16).
import type { Libp2p, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { PeerProfile } from '../delivery.js'

/** how long an mDNS sighting counts as "a fresh address" for canReach */
export const FRESH_MS = 30_000

export interface LanPeer {
  peerId: string
  online: boolean
  /** multiaddr strings: from mDNS, identify, and the connection */
  addresses: string[]
  profile?: PeerProfile
  /** ms epoch of the last sign of life (mDNS answer, connection, message) */
  lastSeen: number
}

export interface PeerState {
  peerId: string
  /** connected, and our chat stream to it open */
  online: boolean
  /** listed by its signed mDNS records (mdns-roster.ts), connected or not */
  listed: boolean
  /** what the last 'peer:online' / 'peer:offline' told: online or listed */
  visible: boolean
  mdnsAddresses: string[]
  /** the listen addresses the peer told us by identify */
  listenAddresses: string[]
  seenAt: number
  /** when a delivery last found the peer silent or unreachable; older sightings are stale */
  failedAt?: number
  profile?: PeerProfile
}

export class PeerTable {
  readonly #states = new Map<string, PeerState>()

  get(peerId: string): PeerState | undefined {
    return this.#states.get(peerId)
  }

  values(): IterableIterator<PeerState> {
    return this.#states.values()
  }

  stateOf(peerId: string): PeerState {
    let state = this.#states.get(peerId)
    if (state === undefined) {
      state = {
        peerId,
        online: false,
        listed: false,
        visible: false,
        mdnsAddresses: [],
        listenAddresses: [],
        seenAt: Date.now(),
      }
      this.#states.set(peerId, state)
    }
    return state
  }

  /**
   * Whether the peer's online state changed since last asked: 'online', 'offline', or undefined
   * for no change; marks the new state as told. Online is connected, or listed and not found
   * silent by a delivery since its last sighting (docs/protocol.md §16).
   */
  visibility(peerId: string): 'online' | 'offline' | undefined {
    const state = this.#states.get(peerId)
    if (state === undefined) return undefined
    const visible = state.online || (state.listed && state.seenAt > (state.failedAt ?? 0))
    if (state.visible === visible) return undefined
    state.visible = visible
    return state.visible ? 'online' : 'offline'
  }

  /** Keeps the profile if newer than the one held; true when it was. */
  takeProfile(profile: PeerProfile): boolean {
    const state = this.stateOf(profile.peerId)
    if (state.profile !== undefined && profile.version <= state.profile.version) return false
    state.profile = profile
    return true
  }

  /** connected, or listed or seen on mDNS lately, and not found silent since */
  reachable(peerId: string): boolean {
    const state = this.#states.get(peerId)
    if (state?.online === true) return true
    return (
      state !== undefined &&
      state.mdnsAddresses.length > 0 &&
      (state.listed || Date.now() - state.seenAt < FRESH_MS) &&
      state.seenAt > (state.failedAt ?? 0)
    )
  }

  list(node: Libp2p | undefined): LanPeer[] {
    return [...this.#states.values()].map((state) => ({
      peerId: state.peerId,
      online: state.visible,
      addresses: this.addressesOf(state.peerId, node),
      profile: state.profile,
      lastSeen: state.seenAt,
    }))
  }

  addressesOf(peerId: string, node: Libp2p | undefined): string[] {
    const state = this.#states.get(peerId)
    const found = new Set([...(state?.mdnsAddresses ?? []), ...(state?.listenAddresses ?? [])])
    if (node !== undefined) {
      try {
        for (const connection of node.getConnections(peerIdFromString(peerId))) {
          if (connection.direction === 'outbound')
            found.add(connection.remoteAddr.decapsulateCode(421).toString())
        }
      } catch {
        // not a PeerId: nothing to add
      }
    }
    return [...found]
  }
}

/** how long 'peer:online' waits for identify when no address of the peer is known yet */
const IDENTIFY_WAIT_MS = 3_000

/**
 * Resolves once identify told the peer's listen addresses (`known()` turns true), or after
 * IDENTIFY_WAIT_MS: a peer that dialled us before we saw it on mDNS has no other address yet.
 */
export function identified(node: Libp2p, peerId: string, known: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer)
      node.removeEventListener('peer:identify', onIdentify)
      resolve()
    }
    const onIdentify = (event: CustomEvent<{ peerId: PeerId }>): void => {
      if (event.detail.peerId.toString() === peerId) done()
    }
    const timer = setTimeout(done, IDENTIFY_WAIT_MS)
    node.addEventListener('peer:identify', onIdentify)
    if (known()) done()
  })
}
