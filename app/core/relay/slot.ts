// The router's `relay` path with a relay that can be set, changed or switched off while the node
// runs (`pigeon relay set <address>` / `pigeon relay off`): the messenger holds this one stable
// path, and it forwards to the current RelayLink — or reaches nobody when none is set.
import { EventEmitter } from 'node:events'
import type { Envelope, ProfileBody } from '../../../shared/envelope.js'
import { PigeonError } from '../../../shared/errors.js'
import type { Identity } from '../../../shared/identity.js'
import type { DeliveryPath, InboundHandler } from '../delivery.js'
import { silentLogger, type Logger } from '../log.js'
import { RelayLink, type RelayLinkEvents, type RelayStatus } from './link.js'
import { parseRelayAddress } from './url.js'

export interface RelaySlotInit {
  identity: Identity
  profile: ProfileBody
  /** the relay address to start with, if any */
  url?: string
  logger?: Logger
}

const FORWARDED = ['peer:online', 'peer:offline', 'path:up', 'profile', 'status'] as const

export class RelaySlot implements DeliveryPath {
  readonly name = 'relay' as const
  readonly #init: RelaySlotInit
  readonly #events = new EventEmitter()
  readonly #watched = new Set<string>()
  readonly #forwarders = new Map<string, (detail: unknown) => void>()
  #link: RelayLink | undefined
  #handler: InboundHandler | undefined
  #profile: ProfileBody
  #running = false

  constructor(init: RelaySlotInit) {
    this.#init = init
    this.#profile = init.profile
    this.#events.setMaxListeners(50)
    for (const event of FORWARDED)
      this.#forwarders.set(event, (detail) => this.#events.emit(event, detail))
    if (init.url !== undefined) this.#link = this.#create(init.url)
  }

  get url(): string | undefined {
    return this.#link?.address.text
  }

  status(): RelayStatus {
    return this.#link?.status() ?? { state: 'off' }
  }

  start(): void {
    this.#running = true
    this.#link?.start()
  }

  async stop(): Promise<void> {
    this.#running = false
    await this.#link?.stop()
  }

  /** Switches to another relay (validated first: a bad address changes nothing), or off. */
  async setAddress(url: string | undefined): Promise<RelayStatus> {
    if (url !== undefined) parseRelayAddress(url)
    const old = this.#link
    this.#link = undefined
    if (old !== undefined) {
      await old.stop()
      this.#detach(old)
    }
    if (url !== undefined) {
      this.#link = this.#create(url)
      if (this.#running) this.#link.start()
    }
    const status = this.status()
    this.#events.emit('status', status)
    return status
  }

  watch(peerIds: Iterable<string>): void {
    const list = [...peerIds]
    for (const peerId of list) this.#watched.add(peerId)
    this.#link?.watch(list)
  }

  isOnline(peerId: string): boolean {
    return this.#link?.isOnline(peerId) ?? false
  }

  async setProfile(profile: ProfileBody): Promise<void> {
    this.#profile = profile
    await this.#link?.setProfile(profile)
  }

  canReach(peerId: string): boolean {
    return this.#link?.canReach(peerId) ?? false
  }

  async deliver(peerId: string, envelope: Envelope): Promise<void> {
    if (this.#link === undefined) throw new PigeonError('PEER_UNREACHABLE', 'No relay is set.')
    await this.#link.deliver(peerId, envelope)
  }

  onInbound(handler: InboundHandler): void {
    this.#handler = handler
    this.#link?.onInbound(handler)
  }

  on<K extends keyof RelayLinkEvents>(
    event: K,
    listener: (detail: RelayLinkEvents[K]) => void,
  ): void {
    this.#events.on(event, listener)
  }

  off<K extends keyof RelayLinkEvents>(
    event: K,
    listener: (detail: RelayLinkEvents[K]) => void,
  ): void {
    this.#events.off(event, listener)
  }

  #create(url: string): RelayLink {
    const link = new RelayLink({
      identity: this.#init.identity,
      url,
      profile: this.#profile,
      logger: this.#init.logger ?? silentLogger(),
    })
    if (this.#handler !== undefined) link.onInbound(this.#handler)
    link.watch(this.#watched)
    for (const [event, forward] of this.#forwarders)
      link.on(event as keyof RelayLinkEvents, forward)
    return link
  }

  #detach(link: RelayLink): void {
    for (const [event, forward] of this.#forwarders)
      link.off(event as keyof RelayLinkEvents, forward)
  }
}
