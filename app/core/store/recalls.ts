// Recall (docs/protocol.md §2 "Recall"): a sender takes back one of its texts within
// LIMITS.recallMs of sending it. Both sides judge the window by the envelopes' own times — the
// recalled text's UUIDv7 time against the recall's sent_at, both the sender's clock — so the
// sender's queue can carry a recall for as long as the recipient is away. The text goes from both
// stores; nothing stops a modified client from keeping a copy (README "Recall").
import { messageIdTime, messageIdToString } from '../../../shared/envelope.js'
import { PigeonError } from '../../../shared/errors.js'
import { LIMITS } from '../../../shared/limits.js'
import { groupOfConversation } from './conversations.js'
import { historyPlace } from './history-place.js'
import type { Store } from './index.js'
import type { MessageRow } from './types.js'

const MINUTES = LIMITS.recallMs / 60_000

/** whether a recall sent at `recalledAt` falls in the window of text `id` */
export function inRecallWindow(id: Uint8Array, recalledAt: number): boolean {
  const age = recalledAt - messageIdTime(id)
  // an id's time can run a little ahead of the clock that stamps the recall (UUIDv7 ids stay
  // strictly increasing, shared/message-id.ts): allowed as far as the skew history allows
  return age >= -LIMITS.clockSkewMs && age <= LIMITS.recallMs
}

/**
 * Recalls my text `id`: its text goes, and each recipient gets a recall through the outbox (an
 * outbox text row for a recalled message carries the recall, app/core/router/outbox-router.ts;
 * a copy not yet delivered is replaced by it). Returns the message and whom to kick.
 */
export function recallMine(
  store: Store,
  id: Uint8Array,
  me: string,
  now: number,
): { message: MessageRow; recipients: string[] } {
  return store.transaction(() => {
    const message = store.messages.get(id)
    if (message === undefined)
      throw new PigeonError(
        'MESSAGE_UNKNOWN',
        `There is no message ${messageIdToString(id)} here; \`pigeon history\` lists the ids.`,
      )
    if (message.direction !== 'out' || message.sender !== me)
      throw new PigeonError('RECALL_NOT_ALLOWED', 'Only your own messages can be recalled.')
    if (message.kind !== 'text')
      throw new PigeonError(
        'RECALL_NOT_ALLOWED',
        'A file offer cannot be recalled; cancel the transfer instead.',
      )
    if (message.recalledAt != null) return { message, recipients: [] }
    if (!inRecallWindow(id, now))
      throw new PigeonError(
        'RECALL_TOO_LATE',
        `A message can be recalled within ${MINUTES} minutes of sending it; this one is older.`,
      )
    const groupId = groupOfConversation(message.conversationId)
    const recipients =
      groupId === undefined
        ? [message.conversationId]
        : (store.groups.get(groupId)?.members ?? []).filter((m) => m !== me)
    store.messages.markRecalled(id, now)
    for (const recipient of recipients) {
      store.outbox.removeText(id, recipient)
      store.outbox.add({ messageId: id, recipient, kind: 'text' }, now)
    }
    return { message: store.messages.get(id) ?? message, recipients }
  })
}

export interface InboundRecall {
  sender: string
  /** the recalled text */
  id: Uint8Array
  /** the recall's sent_at */
  sentAt: number
  /** set when the recall came for a group text */
  groupId?: string
}

/**
 * A recall from `sender`: its text is replaced by the line "… recalled a message". A recall that
 * comes before its text (or instead of it: the sender replaced a queued copy) leaves that line
 * in the text's place, so the text, should it still come, is a duplicate and ignored. Refused for
 * good (DELIVERY_REJECTED) outside the window or for someone else's message. Returns the message
 * when anything changed.
 */
export function applyRecall(
  store: Store,
  recall: InboundRecall,
  now: number,
): MessageRow | undefined {
  if (!inRecallWindow(recall.id, recall.sentAt))
    throw new PigeonError(
      'DELIVERY_REJECTED',
      `A recall from ${recall.sender} came more than ${MINUTES} minutes after its message.`,
    )
  return store.transaction(() => {
    const existing = store.messages.get(recall.id)
    if (existing !== undefined) {
      if (existing.sender !== recall.sender || existing.direction !== 'in')
        throw new PigeonError(
          'DELIVERY_REJECTED',
          `${recall.sender} tried to recall a message that is not theirs.`,
        )
      if (!store.messages.markRecalled(recall.id, now)) return undefined
      return store.messages.get(recall.id)
    }
    let conversationId: string
    if (recall.groupId !== undefined) {
      const group = store.groups.get(recall.groupId)
      if (group === undefined || !group.members.includes(recall.sender)) return undefined
      conversationId = store.conversations.ensureGroup(recall.groupId)
    } else {
      store.peers.ensure(recall.sender)
      conversationId = store.conversations.ensurePeer(recall.sender)
    }
    const place = historyPlace(recall.id, messageIdTime(recall.id), now)
    const tombstone: MessageRow = {
      id: recall.id,
      conversationId,
      sender: recall.sender,
      sentAt: place.sentAt,
      receivedAt: now,
      kind: 'text',
      text: null,
      // nothing to read: it is not counted unread
      state: 'read',
      path: null,
      direction: 'in',
      failure: null,
      recalledAt: now,
    }
    store.messages.insert(tombstone, place.orderKey)
    store.conversations.noteMessage(conversationId, recall.id, now, false)
    return tombstone
  })
}
