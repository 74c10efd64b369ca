// The contract between the router and the ways a message can travel (docs/architecture.md §3
// "The DeliveryPath contract"): the router knows nothing of libp2p or MQTT, a path nothing of the
// store. Implemented by the LAN path (app/core/net) and the relay path (app/core/relay/slot.ts).
import type { Envelope } from '../../shared/envelope.js'
import type { PeerStatus } from '../../shared/status.js'

export type PathName = 'lan' | 'relay'

/** A peer's self-description, exchanged on connect and on change (a `profile` envelope). */
export interface PeerProfile {
  peerId: string
  name: string
  /** avatar colour, 0xRRGGBB */
  color: number
  status: PeerStatus
  /** grows with every change, so an older profile never replaces a newer one */
  version: number
  /** optional profile fields (docs/protocol.md §2) */
  workgroup?: string
  host?: string
}

export interface PathEvents {
  /** a peer became reachable on this path (discovered, connected); addresses are multiaddr strings */
  'peer:online': { peerId: string; addresses: string[] }
  /** a peer stopped being reachable on this path (goodbye, connection lost, announces missing) */
  'peer:offline': { peerId: string }
  /** the path itself came up (the relay link connected): every queued recipient may be reachable */
  'path:up': Record<string, never>
}

/**
 * Called for every envelope that arrives. Resolve only after the envelope is durably stored:
 * the path acks to the sender when this promise resolves, and not at all when it rejects
 * (the sender then keeps the message in its outbox and retries).
 */
export type InboundHandler = (envelope: Envelope, via: PathName) => Promise<void>

export interface DeliveryPath {
  readonly name: PathName
  /** true when a delivery attempt has a chance now (connected, or a fresh address is known) */
  canReach(peerId: string): boolean
  /**
   * Delivers one envelope and resolves when the receiver acked it (stored). Rejects with a
   * PigeonError (code PEER_UNREACHABLE, DELIVERY_TIMEOUT, ...) otherwise.
   */
  deliver(peerId: string, envelope: Envelope): Promise<void>
  onInbound(handler: InboundHandler): void
  on<K extends keyof PathEvents>(event: K, listener: (detail: PathEvents[K]) => void): void
  off<K extends keyof PathEvents>(event: K, listener: (detail: PathEvents[K]) => void): void
}
