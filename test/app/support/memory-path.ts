// An in-memory DeliveryPath for the router's pure-logic tests only (the real LAN path is tested
// with real libp2p nodes). A MemoryNetwork links paths by PeerId; each delivery calls the
// receiver's inbound handler and resolves when it does, exactly as the contract says an ack works.
// Like LanNetwork it carries profiles itself (the engine's one way, app/core/profile-service.ts):
// each side sends its own when two paths meet and when it changes, and reports the ones it gets.
import { EventEmitter } from 'node:events'
import { newMessageId, type Envelope, type ProfileBody } from '../../../shared/envelope.js'
import { PigeonError } from '../../../shared/errors.js'
import type {
  DeliveryPath,
  InboundHandler,
  PathEvents,
  PathName,
  PeerProfile,
} from '../../../app/core/delivery.js'

export type MemoryPathEvents = PathEvents & { profile: PeerProfile }

export class MemoryNetwork {
  readonly paths = new Map<string, MemoryPath>()
  /** every delivery attempt, in the order it was made */
  readonly log: Array<{ from: string; to: string; envelope: Envelope; ok: boolean }> = []

  /** `profile`: what the path announces, as LanNetwork is built with it (ensureMyProfile first) */
  path(peerId: string, name: PathName = 'lan', profile?: ProfileBody): MemoryPath {
    const path = new MemoryPath(this, peerId, name, profile)
    this.paths.set(peerId, path)
    return path
  }

  /** Brings a peer up: every other up peer hears 'peer:online' about it, and it about them. */
  up(peerId: string): void {
    const path = this.#get(peerId)
    path.online = true
    for (const other of this.paths.values()) {
      if (other === path || !other.online) continue
      other.emit('peer:online', { peerId, addresses: [`/memory/${peerId}`] })
      path.emit('peer:online', { peerId: other.peerId, addresses: [`/memory/${other.peerId}`] })
      void path.announce(other.peerId)
      void other.announce(peerId)
    }
  }

  down(peerId: string): void {
    const path = this.#get(peerId)
    path.online = false
    for (const other of this.paths.values()) {
      if (other !== path && other.online) other.emit('peer:offline', { peerId })
    }
  }

  #get(peerId: string): MemoryPath {
    const path = this.paths.get(peerId)
    if (path === undefined) throw new Error(`no memory path for ${peerId}`)
    return path
  }
}

export class MemoryPath implements DeliveryPath {
  online = false
  /** the next n deliveries from this path fail as if the connection dropped */
  failNext = 0
  /** deliveries for which this returns true fail as if refused (decided per attempt) */
  failWhen: ((envelope: Envelope) => boolean) | undefined
  /** the next n deliveries reach the receiver (stored) but their ack is lost on the way back */
  dropAckNext = 0
  /** when set, deliveries wait for this promise before reaching the receiver */
  gate: Promise<void> | undefined
  readonly #events = new EventEmitter()
  #handler: InboundHandler | undefined
  #profile: ProfileBody | undefined

  readonly #network: MemoryNetwork

  constructor(
    network: MemoryNetwork,
    readonly peerId: string,
    readonly name: PathName,
    profile?: ProfileBody,
  ) {
    this.#network = network
    this.#profile = profile
  }

  canReach(peerId: string): boolean {
    return this.online && this.#network.paths.get(peerId)?.online === true
  }

  async deliver(peerId: string, envelope: Envelope): Promise<void> {
    const target = this.#network.paths.get(peerId)
    const entry = { from: this.peerId, to: peerId, envelope, ok: false }
    this.#network.log.push(entry)
    if (this.gate !== undefined) await this.gate
    if (this.failWhen?.(envelope) === true) {
      throw new PigeonError('DELIVERY_REFUSED', `memory link refused ${envelope.kind}`)
    }
    if (this.failNext > 0) {
      this.failNext -= 1
      throw new PigeonError('PEER_UNREACHABLE', `memory link to ${peerId} dropped`)
    }
    if (!this.online || target === undefined || !target.online || target.#handler === undefined) {
      throw new PigeonError('PEER_UNREACHABLE', `${peerId} is not online`)
    }
    if (envelope.kind === 'profile') {
      // taken by the path, as LanNetwork does: profiles never reach the inbound handler
      target.emit('profile', { ...envelope.profile, peerId: this.peerId })
    } else {
      // the receiver sees a copy, as it would after the wire
      await target.#handler(structuredClone(envelope), this.name)
    }
    if (this.dropAckNext > 0) {
      this.dropAckNext -= 1
      throw new PigeonError('DELIVERY_TIMEOUT', `ack from ${peerId} lost`)
    }
    entry.ok = true
  }

  onInbound(handler: InboundHandler): void {
    this.#handler = handler
  }

  /** My profile changed: every online peer is told (LanNetwork.setProfile). */
  async setProfile(profile: ProfileBody): Promise<void> {
    this.#profile = { ...profile }
    const online = [...this.#network.paths.values()].filter((p) => p !== this && p.online)
    await Promise.all(online.map((p) => this.announce(p.peerId)))
  }

  /** Sends my profile to one peer; best effort, like the LAN's greeting. */
  async announce(peerId: string): Promise<void> {
    if (this.#profile === undefined) return
    const now = Date.now()
    const envelope: Envelope = {
      id: newMessageId(now),
      sender: this.peerId,
      to: { peer: peerId },
      sentAt: now,
      kind: 'profile',
      profile: { ...this.#profile },
    }
    await this.deliver(peerId, envelope).catch(() => undefined)
  }

  on<K extends keyof MemoryPathEvents>(
    event: K,
    listener: (detail: MemoryPathEvents[K]) => void,
  ): void {
    this.#events.on(event, listener)
  }

  off<K extends keyof MemoryPathEvents>(
    event: K,
    listener: (detail: MemoryPathEvents[K]) => void,
  ): void {
    this.#events.off(event, listener)
  }

  emit<K extends keyof MemoryPathEvents>(event: K, detail: MemoryPathEvents[K]): void {
    this.#events.emit(event, detail)
  }
}
