// /pigeon/chat/1.0.0 on a libp2p node: registers the handler for inbound streams, keeps one
// outbound stream per peer, and enforces the per-peer limits of docs/protocol.md §6 (frame size,
// streams per peer, messages per second). The shape follows @libp2p/ping: start() handles, stop() unhandles.
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Ping } from '@libp2p/ping'
import { isPigeonError, PigeonError } from '../../../shared/errors.js'
import { ENVELOPE_LIMITS, encodeEnvelope, type Envelope } from '../../../shared/envelope.js'
import { InboundSession } from './inbound-session.js'
import type { Logger } from '../log.js'
import { ThrottledLog } from './throttled-log.js'
import { OutboundSession } from './outbound-session.js'
import { TokenBucket } from './token-bucket.js'
import { PING_TIMEOUT_MAX_MS } from './node.js'

export const CHAT_PROTOCOL = '/pigeon/chat/1.0.0'

export interface ChatLimits {
  /** largest frame accepted; an envelope never exceeds ENVELOPE_LIMITS.maxBytes */
  maxFrameBytes: number
  /** chat streams one peer may have open towards us at once (all its connections together) */
  maxInboundStreamsPerPeer: number
  /** sustained envelopes per second accepted from one peer… */
  messagesPerSecond: number
  /** …and how many it may send at once above that rate */
  burst: number
  /** refused (malformed, wrong sender) frames tolerated on one stream before it is closed */
  maxStrikes: number
  ackTimeoutMs: number
  /** a late ack is waited for this long in all while the peer still answers pings (busy, not dead) */
  maxAckWaitMs: number
  dialTimeoutMs: number
  maxInFlight: number
}

export const DEFAULT_CHAT_LIMITS: ChatLimits = {
  maxFrameBytes: ENVELOPE_LIMITS.maxBytes,
  maxInboundStreamsPerPeer: 4,
  messagesPerSecond: 1000,
  burst: 5000,
  maxStrikes: 100,
  ackTimeoutMs: 2_000,
  maxAckWaitMs: 30_000,
  dialTimeoutMs: 5_000,
  maxInFlight: 4096,
}

export interface ChatServiceInit {
  limits: ChatLimits
  logger: Logger
  /** called for each valid envelope from `remotePeer` (already checked: sender === remotePeer) */
  accept: (remotePeer: string, envelope: Envelope) => Promise<void>
}

export class ChatService {
  readonly #sessions = new Map<string, OutboundSession>()
  readonly #opening = new Map<string, Promise<OutboundSession>>()
  readonly #buckets = new Map<string, TokenBucket>()
  readonly #inboundCount = new Map<string, number>()
  readonly #log: ThrottledLog

  readonly #node: Libp2p
  readonly #init: ChatServiceInit

  constructor(node: Libp2p, init: ChatServiceInit) {
    this.#node = node
    this.#init = init
    this.#log = new ThrottledLog(init.logger)
  }

