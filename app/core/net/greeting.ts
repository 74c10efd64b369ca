// What happens on every new connection (lan-network.ts): our chat stream is opened, which proves
// the peer speaks Pigeon and not just libp2p, then the peer counts as connected and is sent our
// profile (docs/protocol.md §6). One greeting per peer at a time.
import type { Libp2p, PeerId } from '@libp2p/interface'
import { newMessageId, type Envelope, type ProfileBody } from '../../../shared/envelope.js'
import type { Logger } from '../log.js'
import type { ChatService } from './chat-service.js'
import { identified, type PeerTable } from './peer-table.js'

/** my profile, for one peer: sent on every new connection and on every change (§6) */
export function profileEnvelope(me: string, peerId: string, profile: ProfileBody): Envelope {
  return {
    id: newMessageId(),
    sender: me,
    to: { peer: peerId },
    sentAt: Date.now(),
    kind: 'profile',
    profile: { ...profile },
  }
}

export interface GreetingInit {
  table: PeerTable
  addressesOf: (peerId: string) => string[]
  /** the peer is connected now: tell whoever listens (LanNetwork's online state) */
  connected: (peerId: string) => void
  sendProfile: (peerId: string) => Promise<void>
  logger: Logger
}

export class Greeting {
  readonly #running = new Map<string, Promise<void>>()
  readonly #init: GreetingInit

  constructor(init: GreetingInit) {
    this.#init = init
  }

  greet(node: Libp2p, chat: ChatService, remote: PeerId): Promise<void> {
    const peerId = remote.toString()
    if (this.#init.table.get(peerId)?.online === true) return Promise.resolve()
    let greeting = this.#running.get(peerId)
    if (greeting === undefined) {
      greeting = this.#open(node, chat, remote).finally(() => this.#running.delete(peerId))
      this.#running.set(peerId, greeting)
    }
    return greeting
  }

  async #open(node: Libp2p, chat: ChatService, remote: PeerId): Promise<void> {
    const peerId = remote.toString()
    const { addressesOf } = this.#init
    try {
      await chat.session(peerId)
      // a peer that dialled us before we saw it on mDNS: its address comes with identify
      if (addressesOf(peerId).length === 0)
        await identified(node, peerId, () => addressesOf(peerId).length > 0)
      const state = this.#init.table.stateOf(peerId)
      state.seenAt = Date.now()
      if (!state.online && node.getConnections(remote).length > 0) {
        state.online = true
        this.#init.connected(peerId)
      }
      await this.#init.sendProfile(peerId)
    } catch (error) {
      this.#init.logger.debug(
        { peer: peerId, err: (error as Error).message },
        'connected peer does not speak Pigeon chat',
      )
    }
  }
}
