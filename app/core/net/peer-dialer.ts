// Making the libp2p connection to a peer, on first use (docs/protocol.md §16). A peer listed by
// its mDNS records is not dialled when it is seen: a full mesh costs every pair a Noise handshake,
// identify, yamux and a keep-alive, which 100 nodes on two cores cannot pay. The connection is
// made when something is to be sent to the peer (LanNetwork.deliver) and closed again when idle
// (idle-closer.ts). One dial per peer at a time (a second caller waits for the first), at most
// MAX_PARALLEL at once per node (a burst of sends to many peers does not start every handshake
// at once and time them all out on a busy CPU); the caller's own back-off (the outbox router's,
// shared/backoff.ts) paces the retries of a peer that does not answer.
import type { Libp2p, PeerId } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { PigeonError } from '../../../shared/errors.js'
import type { Logger } from '../log.js'

/** dials running at once; the rest wait their turn, their timeout not yet running */
const MAX_PARALLEL = 4

export class PeerDialer {
  readonly #dialling = new Map<string, Promise<void>>()
  readonly #queue: Array<() => void> = []
  #active = 0
  #stopped = false

  constructor(
    readonly node: Libp2p,
    readonly myPeerId: string,
    readonly dialTimeoutMs: number,
    readonly logger: Logger,
  ) {}

  /** number of dials started, for tests and benches */
  dials = 0

  /**
   * Connects to the peer at these multiaddr strings unless a connection is open already;
   * rejects PEER_UNREACHABLE when none answers.
   */
  connect(peerId: string, addresses: string[]): Promise<void> {
    const id = this.#idOf(peerId)
    if (this.node.getConnections(id).length > 0) return Promise.resolve()
    let dialling = this.#dialling.get(peerId)
    if (dialling === undefined) {
      dialling = this.#turn(() => this.#dial(id, addresses)).finally(() =>
        this.#dialling.delete(peerId),
      )
      this.#dialling.set(peerId, dialling)
    }
    return dialling
  }

  /** Dials a peer at addresses remembered from an earlier run; rejects PEER_UNREACHABLE. */
  async dialKnown(peerId: string, addresses: string[]): Promise<PeerId> {
    const id = this.#idOf(peerId)
    await this.node.peerStore.merge(id, { multiaddrs: addresses.map(withoutPeer) })
    await this.connect(peerId, addresses)
    return id
  }

  stop(): void {
    this.#stopped = true
    // the waiting dials go on, find the dialer stopped and reject: none is left hanging
    for (const go of this.#queue.splice(0)) go()
  }

  #idOf(peerId: string): PeerId {
    try {
      return peerIdFromString(peerId)
    } catch (cause) {
      throw new PigeonError('PEER_UNREACHABLE', `${peerId} is not a PeerId.`, { cause })
    }
  }

  /** Runs `dial` once fewer than MAX_PARALLEL dials are running. */
  async #turn(dial: () => Promise<void>): Promise<void> {
    if (this.#active >= MAX_PARALLEL) await new Promise<void>((go) => this.#queue.push(go))
    if (this.#stopped) throw new PigeonError('PEER_UNREACHABLE', 'The LAN node is stopping.')
    this.#active++
    try {
      await dial()
    } finally {
      this.#active--
      this.#queue.shift()?.()
    }
  }

  async #dial(id: PeerId, addresses: string[]): Promise<void> {
    if (this.node.getConnections(id).length > 0) return // it dialled us meanwhile
    const peerId = id.toString()
    this.dials++
    const addrs = addresses.map((a) => withoutPeer(a).encapsulate(`/p2p/${peerId}`))
    try {
      await this.node.dial(addrs.length > 0 ? addrs : id, {
        signal: AbortSignal.timeout(this.dialTimeoutMs),
      })
    } catch (cause) {
      this.logger.debug({ peer: peerId, err: (cause as Error).message }, 'dial failed')
      throw new PigeonError('PEER_UNREACHABLE', `None of the addresses of ${peerId} answered.`, {
        cause,
      })
    }
  }
}

function withoutPeer(address: string): ReturnType<typeof multiaddr> {
  return multiaddr(address.replace(/\/p2p\/[^/]+$/, ''))
}
