// Presence of the contacts followed through the relay: which presence topics the link
// subscribes to, and who is online there now (docs/protocol.md §4, "Presence payload").
import { isPeerId } from '../../../shared/identity.js'
import { presenceTopic } from '../../../shared/topics.js'
import type { PeerProfile } from '../delivery.js'
import { errorText, type Logger } from '../log.js'
import { decodePresence } from './presence.js'

export interface PresenceListener {
  profile(profile: PeerProfile): void
  online(peerId: string): void
  offline(peerId: string): void
}

export class PresenceWatch {
  readonly #self: string
  readonly #log: Logger
  readonly #listener: PresenceListener
  readonly #watched = new Set<string>()
  readonly #online = new Set<string>()

  constructor(self: string, log: Logger, listener: PresenceListener) {
    this.#self = self
    this.#log = log
    this.#listener = listener
  }

  /** Follows these peers too; returns the topics newly followed (to subscribe to now). */
  add(peerIds: Iterable<string>): string[] {
    const added: string[] = []
    for (const peerId of peerIds) {
      // one topic the relay refuses fails the whole SUBSCRIBE, inbox included: only PeerIds pass
      if (peerId === this.#self || this.#watched.has(peerId) || !isPeerId(peerId)) continue
      this.#watched.add(peerId)
      added.push(presenceTopic(peerId))
    }
    return added
  }

  /** Every followed topic (to subscribe to on each connect). */
  topics(): string[] {
    return [...this.#watched].map(presenceTopic)
  }

  follows(peerId: string): boolean {
    return this.#watched.has(peerId)
  }

  isOnline(peerId: string): boolean {
    return this.#online.has(peerId)
  }

  /** A retained presence message on a followed topic. */
  received(peerId: string, payload: Uint8Array): void {
    let presence
    try {
      presence = decodePresence(peerId, payload)
    } catch (error) {
      this.#log.warn({ peer: peerId }, `ignored a presence message: ${errorText(error)}`)
      return
    }
    if (presence.online) {
      this.#listener.profile({ peerId, ...presence.profile })
      if (!this.#online.has(peerId)) {
        this.#online.add(peerId)
        this.#listener.online(peerId)
      }
    } else if (this.#online.delete(peerId)) {
      this.#listener.offline(peerId)
    }
  }

  /** The link is gone: nobody is known to be online through it any more. */
  lost(): void {
    const online = [...this.#online]
    this.#online.clear()
    for (const peerId of online) this.#listener.offline(peerId)
  }
}