  async start(): Promise<void> {
    await this.#node.handle(
      CHAT_PROTOCOL,
      (stream, connection) => this.#handleStream(stream, connection),
      {
        // per connection; the per-peer count across connections is enforced in handleStream
        maxInboundStreams: this.#init.limits.maxInboundStreamsPerPeer,
        maxOutboundStreams: 4,
      },
    )
  }

  async stop(): Promise<void> {
    for (const session of this.#sessions.values()) session.close()
    this.#sessions.clear()
    await this.#node.unhandle(CHAT_PROTOCOL)
  }

  hasSession(peerId: string): boolean {
    return this.#sessions.get(peerId)?.open === true
  }

  /** Opens (or reuses) our stream to the peer; rejects PEER_UNREACHABLE if it cannot be had. */
  session(peerId: string): Promise<OutboundSession> {
    const existing = this.#sessions.get(peerId)
    if (existing?.open === true) return Promise.resolve(existing)
    let opening = this.#opening.get(peerId)
    if (opening === undefined) {
      opening = this.#openSession(peerId).finally(() => this.#opening.delete(peerId))
      this.#opening.set(peerId, opening)
    }
    return opening
  }

  async deliver(peerId: string, envelope: Envelope): Promise<void> {
    const bytes = encodeEnvelope(envelope)
    if (bytes.length > this.#init.limits.maxFrameBytes) {
      throw new PigeonError(
        'ENVELOPE_OVERSIZE',
        `The message is ${bytes.length} bytes; peers accept at most ${this.#init.limits.maxFrameBytes}.`,
      )
    }
    const session = await this.session(peerId)
    try {
      await session.send(envelope.id, bytes)
    } catch (error) {
      if (isPigeonError(error) && error.code === 'DELIVERY_TIMEOUT') {
        // A LAN peer acks in milliseconds: silence means the link is dead (a cut cable, a Wi-Fi
        // that isolates clients) even if TCP has not noticed. Hanging up makes the peer offline
        // on the LAN at once, so the router's next attempt takes the relay instead of waiting
        // for the keep-alive pings; mDNS or a redial brings the LAN back when it works again.
        this.#log.warn(
          `${peerId}:timeout`,
          { peer: peerId },
          'peer stopped acknowledging; closing its connections',
        )
        // abort, not a graceful close: a goodbye cannot cross a dead link and would wait for it
        for (const connection of this.#node.getConnections(peerIdFromString(peerId))) {
          connection.abort(new Error('the peer stopped acknowledging'))
        }
      }
      throw error
    }
  }

  async #openSession(peerId: string): Promise<OutboundSession> {
    let target: PeerId
    try {
      target = peerIdFromString(peerId)
    } catch (cause) {
      throw new PigeonError('PEER_UNREACHABLE', `${peerId} is not a PeerId.`, { cause })
    }
    let stream: Stream
    try {
      stream = await this.#node.dialProtocol(target, CHAT_PROTOCOL, {
        signal: AbortSignal.timeout(this.#init.limits.dialTimeoutMs),
      })
    } catch (cause) {
      throw new PigeonError(
        'PEER_UNREACHABLE',
        `Could not open a chat stream to ${peerId}: ${(cause as Error).message}`,
        { cause },
      )
    }
    const session = new OutboundSession(stream, peerId, {
      ackTimeoutMs: this.#init.limits.ackTimeoutMs,
      maxInFlight: this.#init.limits.maxInFlight,
      maxAckWaitMs: this.#init.limits.maxAckWaitMs,
      isAlive: () => this.#pingable(target),
      onClose: () => {
        if (this.#sessions.get(peerId) === session) this.#sessions.delete(peerId)
      },
    })
    this.#sessions.set(peerId, session)
    return session
  }

  /** A libp2p ping answered within PING_TIMEOUT_MAX_MS: the peer is alive, if slow. */
  async #pingable(peer: PeerId): Promise<boolean> {
    const ping = (this.#node.services as { ping?: Ping }).ping
    if (ping === undefined) return false
    try {
      await ping.ping(peer, { signal: AbortSignal.timeout(PING_TIMEOUT_MAX_MS) })
      return true
    } catch {
      return false
    }
  }

  #handleStream(stream: Stream, connection: Connection): void {
    const remotePeer = connection.remotePeer.toString()
    const count = (this.#inboundCount.get(remotePeer) ?? 0) + 1
    if (count > this.#init.limits.maxInboundStreamsPerPeer) {
      this.#log.warn(
        `${remotePeer}:streams`,
        { peer: remotePeer, streams: count },
        'peer opened too many chat streams; refusing',
      )
      stream.abort(new Error('too many chat streams'))
      return
    }
    this.#inboundCount.set(remotePeer, count)
    stream.addEventListener('close', () => {
      const left = (this.#inboundCount.get(remotePeer) ?? 1) - 1
      if (left <= 0) this.#inboundCount.delete(remotePeer)
      else this.#inboundCount.set(remotePeer, left)
    })
    new InboundSession(stream, remotePeer, {
      maxFrameBytes: this.#init.limits.maxFrameBytes,
      maxStrikes: this.#init.limits.maxStrikes,
      bucket: this.#bucketOf(remotePeer),
      log: this.#log,
      accept: (envelope) => this.#init.accept(remotePeer, envelope),
      onAbuse: (reason) => {
        this.#init.logger.warn(
          { peer: remotePeer, reason },
          'closing the connection of a misbehaving peer',
        )
        void connection.close().catch(() => connection.abort(new Error(reason)))
      },
    })
  }

  #bucketOf(peerId: string): TokenBucket {
    let bucket = this.#buckets.get(peerId)
    if (bucket === undefined) {
      // a reconnect must not refill the allowance, so buckets outlive connections
      if (this.#buckets.size > 10_000) this.#buckets.clear()
      bucket = new TokenBucket(this.#init.limits.messagesPerSecond, this.#init.limits.burst)
      this.#buckets.set(peerId, bucket)
    }
    return bucket
  }
}
