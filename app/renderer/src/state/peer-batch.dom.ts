// Peer events applied once per animation frame, not one by one: when hundreds of peers come online
// within a second (an office arriving, a restarted bridge hearing every IPMsg entry again), the
// store makes one new peer map and the screens render once per frame, not once per event. A frame
// the page does not paint (a hidden tab has no animation frames) is stood in for by a timer.
import type { PeerView } from '../../../api/contract.js'
import type { StoreCore } from './app-state.dom.js'

/** the longest a peer event waits when no frame comes */
const FALLBACK_MS = 100

export class PeerBatch {
  readonly #core: StoreCore
  readonly #pending = new Map<string, PeerView>()
  #frame: number | undefined
  #timer: ReturnType<typeof setTimeout> | undefined

  constructor(core: StoreCore) {
    this.#core = core
  }

  note(peer: PeerView): void {
    this.#pending.set(peer.peerId, peer)
    if (this.#timer !== undefined) return
    this.#timer = setTimeout(() => this.flush(), FALLBACK_MS)
    if (typeof requestAnimationFrame === 'function')
      this.#frame = requestAnimationFrame(() => this.flush())
  }

  /** the pending events into the snapshot, in one change */
  flush(): void {
    this.#cancel()
    if (this.#pending.size === 0) return
    const peers = new Map(this.#core.state().peers)
    for (const [id, peer] of this.#pending) peers.set(id, peer)
    this.#pending.clear()
    this.#core.set({ peers })
  }

  /**
   * The store replaced its peer map from elsewhere (a reload's snapshot, a forgotten or verified
   * peer): a pending event for a peer that change wrote is older than it and is dropped.
   */
  supersede(before: ReadonlyMap<string, PeerView>, after: ReadonlyMap<string, PeerView>): void {
    for (const id of [...this.#pending.keys()])
      if (before.get(id) !== after.get(id)) this.#pending.delete(id)
  }

  stop(): void {
    this.#cancel()
    this.#pending.clear()
  }

  #cancel(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer)
    if (this.#frame !== undefined) cancelAnimationFrame(this.#frame)
    this.#timer = undefined
    this.#frame = undefined
  }
}
