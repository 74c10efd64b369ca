// Pigeon's mDNS peer discovery: libp2p's PeerDiscovery interface over the `multicast-dns`
// socket, with our own RFC 6762/6763 responder (responder.ts) and querier (querier.ts) in place
// of @libp2p/mdns, which answers every query by multicast with no known-answer suppression and
// publishes no SRV or A record (docs/protocol.md §16). On start it announces itself
// twice, 1 s apart (RFC 6762 §8.3) and starts querying; again when its addresses or its signed
// profile change (§8.4); on stop it says goodbye (§10.1).
import {
  peerDiscoverySymbol,
  serviceCapabilities,
  type PeerDiscovery,
  type PeerDiscoveryEvents,
  type Startable,
} from '@libp2p/interface'
import type { Multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import multicastDns, { type MulticastDNS } from 'multicast-dns'
import {
  announceable,
  HOST_TTL_S,
  ownRecords,
  readSightings,
  type OwnRecords,
  type Sighting,
} from './records.js'
import { MDNS_PORT, Responder } from './responder.js'
import { Querier } from './querier.js'

export const MDNS_GROUP = '224.0.0.251'

export interface PigeonMdnsInit {
  /** DNS-SD service, e.g. _pigeon._udp.local */
  serviceTag: string
  /** ceiling of the query interval, ms (RFC 6762 §5.2 doubles up to it) */
  interval: number
  /**
   * the IPv4 address this node listens on, when it is one address and not 0.0.0.0: multicast
   * goes out with it as source, so several nodes on one host are told apart
   */
  interfaceAddress?: string
  /** peers that need not answer my queries (listed, their records fresh) */
  isKnown?: (peerId: string) => boolean
  /** TTL of my instance's records, s (default HOST_TTL_S) */
  recordTtl?: number
  /** my signed profile strings for the TXT record (profile-txt.ts) */
  profileTxt?: () => string[]
  /** every sighting of a peer, goodbyes (TTL 0) included */
  onSighting?: (sighting: Sighting) => void
}

export interface PigeonMdnsComponents {
  addressManager: { getAddresses(): Multiaddr[] }
  peerId: { toString(): string }
  /** libp2p's own events: 'transport:listening' when a listener is up, 'self:peer:update' when
   * my addresses change */
  events: EventTarget
}

export class PigeonMdns
  extends TypedEventEmitter<PeerDiscoveryEvents>
  implements PeerDiscovery, Startable
{
  readonly [peerDiscoverySymbol] = this
  readonly [Symbol.toStringTag] = 'pigeon:mdns'
  readonly [serviceCapabilities] = ['@libp2p/peer-discovery']

  #socket: MulticastDNS | undefined
  #responder: Responder | undefined
  #querier: Querier | undefined
  #announceTimer: ReturnType<typeof setTimeout> | undefined
  #announced = false
  /** what I last announced (port and addresses), to announce again when it changes (§8.4) */
  #announcedAs = ''
  readonly #onSelfUpdate = (): void => {
    if (this.#socket !== undefined) this.#announce()
  }

  readonly #components: PigeonMdnsComponents
  readonly #init: PigeonMdnsInit

  constructor(components: PigeonMdnsComponents, init: PigeonMdnsInit) {
    super()
    this.#components = components
    this.#init = init
  }

  get #me(): string {
    return this.#components.peerId.toString()
  }

  #records(): OwnRecords {
    return ownRecords(
      this.#init.serviceTag,
      this.#me,
      this.#components.addressManager.getAddresses(),
      { profileTxt: this.#init.profileTxt?.() ?? [], ttl: this.#ttl },
    )
  }

  get #ttl(): number {
    return this.#init.recordTtl ?? HOST_TTL_S
  }

  /** My profile changed: announce the new TXT (RFC 6762 §8.4). */
  reannounce(): void {
    if (this.#socket !== undefined) this.#announce()
  }

  /** A peer's connection failed: ask it to confirm its records (§10.4). */
  reconfirm(peerId: string): void {
    this.#querier?.reconfirm(`${peerId}.${this.#init.serviceTag}`)
  }

  /** queries sent and suppressed (§7.3), for benches */
  get queryCounts(): { sent: number; suppressed: number } {
    return { ...(this.#querier?.counts ?? { sent: 0, suppressed: 0 }) }
  }

  start(): void {
    if (this.#socket !== undefined) return
    const socket = multicastDns({
      port: MDNS_PORT,
      ip: MDNS_GROUP,
      reuseAddr: true,
      // bound to every address, or a multicast datagram (addressed to the group) is not received
      bind: '0.0.0.0',
      interface: this.#init.interfaceAddress,
    })
    socket.on('error', () => undefined)
    socket.on('warning', () => undefined)
    const responder = new Responder(
      {
        respond: (packet, rinfo, sent) => socket.respond(packet as never, rinfo ?? undefined, sent),
      },
      () => this.#records(),
      this.#init.serviceTag,
    )
    const querier = new Querier(
      { query: (packet) => socket.query(packet as never) },
      this.#init.serviceTag,
      () => this.#records().ptr,
      // refresh a record before it expires: queried at least 3 times while it is under half its
      // TTL (§5.2), so one lost answer does not drop a live peer
      Math.min(this.#init.interval, (this.#ttl * 1000) / 6),
      (peerId) => this.#init.isKnown?.(peerId) ?? false,
    )
    socket.on('query', (packet, rinfo) => {
      querier.observe(packet, `${rinfo.address}:${rinfo.port}`)
      if (this.#announced) responder.onQuery(packet, rinfo)
    })
    socket.on('response', (packet) => {
      responder.onResponse(packet)
      this.#onResponse([...(packet.answers ?? []), ...(packet.additionals ?? [])])
    })
    socket.on('networkInterface', () => {
      // a new interface (or the first): say who I am there and look again (RFC 6762 §8.3)
      if (this.#announced) this.#announce(true)
      querier.restart()
    })
    this.#socket = socket
    this.#responder = responder
    this.#querier = querier
  }

  /**
   * My addresses reach the address manager a moment after the transports listen, and may change
   * later: announce each time they do, and query from now on. A transport's 'transport:listening'
   * comes first: libp2p debounces its 'self:peer:update' by 1 s, and waiting for that kept a
   * restarted node out of the others' lists for that second (peers are listed from these
   * records, docs/protocol.md §16).
   */
  afterStart(): void {
    this.#components.events.addEventListener('transport:listening', this.#onSelfUpdate)
    this.#components.events.addEventListener('self:peer:update', this.#onSelfUpdate)
    this.#announce()
    this.#querier?.start()
  }

  #announce(force = false): void {
    const responder = this.#responder
    const records = this.#records()
    const as = JSON.stringify([records.srv.data.port, records.a.map((a) => a.data), records.txt])
    if (responder === undefined || !announceable(records) || (as === this.#announcedAs && !force))
      return
    this.#announcedAs = as
    this.#announced = true
    responder.announce()
    clearTimeout(this.#announceTimer)
    this.#announceTimer = setTimeout(() => this.#responder?.announce(), 1000)
  }

  /** Goodbye while the socket is still open (libp2p calls beforeStop before any stop). */
  async beforeStop(): Promise<void> {
    const socket = this.#socket
    if (socket === undefined || !this.#announced) return
    const responder = this.#responder
    // the goodbye must leave before the socket closes (announce returns nothing: no `??` here)
    await new Promise<void>((resolve) => {
      if (responder === undefined) resolve()
      else responder.announce(true, resolve)
    })
  }

  async stop(): Promise<void> {
    const socket = this.#socket
    if (socket === undefined) return
    clearTimeout(this.#announceTimer)
    this.#components.events.removeEventListener('transport:listening', this.#onSelfUpdate)
    this.#components.events.removeEventListener('self:peer:update', this.#onSelfUpdate)
    this.#announcedAs = ''
    this.#responder?.stop()
    this.#querier?.stop()
    this.#socket = undefined
    this.#responder = undefined
    this.#querier = undefined
    this.#announced = false
    await new Promise<void>((resolve) => socket.destroy(() => resolve()))
  }

  #onResponse(records: Parameters<typeof readSightings>[0]): void {
    for (const sighting of readSightings(records, this.#init.serviceTag, this.#me)) {
      this.#querier?.remember(sighting)
      // no libp2p 'peer' event: a sighting's addresses count only once its signed TXT checked
      // out (LanNetwork puts those in the peer store, docs/protocol.md §16)
      this.#init.onSighting?.(sighting)
    }
  }
}

/** The libp2p `peerDiscovery` entry. */
export function pigeonMdns(init: PigeonMdnsInit): (components: PigeonMdnsComponents) => PigeonMdns {
  return (components) => new PigeonMdns(components, init)
}
