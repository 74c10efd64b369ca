// What the engine tells its hosts (MessengerEvents), and the one place its parts emit it, so every
// event carries the same shapes whichever part caused it.
import type { EventEmitter } from 'node:events'
import type { PathName } from './delivery.js'
import type { TransferView } from './files/transfers.js'
import {
  groupConversationId,
  type ConversationRow,
  type GroupRow,
  type MeRow,
  type MessageRow,
  type PeerRow,
  type Store,
} from './store/index.js'

export interface PeerState extends PeerRow {
  /** the paths that reach the peer right now; empty when offline */
  online: PathName[]
}

export interface MessengerEvents {
  message: [MessageRow]
  'message-state': [MessageRow]
  peer: [PeerState]
  profile: [MeRow]
  typing: [{ peerId: string; typing: boolean }]
  /** dropped from the known peers (forgetPeer); its conversation stays */
  'peer-forgotten': [{ peerId: string }]
  conversation: [ConversationRow]
  group: [GroupRow]
  transfer: [TransferView]
}

export class EngineEvents {
  readonly #emitter: EventEmitter<MessengerEvents>
  readonly #store: Store
  readonly #peerState: (peer: PeerRow) => PeerState

  constructor(
    emitter: EventEmitter<MessengerEvents>,
    store: Store,
    peerState: (peer: PeerRow) => PeerState,
  ) {
    this.#emitter = emitter
    this.#store = store
    this.#peerState = peerState
  }

  /** A new message, mine or someone's, is stored. */
  message(message: MessageRow): void {
    this.#emitter.emit('message', message)
  }

  /** A stored message moved on (sent, delivered, read, failed). */
  state(message: MessageRow): void {
    this.#emitter.emit('message-state', message)
  }

  conversation(id: string): void {
    const conversation = this.#store.conversations.get(id)
    if (conversation !== undefined) this.#emitter.emit('conversation', conversation)
  }

  group(group: GroupRow): void {
    this.#emitter.emit('group', group)
    this.conversation(groupConversationId(group.groupId))
  }

  /** A peer's row or presence changed. */
  peer(peerId: string): void {
    const peer = this.#store.peers.get(peerId)
    if (peer !== undefined) this.#emitter.emit('peer', this.#peerState(peer))
  }

  profile(me: MeRow): void {
    this.#emitter.emit('profile', me)
  }

  /** A transfer was offered or moved on (state, bytes done). */
  transfer(view: TransferView): void {
    this.#emitter.emit('transfer', view)
  }

  typing(peerId: string, typing: boolean): void {
    this.#emitter.emit('typing', { peerId, typing })
  }

  forgotten(peerId: string): void {
    this.#emitter.emit('peer-forgotten', { peerId })
  }
}
