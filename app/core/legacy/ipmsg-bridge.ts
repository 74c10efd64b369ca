// The IPMsg bridge: a delivery path like the LAN and the relay (app/core/delivery.ts,
// docs/architecture.md §3), over which IP Messenger, FeiQ and iptux users reach Pigeon users
// (docs/protocol.md §15). It reaches only legacy ids (legacy-id.ts), so Pigeon-to-Pigeon traffic
// never takes it; its ack is the recipient's RECVMSG, so it reports itself as a direct path
// ('lan': the receiver has it, docs/architecture.md §4). Everything heard on UDP 2425 passes the
// strict codec (ipmsg-datagram.ts) and a rate limit per source address first; what a datagram
// cannot be is logged and dropped, and the node goes on.
import { EventEmitter } from 'node:events'
import { type Envelope, type EnvelopeOf, type ProfileBody } from '../../../shared/envelope.js'
import { isPigeonError, PigeonError } from '../../../shared/errors.js'
import type { DeliveryPath, InboundHandler, PathEvents, PeerProfile } from '../delivery.js'
import type { Logger } from '../log.js'
import { ThrottledLog } from '../net/throttled-log.js'
import { defaultColor } from '../profile.js'
import { IPMSG_PORT, Mode, Opt, hasOpt } from './ipmsg-commands.js'
import { admitDatagram, type Datagram } from './ipmsg-datagram.js'
import { formatAnsweredNo, formatMessage, splitText } from './ipmsg-message.js'
import { formatPacket } from './ipmsg-packet.js'
import { LegacyPeers, type LegacyPeer } from './ipmsg-peers.js'
import { DEFAULT_TIMING, PacketNumbers, PendingSends, type SendTiming } from './ipmsg-sends.js'
import { SourceRates } from './ipmsg-rate.js'
import { IpmsgSocket, type Endpoint } from './ipmsg-socket.js'
import type { ForeignFiles } from '../files/foreign-files.js'
import { BridgeFiles, type BridgeFilesOptions } from './ipmsg-bridge-files.js'
import { announceTargets, entryCommand, myEntry } from './ipmsg-announce.js'
import { inboundEnvelopes, readReceipt } from './ipmsg-inbound.js'
import { refuseForLegacy } from './ipmsg-refusals.js'
import { SealedReads } from './ipmsg-sealed-reads.js'
import { legacyPeerId } from './legacy-id.js'

type BridgeEvents = PathEvents & { profile: PeerProfile }

export interface IpmsgBridgeOptions extends BridgeFilesOptions {
  /** my PeerId: advertised as PI in my entries, so other Pigeon nodes skip me */
  me: string
  /** my login and host name on the IPMsg wire */
  user: string
  host: string
  profile: ProfileBody
  /** default 2425 */
  port?: number
  /** default 0.0.0.0: a socket bound to one address receives no broadcast */
  listenHost?: string
  /** where BR_ENTRY/BR_EXIT/BR_ABSENCE go; default every subnet's broadcast address, port 2425 */
  announceTo?: Endpoint[]
  timing?: SendTiming
  /** datagrams per second and burst, per source address */
  rate?: { perSecond: number; burst: number }
  logger: Logger
}

/** What the API shows of a legacy peer beside its profile (app/api/local.ts). */
export interface LegacyPeerInfo {
  host: string
  group: string
  address: string
}

const VERSION = '1'

export class IpmsgBridge implements DeliveryPath {
  readonly name = 'lan' as const
  readonly #o: IpmsgBridgeOptions
  readonly #events = new EventEmitter()
  readonly #handlers: InboundHandler[] = []
  readonly #peers = new LegacyPeers()
  readonly #sealed = new SealedReads()
  readonly #numbers = new PacketNumbers()
  readonly #sends: PendingSends
  #socket: IpmsgSocket | undefined
  readonly #rates: SourceRates
  readonly #warn: ThrottledLog
  #profile: ProfileBody
  #version = 0
  readonly #files: BridgeFiles

