// What I send: texts and read receipts are stored with their outbox rows first and then handed
// to the router (durable before `send` returns, docs/architecture.md §5); typing flags are
// ephemeral and go only to a peer online now.
import { newMessageId, type Envelope } from '../../shared/envelope.js'
import { PigeonError } from '../../shared/errors.js'
import type { EngineEvents } from './engine-events.js'
import type { GroupService } from './groups/group-service.js'
import { errorText, type Logger } from './log.js'
import { checkOutgoingText } from './outgoing-text.js'
import type { PresenceTracker } from './presence.js'
import type { ConversationTarget } from './references.js'
import { groupConversationId, type MessageRow, type Store } from './store/index.js'

export interface OutgoingInit {
  store: Store
  /** my PeerId */
  me: string
  now: () => number
  groups: GroupService
  presence: PresenceTracker
  events: EngineEvents
  kick: (recipient: string) => void
  /** the engine's logger (app/core/log.ts) */
  log: Logger
}

/** What a text may carry besides its words (docs/protocol.md §2, §8). */
export interface TextOptions {
  /** the message it answers: one of this conversation */
  replyTo?: Uint8Array
  /** in a group: members it mentions (PeerIds); others are dropped */
  mentions?: readonly string[]
}

export class Outgoing {
  readonly #init: OutgoingInit

  constructor(init: OutgoingInit) {
    this.#init = init
  }

  /** To a peer, or to a group: one copy per member, each sealed to that member (docs/protocol.md §8). */
  text(target: ConversationTarget, text: string, options: TextOptions = {}): MessageRow {
    const { store, me, events, kick } = this.#init
    checkOutgoingText(text)
    const conversationId =
      target.kind === 'group' ? groupConversationId(target.group.groupId) : target.peerId
    const replyTo = options.replyTo
    if (replyTo !== undefined && store.messages.get(replyTo)?.conversationId !== conversationId)
      throw new PigeonError(
        'MESSAGE_UNKNOWN',
        'The message you reply to is not in this conversation; reply to one of its messages.',
      )
    const extra = {
      ...(replyTo !== undefined && { replyTo }),
      ...(target.kind === 'group' &&
        (options.mentions?.length ?? 0) > 0 && {
          mentions: [...new Set(options.mentions)].filter(
            (m) => m !== me && target.group.members.includes(m),
          ),
        }),
    }
    const now = this.#init.now()
    const id = newMessageId(now)
    let message: MessageRow
    let recipients: string[]
    if (target.kind === 'group') {
      recipients = this.#init.groups.recipients(target.group)
      message = store.queueGroupText(
        { id, sender: me, groupId: target.group.groupId, sentAt: now, text, ...extra },
        recipients,
        now,
      )
    } else {
      if (target.peerId === me)
        throw new PigeonError('PEER_UNKNOWN', 'That PeerId is yours; send to someone else.')
      recipients = [target.peerId]
      message = store.queueOutgoing(
        { id, sender: me, recipient: target.peerId, sentAt: now, text, ...extra },
        now,
      )
    }
    events.message(message)
    events.conversation(message.conversationId)
    for (const recipient of recipients) kick(recipient)
    return message
  }

  /** Marks a conversation read and queues read receipts to the senders. */
  markRead(conversationId: string): MessageRow[] {
    const { store, events, kick } = this.#init
    const read = store.markConversationRead(conversationId, this.#init.now())
    for (const message of read) events.state(message)
    events.conversation(conversationId)
    for (const sender of new Set(read.map((m) => m.sender))) kick(sender)
    return read
  }

  /** Best effort, never stored or retried; in a group it is not sent (one per member per pause). */
  async typing(target: ConversationTarget, typing: boolean): Promise<void> {
    if (target.kind === 'group') return
    const peerId = target.peerId
    const now = this.#init.now()
    const envelope: Envelope = {
      id: newMessageId(now),
      sender: this.#init.me,
      to: { peer: peerId },
      sentAt: now,
      kind: 'typing',
      typing,
    }
    // only to a peer online now: the relay would queue a typing flag for hours otherwise
    const path = this.#init.presence.pathTo(peerId)
    if (path === undefined) return
    try {
      await path.deliver(peerId, envelope)
    } catch (error) {
      this.#init.log.warn({ err: errorText(error) }, `typing to ${peerId} not delivered`)
    }
  }
}
