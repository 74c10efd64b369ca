// Who is online on which path right now (kept in memory: a restart starts with nobody), and the
// redial of a peer that no path reaches: at each back-off retry of its queue, and when the LAN
// probe finds it reachable only through the relay (router/direct-probe.ts).
import type { DeliveryPath, PathEvents, PathName } from './delivery.js'
import { errorText, type Logger } from './log.js'
import type { PeerState } from './engine-events.js'
import { DirectProbe } from './router/direct-probe.js'
import type { PeerRow, Store } from './store/index.js'

export interface PresenceInit {
  store: Store
  /** my PeerId: paths that report me are ignored */
  me: string
  paths: readonly DeliveryPath[]
  now: () => number
  /** redials a peer at its remembered addresses (LanNetwork.dialKnown); none: no redial, no probe */
  redial?: (peerId: string, addresses: string[]) => Promise<void>
  /** a peer's presence changed (it came online or went offline on some path) */
  onChange: (peerId: string) => void
  /** the engine's logger (app/core/log.ts) */
  log: Logger
}

type Listeners = {
  online: (detail: PathEvents['peer:online']) => void
  offline: (detail: PathEvents['peer:offline']) => void
}

export class PresenceTracker {
  readonly #init: PresenceInit
  readonly #online = new Map<string, Set<PathName>>()
  readonly #redialing = new Set<string>()
  readonly #listeners = new Map<DeliveryPath, Listeners>()
  readonly #probe = new DirectProbe({ redial: (peerId) => this.redial(peerId) })

  constructor(init: PresenceInit) {
    this.#init = init
  }

  start(): void {
    for (const path of this.#init.paths) {
      const listeners: Listeners = {
        online: (detail) => this.#onOnline(path, detail),
        offline: (detail) => this.#onOffline(path, detail),
      }
      this.#listeners.set(path, listeners)
      path.on('peer:online', listeners.online)
      path.on('peer:offline', listeners.offline)
    }
    if (this.#init.redial !== undefined) this.#probe.start()
  }

  stop(): void {
    this.#probe.stop()
    for (const [path, listeners] of this.#listeners) {
      path.off('peer:online', listeners.online)
      path.off('peer:offline', listeners.offline)
    }
    this.#listeners.clear()
    this.#online.clear()
  }

  isOnline(peerId: string): boolean {
    return this.#online.has(peerId)
  }

  /** A path the peer is online on now and that can carry an envelope to it. */
  pathTo(peerId: string): DeliveryPath | undefined {
    const online = this.#online.get(peerId)
    return this.#init.paths.find((p) => online?.has(p.name) === true && p.canReach(peerId))
  }

  state(peer: PeerRow): PeerState {
    return { ...peer, online: [...(this.#online.get(peer.peerId) ?? [])] }
  }

  /** Redials the peer at its remembered addresses, once at a time. */
  redial(peerId: string): void {
    const { redial, store, log } = this.#init
    const addresses = store.peers.get(peerId)?.addresses ?? []
    if (redial === undefined || addresses.length === 0 || this.#redialing.has(peerId)) return
    this.#redialing.add(peerId)
    redial(peerId, addresses)
      .catch((error: unknown) => log.warn({ err: errorText(error) }, `redial of ${peerId} failed`))
      .finally(() => this.#redialing.delete(peerId))
  }

  #onOnline(path: DeliveryPath, detail: PathEvents['peer:online']): void {
    if (detail.peerId === this.#init.me) return
    const paths = this.#online.get(detail.peerId) ?? new Set<PathName>()
    paths.add(path.name)
    this.#online.set(detail.peerId, paths)
    this.#init.store.peers.seen(detail.peerId, detail.addresses, this.#init.now())
    this.#probe.update(detail.peerId, paths)
    this.#init.onChange(detail.peerId)
  }

  #onOffline(path: DeliveryPath, detail: PathEvents['peer:offline']): void {
    const paths = this.#online.get(detail.peerId)
    if (paths === undefined || !paths.delete(path.name)) return
    if (paths.size === 0) this.#online.delete(detail.peerId)
    this.#probe.update(detail.peerId, paths)
    this.#init.store.peers.touch(detail.peerId, this.#init.now())
    this.#init.onChange(detail.peerId)
  }
}
