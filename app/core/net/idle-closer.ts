// Closing a connection nobody uses (docs/protocol.md §16): a peer listed by mDNS stays online
// without one, and each open connection costs its keep-alive pings. A connection is idle when no
// envelope went either way for `idleMs`, no delivery to the peer is in flight, and no stream but
// chat and libp2p's own (ping, identify) is open on it — a file transfer keeps it. Only peers for
// whom `mayClose` says yes are closed: those mDNS lists, which the next send dials again; a peer
// reached only through the known-peer cache keeps its connection.
import type { Libp2p } from '@libp2p/interface'
import { CHAT_PROTOCOL } from './chat-service.js'

/** default idle period, ms: a conversation paused for longer than this reconnects on its next message */
export const IDLE_CLOSE_MS = 60_000
/** how long after closing a connection its disconnect counts as mine (not the peer failing) */
const CLOSED_BY_ME_MS = 5_000

export class IdleCloser {
  readonly #lastUse = new Map<string, number>()
  readonly #inFlight = new Map<string, number>()
  readonly #closedAt = new Map<string, number>()
  #timer: ReturnType<typeof setInterval> | undefined

  constructor(
    readonly node: Libp2p,
    readonly idleMs: number,
    readonly mayClose: (peerId: string) => boolean,
  ) {}

  start(): void {
    this.#timer = setInterval(() => this.sweep(), Math.max(250, this.idleMs / 4))
    this.#timer.unref()
  }

  stop(): void {
    clearInterval(this.#timer)
    this.#lastUse.clear()
    this.#inFlight.clear()
  }

  /** traffic to or from the peer, or a new connection */
  touch(peerId: string): void {
    this.#lastUse.set(peerId, Date.now())
  }

  /** Runs a delivery to the peer; the connection is not idle meanwhile. */
  async using<T>(peerId: string, work: () => Promise<T>): Promise<T> {
    this.#inFlight.set(peerId, (this.#inFlight.get(peerId) ?? 0) + 1)
    try {
      return await work()
    } finally {
      const left = (this.#inFlight.get(peerId) ?? 1) - 1
      if (left <= 0) this.#inFlight.delete(peerId)
      else this.#inFlight.set(peerId, left)
      this.touch(peerId)
    }
  }

  /** whether I closed the peer's connection just now (its disconnect is no failure) */
  closedByMe(peerId: string): boolean {
    return Date.now() - (this.#closedAt.get(peerId) ?? -Infinity) < CLOSED_BY_ME_MS
  }

  sweep(): void {
    const now = Date.now()
    for (const connection of this.node.getConnections()) {
      const peerId = connection.remotePeer.toString()
      const last = this.#lastUse.get(peerId)
      if (last === undefined) {
        this.#lastUse.set(peerId, now) // a connection I had not seen: its idle time starts now
        continue
      }
      if (now - last < this.idleMs || this.#inFlight.has(peerId) || !this.mayClose(peerId)) continue
      const busy = connection.streams.some(
        (s) =>
          s.protocol !== undefined &&
          s.protocol !== CHAT_PROTOCOL &&
          !s.protocol.startsWith('/ipfs/'),
      )
      if (busy) continue
      this.#closedAt.set(peerId, now)
      this.#lastUse.delete(peerId)
      void connection.close().catch(() => connection.abort(new Error('idle')))
    }
    for (const [peerId, at] of this.#closedAt)
      if (now - at > CLOSED_BY_ME_MS) this.#closedAt.delete(peerId)
  }
}
