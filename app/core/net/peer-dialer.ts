// When to dial a peer mDNS has shown us. Every answer and announcement is a sighting, and on a
// busy LAN they come often; dialling on each one (and again before the last dial finished) is
// what made 40 nodes never converge. So: never dial a peer I am connected to or already dialling;
// after a failed dial wait the shared back-off (shared/backoff.ts) before the next; and of two
// peers that see each other at once only the one with the smaller PeerId dials at once, the
// other a little later and only if still unconnected, so each pair makes one connection, not two.
import type { Libp2p, PeerId, PeerInfo } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { PigeonError } from '../../../shared/errors.js'
import { backoffDelay, type BackoffPolicy } from '../../../shared/backoff.js'
import type { Logger } from '../log.js'

export const MDNS_DIAL_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 60_000 }
/**
 * retries after a failed dial without waiting for the next sighting: with known-answer
 * suppression sightings are rare, and a dial that timed out on a busy LAN usually works next time
 */
const RETRIES = 4
/**
 * dials running at once; the rest wait their turn, their timeout not yet running. Without it a
 * node that sees 99 peers at once starts 99 handshakes, on a busy CPU all of them time out, and
 * the retries do it again.
 */
const MAX_PARALLEL = 4
/** how long the larger PeerId of a pair leaves the first move to the other */
const YIELD_MS = 3_000

interface DialState {
  failures: number
  notBefore: number
  dialling: boolean
  deferred?: ReturnType<typeof setTimeout>
}

export class PeerDialer {
  readonly #states = new Map<string, DialState>()
  readonly #queue: Array<{ peer: PeerInfo; state: DialState }> = []
  #active = 0
  #stopped = false

  constructor(
    readonly node: Libp2p,
    readonly myPeerId: string,
    readonly dialTimeoutMs: number,
    readonly logger: Logger,
    readonly random: () => number = Math.random,
  ) {}

  /** number of dials started, for tests and benches */
  dials = 0

  onSighting(peer: PeerInfo): void {
    const peerId = peer.id.toString()
    if (this.#stopped || peerId === this.myPeerId) return
    const state = this.#stateOf(peerId)
    if (state.dialling || state.deferred !== undefined || Date.now() < state.notBefore) return
    if (this.node.getConnections(peer.id).length > 0) return
    if (peerId < this.myPeerId) {
      state.deferred = setTimeout(
        () => {
          state.deferred = undefined
          if (!this.#stopped && this.node.getConnections(peer.id).length === 0)
            this.#dial(peer, state)
        },
        YIELD_MS * (1 + this.random() / 2),
      )
      return
    }
    this.#dial(peer, state)
  }

  /** Dials a peer at addresses remembered from an earlier run; rejects PEER_UNREACHABLE. */
  async dialKnown(peerId: string, addresses: string[]): Promise<PeerId> {
    const id = peerIdFromString(peerId)
    const addrs = addresses.map((a) => multiaddr(a.replace(/\/p2p\/[^/]+$/, '')))
    await this.node.peerStore.merge(id, { multiaddrs: addrs })
    try {
      await this.node.dial(id, { signal: AbortSignal.timeout(this.dialTimeoutMs) })
    } catch (cause) {
      throw new PigeonError(
        'PEER_UNREACHABLE',
        `None of the remembered addresses of ${peerId} answered.`,
        { cause },
      )
    }
    return id
  }

  stop(): void {
    this.#stopped = true
    for (const state of this.#states.values()) clearTimeout(state.deferred)
    this.#states.clear()
    this.#queue.length = 0
  }

  #stateOf(peerId: string): DialState {
    let state = this.#states.get(peerId)
    if (state === undefined) {
      state = { failures: 0, notBefore: 0, dialling: false }
      this.#states.set(peerId, state)
    }
    return state
  }

  #dial(peer: PeerInfo, state: DialState): void {
    state.dialling = true
    this.#queue.push({ peer, state })
    this.#pump()
  }

  #pump(): void {
    while (this.#active < MAX_PARALLEL && !this.#stopped) {
      const next = this.#queue.shift()
      if (next === undefined) return
      if (this.node.getConnections(next.peer.id).length > 0) {
        next.state.dialling = false // it dialled us meanwhile
        continue
      }
      this.#active++
      void this.#run(next.peer, next.state).finally(() => {
        next.state.dialling = false
        this.#active--
        this.#pump()
      })
    }
  }

  async #run(peer: PeerInfo, state: DialState): Promise<void> {
    const peerId = peer.id.toString()
    this.dials++
    await this.node
      .dial(
        peer.multiaddrs.map((a) => a.encapsulate(`/p2p/${peerId}`)),
        { signal: AbortSignal.timeout(this.dialTimeoutMs) },
      )
      .then(
        () => {
          state.failures = 0
          state.notBefore = 0
        },
        (error: Error) => {
          state.notBefore =
            Date.now() + backoffDelay(state.failures, MDNS_DIAL_BACKOFF, this.random)
          state.failures++
          this.logger.debug(
            { peer: peerId, err: error.message, failures: state.failures },
            'dial of an mDNS-discovered peer failed',
          )
          if (state.failures <= RETRIES && !this.#stopped) {
            state.deferred = setTimeout(() => {
              state.deferred = undefined
              if (!this.#stopped && this.node.getConnections(peer.id).length === 0)
                this.#dial(peer, state)
            }, state.notBefore - Date.now())
          }
        },
      )
  }
}