  constructor(options: IpmsgBridgeOptions) {
    this.#o = options
    this.#profile = options.profile
    this.#sends = new PendingSends(options.timing ?? DEFAULT_TIMING)
    this.#warn = new ThrottledLog(options.logger)
    this.#rates = new SourceRates(options.rate)
    this.#files = new BridgeFiles(options, {
      warn: (key, detail, message) => this.#warn.warn(key, detail, message),
      endpoint: (peerId) => this.#peers.get(peerId)?.from,
      nextPacketNo: () => this.#numbers.next(),
      send: (command, extra, to) => this.#send(this.#packet(command, extra), to),
    })
  }

  /** IP Messenger users' files while the bridge runs (app/core/files/foreign-files.ts) */
  get files(): ForeignFiles | undefined {
    return this.running ? this.#files.foreign : undefined
  }

  /** false when the port was taken: the bridge then stays off (a warning was logged) */
  async start(): Promise<boolean> {
    if (this.#socket !== undefined) return this.#socket.bound
    const [wanted, host] = [this.#o.port ?? IPMSG_PORT, this.#o.listenHost ?? '0.0.0.0']
    for (let attempt = 1; ; attempt++) {
      const socket = new IpmsgSocket((bytes, from) => this.#onDatagram(bytes, from), this.#o.logger)
      this.#socket = socket
      if (!(await socket.bind(wanted, host))) return false
      // files are fetched from the UDP port's number on TCP (protocol.txt); taken: texts still
      // work. An ephemeral port (tests) is drawn again until its number is free for TCP too.
      const again = wanted === 0 && attempt < 10
      if ((await this.#files.listen(socket.port, host, again)) || !again) break
      await socket.close()
    }
    this.#announce(Mode.BR_ENTRY)
    return true
  }

  async stop(): Promise<void> {
    this.#announce(Mode.BR_EXIT)
    this.#sends.stop()
    for (const peer of this.#peers.list()) this.#emit('peer:offline', { peerId: peer.peerId })
    this.#peers.clear()
    await this.#files.close()
    await this.#socket?.close()
    this.#socket = undefined
  }

  get running(): boolean {
    return this.#socket?.bound === true
  }

  /** the bound UDP port (tests bind 0) */
  get port(): number | undefined {
    return this.#socket?.bound === true ? this.#socket.port : undefined
  }

  #send(bytes: Uint8Array, to: Endpoint): void {
    this.#socket?.send(bytes, to)
  }

  info(peerId: string): LegacyPeerInfo | undefined {
    const peer = this.#peers.get(peerId)
    return peer && { host: peer.host, group: peer.group, address: peer.from.address }
  }

  canReach(peerId: string): boolean {
    return this.running && this.#peers.get(peerId) !== undefined
  }

  async deliver(peerId: string, envelope: Envelope): Promise<void> {
    const peer = this.#peers.get(peerId)
    if (peer === undefined || !this.running) {
      throw new PigeonError('PEER_UNREACHABLE', `${peerId} is not on the IP Messenger LAN now.`)
    }
    refuseForLegacy(envelope)
    if (envelope.kind === 'receipt' && envelope.state === 'read') {
      for (const no of this.#sealed.take(peerId, envelope.ids))
        this.#send(this.#packet(Mode.READMSG, formatAnsweredNo(no)), peer.from)
      return
    }
    // other receipts, typing and profiles have no IPMsg form: nothing to carry (§15)
    if (envelope.kind !== 'text' && envelope.kind !== 'file-offer') return
    try {
      if (envelope.kind === 'file-offer') return await this.#sendFiles(peer, envelope)
      for (const piece of splitText(envelope.text)) await this.#sendText(peer, piece, envelope.id)
    } catch (error) {
      // no RECVMSG after every retry: the peer is gone without a BR_EXIT (crashed, unplugged)
      if (isPigeonError(error) && error.code === 'DELIVERY_TIMEOUT') this.#drop(peer)
      throw error
    }
  }

  onInbound(handler: InboundHandler): void {
    this.#handlers.push(handler)
  }

  setProfile(profile: Omit<PeerProfile, 'peerId'>): void {
    const changed = profile.name !== this.#profile.name || profile.status !== this.#profile.status
    this.#profile = profile
    if (changed) this.#announce(Mode.BR_ABSENCE)
  }

  on<K extends keyof BridgeEvents>(event: K, listener: (detail: BridgeEvents[K]) => void): void {
    this.#events.on(event, listener)
  }

  off<K extends keyof BridgeEvents>(event: K, listener: (detail: BridgeEvents[K]) => void): void {
    this.#events.off(event, listener)
  }

  // --- internals ------------------------------------------------------------------------------

  #emit<K extends keyof BridgeEvents>(event: K, detail: BridgeEvents[K]): void {
    this.#events.emit(event, detail)
  }

  #packet(command: number, extra: Uint8Array, packetNo = this.#numbers.next()): Uint8Array {
    const { user, host } = this.#o
    return formatPacket({ version: VERSION, packetNo, user, host, command, extra })
  }

  #myEntry(): Uint8Array {
    return myEntry(this.#o, this.#profile)
  }

  #entryCommand(mode: number): number {
    return entryCommand(mode, this.#profile)
  }

  #announce(mode: number): void {
    const bytes = this.#packet(this.#entryCommand(mode), this.#myEntry())
    for (const endpoint of announceTargets(this.#o.announceTo)) this.#send(bytes, endpoint)
  }

  async #sendText(
    peer: LegacyPeer,
    text: string,
    messageId: Uint8Array,
    files?: { attachments: Uint8Array; packetNo: number },
  ): Promise<void> {
    const packetNo = files?.packetNo ?? this.#numbers.next()
    const command =
      Mode.SENDMSG | Opt.SENDCHECK | Opt.UTF8 | (files === undefined ? 0 : Opt.FILEATTACH)
    const bytes = this.#packet(command, formatMessage(text, files?.attachments), packetNo)
    await this.#sends.send(packetNo, peer.from, messageId, () => this.#send(bytes, peer.from))
  }

  /** My offer: one SENDMSG|FILEATTACHOPT, its item as file id 0, served from then on (§15). */
  async #sendFiles(peer: LegacyPeer, envelope: EnvelopeOf<'file-offer'>): Promise<void> {
    const packetNo = this.#numbers.next()
    const attachments = this.#files.attach(envelope.file, peer.from.address, packetNo)
    await this.#sendText(peer, '', envelope.id, { attachments, packetNo })
  }

  #drop(peer: LegacyPeer): void {
    this.#peers.remove(peer.peerId)
    this.#emit('peer:offline', { peerId: peer.peerId })
  }

  #onDatagram(bytes: Uint8Array, from: Endpoint): void {
    const datagram = admitDatagram(bytes, from, this.#rates, this.#warn)
    if (datagram === undefined) return
    this.#handle(datagram, from).catch((error: unknown) =>
      this.#warn.warn(
        `fail:${from.address}`,
        { from },
        `IPMsg packet not handled: ${String(error)}`,
      ),
    )
  }

  async #handle(d: Datagram, from: Endpoint): Promise<void> {
    const { user, host } = d.packet
    // my own broadcasts come back too: they are entries with my PI line, skipped below (the same
    // login and host name may well be another machine's: namespaces, cloned images)
    switch (d.kind) {
      case 'entry':
      case 'absence': {
        // a Pigeon node answering on 2425 is a Pigeon peer: shown once, by its PeerId (§15)
        if (d.entry.ext.PI !== undefined) return
        const absent = hasOpt(d.packet.command, Opt.ABSENCE)
        this.#enter(user, host, d.entry.nickname || user, d.entry.group, absent, from)
        if (d.kind === 'entry' && !d.answer) {
          this.#send(this.#packet(this.#entryCommand(Mode.ANSENTRY), this.#myEntry()), from)
        }
        return
      }
      case 'exit': {
        const gone = this.#peers.exit(user, host, from)
        if (gone === 'spoofed') {
          this.#warn.warn(
            `exit:${from.address}`,
            { from, user, host },
            'ignored a BR_EXIT from another address than the entry',
          )
        } else if (gone !== undefined) {
          this.#emit('peer:offline', { peerId: gone.peerId })
        }
        return
      }
      case 'recv':
        this.#sends.received(d.answered, from)
        return
      case 'read':
        await this.#read(user, host, d.answered)
        return
      case 'release':
        this.#files.released(from.address, d.answered)
        return
      case 'message':
        await this.#message(d, from)
        return
      default:
        return
    }
  }

  #enter(
    user: string,
    host: string,
    nickname: string,
    group: string,
    absent: boolean,
    from: Endpoint,
  ): LegacyPeer | undefined {
    const entered = this.#peers.enter({ user, host, nickname, group, absent, from })
    if (entered === undefined) {
      this.#warn.warn('full', { user, host }, 'too many IP Messenger users; an entry was ignored')
      return undefined
    }
    const { peer, isNew } = entered
    if (isNew) this.#emit('peer:online', { peerId: peer.peerId, addresses: [] })
    this.#version = Math.max(this.#version + 1, Date.now())
    this.#emit('profile', {
      peerId: peer.peerId,
      name: nickname,
      color: defaultColor(peer.peerId),
      status: absent ? 'away' : 'online',
      version: this.#version,
    })
    return peer
  }

  async #message(d: Extract<Datagram, { kind: 'message' }>, from: Endpoint): Promise<void> {
    const { packet, message, files } = d
    const known = this.#peers.get(legacyIdOf(packet))
    // a message from someone whose entry we missed: they are on the LAN, as the packet says
    const peer = known ?? this.#enter(packet.user, packet.host, packet.user, '', false, from)
    if (peer === undefined) return
    const answer = (): void => {
      if (hasOpt(packet.command, Opt.SENDCHECK) && !hasOpt(packet.command, Opt.AUTORET)) {
        this.#send(this.#packet(Mode.RECVMSG, formatAnsweredNo(packet.packetNo)), from)
      }
    }
    const earlier = peer.recent.get(packet.packetNo)
    // a retransmission: stored once, answered again once the first copy is stored
    if (earlier !== undefined) return earlier.then(answer)
    const envelopes = inboundEnvelopes(
      peer.peerId,
      this.#o.me,
      packet.packetNo,
      message.text,
      files,
      (why) => this.#warn.warn(`file:${from.address}`, { from }, why),
    )
    if (envelopes.length === 0) return answer()
    const text = envelopes.find((e) => e.kind === 'text')
    if (text !== undefined && hasOpt(packet.command, Opt.SECRET))
      this.#sealed.note(peer.peerId, packet.packetNo, text.id)
    const stored = (async () => {
      for (const envelope of envelopes) await this.#toEngine(envelope)
    })()
    this.#peers.remember(peer, packet.packetNo, stored)
    await stored
    answer() // only now: RECVMSG means stored, as a LAN ACK does (delivery.ts)
  }

  async #read(user: string, host: string, packetNo: number): Promise<void> {
    const id = this.#sends.messageOf(packetNo)
    const peer = this.#peers.get(legacyIdOf({ user, host }))
    if (id !== undefined && peer !== undefined)
      await this.#toEngine(readReceipt(peer.peerId, this.#o.me, id))
  }

  async #toEngine(envelope: Envelope): Promise<void> {
    for (const handler of this.#handlers) await handler(envelope, this.name)
  }
}

function legacyIdOf(p: { user: string; host: string }): string {
  return legacyPeerId(p.user, p.host)
}
