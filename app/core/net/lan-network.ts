// The LAN DeliveryPath: a Pigeon libp2p node, who is online on it, their profiles, and delivery
// over /pigeon/chat/1.0.0. "Online" means: listed by its signed mDNS records (mdns-roster.ts,
// docs/protocol.md §16), or connected with the peer accepting our chat stream (a peer reached
// through the known-peer cache, without mDNS). The connection is made on first use — the first
// envelope to send — and closed when idle (idle-closer.ts). Offline: its goodbye, its records
// expired, a failed connection it did not confirm by mDNS (§10.4 of RFC 6762), or, for a peer
// not listed, its last connection closed.
import { EventEmitter } from 'node:events'
import type { Libp2p, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { isPigeonError, PigeonError } from '../../../shared/errors.js'
import type { Envelope, ProfileBody } from '../../../shared/envelope.js'
import type { DeliveryPath, InboundHandler, PeerProfile } from '../delivery.js'
import type { FileService } from '../files/index.js'
import { ChatService, DEFAULT_CHAT_LIMITS, type ChatLimits } from './chat-service.js'
import { watchConnections } from './connection-events.js'
import { silentLogger, type Logger } from '../log.js'
import { IdleCloser, IDLE_CLOSE_MS } from './idle-closer.js'
import { listingRoster } from './lan-listing.js'
import type { MdnsRoster } from './mdns-roster.js'
import type { PigeonMdns } from './mdns/discovery.js'
import { signedProfileTxt } from './mdns/profile-txt.js'
import { createPigeonNode } from './node.js'
import { PeerDialer } from './peer-dialer.js'
import { Greeting, profileEnvelope } from './greeting.js'
import { PeerTable, type LanPeer, type PeerState } from './peer-table.js'
import { lanFileService, type LanEvents, type LanNetworkInit } from './lan-init.js'

export type { LanEvents, LanNetworkInit } from './lan-init.js'

export type { LanPeer } from './peer-table.js'

export class LanNetwork implements DeliveryPath {
  readonly name = 'lan' as const
  readonly #events = new EventEmitter()
  readonly #peerStates = new PeerTable()
  readonly #greeting: Greeting
  readonly #limits: ChatLimits
  readonly #logger: Logger
  #inbound: InboundHandler | undefined
  #myProfile: ProfileBody
  #node: Libp2p | undefined
  #chat: ChatService | undefined
  #fileService: FileService | undefined
  #dialer: PeerDialer | undefined
  #idle: IdleCloser | undefined
  #roster: MdnsRoster | undefined
  #mdns: PigeonMdns | undefined
  /** my signed profile for the TXT record */
  #txt: string[] = []
  #port = 0
  #stopping = false

  readonly #init: LanNetworkInit

  constructor(init: LanNetworkInit) {
    this.#init = init
    this.#limits = { ...DEFAULT_CHAT_LIMITS, ...init.limits }
    this.#logger = init.logger ?? silentLogger()
    this.#greeting = new Greeting({
      table: this.#peerStates,
      addressesOf: (peerId) => this.#addressesOf(peerId),
      connected: (peerId) => this.#updateVisible(peerId),
      sendProfile: (peerId) => this.#sendProfile(peerId),
      logger: this.#logger,
    })
    this.#myProfile = { ...init.profile, version: init.profile.version ?? Date.now() }
    this.#events.setMaxListeners(100)
  }

  get peerId(): string {
    return this.#init.identity.peerId
  }

  /** the TCP port actually listened on (remember it for the next start) */
  get listenPort(): number {
    return this.#port
  }

  get profile(): PeerProfile {
    return { peerId: this.peerId, ...this.#myProfile }
  }

  /** the file service of the running node (a new one per start: it is tied to its libp2p node) */
  get files(): FileService | undefined {
    return this.#fileService
  }

  get libp2p(): Libp2p {
    if (this.#node === undefined)
      throw new PigeonError('NODE_NOT_RUNNING', 'The LAN node is not started.')
    return this.#node
  }

  /** my listen addresses as multiaddr strings, each ending in /p2p/<my PeerId> */
  addresses(): string[] {
    return this.#node?.getMultiaddrs().map((a) => a.toString()) ?? []
  }

  async start(): Promise<void> {
    if (this.#node !== undefined) return
    this.#stopping = false
    this.#txt = await signedProfileTxt(this.#init.identity, this.#myProfile)
    let starting: Libp2p | undefined
    const roster = listingRoster(this.#peerStates, {
      profile: (profile) => this.#applyProfile(profile),
      visibility: (peerId) => this.#updateVisible(peerId),
      // where libp2p dials the peer by id (a file pulled later, docs/protocol.md §11); answers
      // come while libp2p is still starting, before this.#node is set
      seen: (peerId, multiaddrs) =>
        void starting?.peerStore
          .merge(peerIdFromString(peerId), { multiaddrs })
          .catch(() => undefined),
      query: (peerId) => this.#mdns?.reconfirm(peerId),
      logger: this.#logger,
    })
    this.#roster = roster
    const started = await createPigeonNode({
      identity: this.#init.identity,
      listenPort: this.#init.listenPort ?? 0,
      listenPortRequired: this.#init.listenPortRequired,
      listenHost: this.#init.listenHost,
      mdns: this.#init.mdns,
      pingInterval: this.#init.pingInterval,
      // a goodbye unlists it; a sighting's addresses count once its TXT checked out (onSeen)
      onMdnsSighting: (sighting) => {
        if (sighting.peerId !== this.peerId && !this.#stopping) roster.onSighting(sighting)
      },
      isMdnsKnown: (peerId) => roster.isFresh(peerId),
      profileTxt: () => this.#txt,
      beforeStart: async (libp2p) => {
        starting = libp2p
        const chat = new ChatService(libp2p, {
          limits: this.#limits,
          logger: this.#logger,
          accept: (remote, envelope) => this.#accept(remote, envelope),
        })
        await chat.start()
        watchConnections(libp2p, this.peerId, {
          connected: (remote) => {
            this.#idle?.touch(remote.toString())
            void this.#greet(remote)
          },
          disconnected: (peerId) => {
            this.#markOffline(peerId)
            // not my idle close: is the peer still there? (RFC 6762 §10.4)
            if (!this.#stopping && this.#idle?.closedByMe(peerId) !== true) roster.reconfirm(peerId)
          },
          listening: (peerId, addresses) => (this.#stateOf(peerId).listenAddresses = addresses),
        })
        this.#chat = chat
        this.#dialer = new PeerDialer(libp2p, this.peerId, this.#limits.dialTimeoutMs, this.#logger)
        // a listed peer stays online without its connection, and the next send dials it again
        this.#idle = new IdleCloser(libp2p, this.#init.idleCloseMs ?? IDLE_CLOSE_MS, (peerId) =>
          roster.isListed(peerId),
        )
        this.#fileService = lanFileService(libp2p, this.#init, this.#logger)
      },
    })
    await this.#fileService?.start()
    this.#idle?.start()
    this.#node = started.libp2p
    this.#mdns = started.mdns
    this.#port = started.listenPort
    if (started.portFellBack) {
      this.#logger.info(
        { asked: this.#init.listenPort, port: this.#port },
        'listen port was taken; using another',
      )
    }
    this.#logger.info({ peerId: this.peerId, addresses: this.addresses() }, 'LAN node started')
  }

  async stop(): Promise<void> {
    const node = this.#node
    if (node === undefined) return
    this.#stopping = true
    this.#dialer?.stop()
    this.#idle?.stop()
    this.#roster?.stop()
    await this.#chat?.stop().catch(() => undefined)
    await this.#fileService?.stop().catch(() => undefined)
    // the mDNS goodbye (before the socket closes) unlists us, closing the connections ends them
    await node.stop()
    this.#node = undefined
    this.#chat = undefined
    this.#fileService = undefined
    this.#dialer = undefined
    this.#idle = undefined
    this.#mdns = undefined
    for (const state of this.#peerStates.values()) {
      state.online = false
      state.listed = false
      this.#updateVisible(state.peerId)
    }
  }

  // --- DeliveryPath ---------------------------------------------------------------------------

  canReach(peerId: string): boolean {
    return this.#node !== undefined && this.#peerStates.reachable(peerId)
  }

  async deliver(peerId: string, envelope: Envelope): Promise<void> {
    if (this.#chat === undefined)
      throw new PigeonError('PEER_UNREACHABLE', 'The LAN node is not running.')
    if (peerId === this.peerId)
      throw new PigeonError('DELIVERY_REFUSED', 'A message to myself does not travel.')
    const chat = this.#chat
    const deliver = async (): Promise<void> => {
      // connect on first use, through the dialer (docs/protocol.md §16)
      const addresses = this.#addressesOf(peerId)
      if (addresses.length > 0) await this.#dialer?.connect(peerId, addresses)
      await chat.deliver(peerId, envelope)
    }
    try {
      await (this.#idle?.using(peerId, deliver) ?? deliver())
    } catch (error) {
      if (
        isPigeonError(error) &&
        (error.code === 'DELIVERY_TIMEOUT' || error.code === 'PEER_UNREACHABLE')
      ) {
        // until the peer shows a new sign of life, its last mDNS sighting does not make it
        // reachable: the router takes another path instead of dialling into the same silence;
        // and mDNS asks it whether it is still there at all (RFC 6762 §10.4)
        // (offline meanwhile: the router's queue waits for the 'peer:online' of an answer)
        const state = this.#peerStates.get(peerId)
        if (state !== undefined) state.failedAt = Date.now()
        this.#updateVisible(peerId)
        this.#roster?.reconfirm(peerId)
      }
      throw error
    }
  }

  onInbound(handler: InboundHandler): void {
    this.#inbound = handler
  }

  on<K extends keyof LanEvents>(event: K, listener: (detail: LanEvents[K]) => void): void {
    this.#events.on(event, listener)
  }

  off<K extends keyof LanEvents>(event: K, listener: (detail: LanEvents[K]) => void): void {
    this.#events.off(event, listener)
  }

  // --- peers and profiles ---------------------------------------------------------------------

  peers(): LanPeer[] {
    return this.#peerStates.list(this.#node)
  }

  peerProfile(peerId: string): PeerProfile | undefined {
    return this.#peerStates.get(peerId)?.profile
  }

  /** Changes my profile and sends it to every online peer; the version always grows. */
  async setProfile(profile: Omit<ProfileBody, 'version'> & { version?: number }): Promise<void> {
    const version = Math.max(this.#myProfile.version + 1, profile.version ?? 0)
    // the whole profile, optional fields too (workgroup, host: docs/protocol.md §2)
    this.#myProfile = { ...profile, version }
    this.#txt = await signedProfileTxt(this.#init.identity, this.#myProfile)
    this.#mdns?.reannounce() // RFC 6762 §8.4
    const online = [...this.#peerStates.values()].filter((s) => s.online).map((s) => s.peerId)
    await Promise.all(online.map((peerId) => this.#sendProfile(peerId)))
  }

  /**
   * Dials a peer at addresses remembered from an earlier run (the known-peer cache); resolves
   * once it is online. Rejects PEER_UNREACHABLE when no address answers.
   */
  async dialKnown(peerId: string, addresses: string[]): Promise<void> {
    if (this.#dialer === undefined)
      throw new PigeonError('NODE_NOT_RUNNING', 'The LAN node is not started.')
    const id = await this.#dialer.dialKnown(peerId, addresses)
    await this.#greet(id)
    if (this.#peerStates.get(peerId)?.online !== true) {
      throw new PigeonError(
        'PEER_UNREACHABLE',
        `${peerId} answered but did not open a Pigeon chat.`,
      )
    }
  }

  // --- internals ------------------------------------------------------------------------------

  #stateOf(peerId: string): PeerState {
    return this.#peerStates.stateOf(peerId)
  }

  /** Tells the others when a peer became online (listed or connected) or stopped being both. */
  #updateVisible(peerId: string): void {
    const now = this.#peerStates.visibility(peerId)
    if (now === 'online')
      this.#emit('peer:online', { peerId, addresses: this.#addressesOf(peerId) })
    else if (now === 'offline') this.#emit('peer:offline', { peerId })
  }

  /** A peer's profile, from its envelope or its signed TXT record: the higher version wins. */
  #applyProfile(profile: PeerProfile): void {
    if (this.#peerStates.takeProfile(profile)) this.#emit('profile', profile)
  }

  /** On every new connection: open our chat stream (proves a Pigeon peer) and send our profile. */
  #greet(remote: PeerId): Promise<void> {
    const chat = this.#chat
    if (chat === undefined || this.#node === undefined || this.#stopping) return Promise.resolve()
    return this.#greeting.greet(this.#node, chat, remote)
  }

  #markOffline(peerId: string): void {
    const state = this.#peerStates.get(peerId)
    if (state?.online !== true) return
    state.online = false
    this.#updateVisible(peerId)
  }

  async #sendProfile(peerId: string): Promise<void> {
    try {
      await this.deliver(peerId, profileEnvelope(this.peerId, peerId, this.#myProfile))
    } catch (error) {
      this.#logger.debug({ peer: peerId, err: (error as Error).message }, 'profile not delivered')
    }
  }

  /** Everything a peer sends passes here after the checks of InboundSession. */
  async #accept(remote: string, envelope: Envelope): Promise<void> {
    const state = this.#stateOf(remote)
    state.seenAt = Date.now()
    this.#idle?.touch(remote)
    if ('peer' in envelope.to && envelope.to.peer !== this.peerId) {
      // permanent: no retry makes it mine (NACK 5, docs/protocol.md §6)
      throw new PigeonError(
        'DELIVERY_REJECTED',
        `a message for ${envelope.to.peer} reached ${this.peerId}`,
      )
    }
    if (envelope.kind === 'profile') {
      this.#applyProfile({ peerId: remote, ...envelope.profile })
      return
    }
    if (this.#inbound === undefined)
      throw new PigeonError('DELIVERY_REFUSED', 'no inbound handler yet')
    await this.#inbound(envelope, 'lan')
  }

  #addressesOf(peerId: string): string[] {
    return this.#peerStates.addressesOf(peerId, this.#node)
  }

  #emit<K extends keyof LanEvents>(event: K, detail: LanEvents[K]): void {
    try {
      this.#events.emit(event, detail)
    } catch (error) {
      this.#logger.error({ event, err: (error as Error).message }, 'a LAN event listener threw')
    }
  }
}
