// What arrives, written to the store (docs/protocol.md §6 "Delivery"): a text someone sent me,
// with its conversation, unread count and — for what came through the relay — its 'delivered'
// receipt; and a receipt about my messages, moving them forward and ending their outbox rows.
// Each runs inside the one transaction Store opens for it (store/index.ts), so a crash leaves all
// or nothing. Kept apart from index.ts so that file is the store's opening and what I send.
import type { PathName } from '../delivery.js'
import { groupOfConversation } from './conversations.js'
import { historyPlace } from './history-place.js'
import type { Store } from './index.js'
import { STATE_RANK, type MessageRow, type ReceiptState } from './types.js'

export interface InboundText {
  id: Uint8Array
  sender: string
  sentAt: number
  text: string
  /** set for a group message: it belongs to the group's conversation */
  groupId?: string
  /** 'file': a file message, its text the offered name */
  kind?: 'text' | 'file'
  /** the message it answers (docs/protocol.md §2) */
  replyTo?: Uint8Array
  /** group members it mentions (PeerIds) */
  mentions?: string[]
  /** it mentions me: counted for the conversation's @ badge */
  mentionsMe?: boolean
}

/**
 * A message someone sent me. A duplicate (same id) changes nothing and returns inserted: false.
 * A new one is stored and counted unread in one transaction. A 'delivered' receipt is queued
 * only for what came through the relay: there the sender's PUBACK meant "the relay has it", while
 * on the LAN the path's ack itself tells the sender it is stored (docs/protocol.md §6). A relayed
 * duplicate is receipted again, since its first ack may never have reached the sender.
 */
export function storeInbound(
  store: Store,
  text: InboundText,
  via: PathName,
  now: number,
): { inserted: boolean; message: MessageRow } {
  // last_seen comes from the paths' online/offline events, not from every message
  store.peers.ensure(text.sender)
  const conversationId =
    text.groupId === undefined
      ? store.conversations.ensurePeer(text.sender)
      : store.conversations.ensureGroup(text.groupId)
  // the sender's claimed time orders history only when my clock finds it plausible
  const place = historyPlace(text.id, text.sentAt, now)
  const message: MessageRow = {
    id: text.id,
    conversationId,
    sender: text.sender,
    sentAt: place.sentAt,
    receivedAt: now,
    kind: text.kind ?? 'text',
    text: text.text,
    state: 'delivered',
    path: via,
    direction: 'in',
    failure: null,
    replyTo: text.replyTo ?? null,
    mentions: text.mentions ?? null,
  }
  const inserted = store.messages.insert(message, place.orderKey)
  if (!inserted) {
    const stored = store.messages.get(text.id) ?? message
    // a copy again through the relay: the sender still holds it (its LAN ack, or my receipt,
    // may have been lost — it republishes only until it hears), so tell it again, unless
    // that receipt is still on its way
    if (via === 'relay' && !store.outbox.hasReceipt(text.id, text.sender, 'delivered'))
      queueReceipt(store, text.sender, text.id, 'delivered', now)
    return { inserted, message: stored }
  }
  store.conversations.noteMessage(conversationId, text.id, now, true)
  if (text.mentionsMe === true) store.conversations.noteMention(conversationId)
  if (via === 'relay') queueReceipt(store, text.sender, text.id, 'delivered', now)
  return { inserted, message }
}

/**
 * A receipt from `from` about my messages. Only messages I sent to `from` move (a peer cannot
 * mark someone else's messages); in a group, only `from`'s copy, and the message as far as its
 * least advanced copy. Returns the ones that changed. The receipt proves the peer has the
 * message, so it leaves the outbox even if the ack never came — and a message only a relay has
 * taken (state 'sent', row kept) leaves it now. A receipt for a group change of mine (sent for
 * one that came through the relay) ends that change's row for `from`.
 */
export function applyReceipt(
  store: Store,
  from: string,
  ids: readonly Uint8Array[],
  state: ReceiptState,
): MessageRow[] {
  const changed: MessageRow[] = []
  for (const id of ids) {
    const message = store.messages.get(id)
    if (message === undefined) {
      store.outbox.removeControl(id, from)
      continue
    }
    if (message.direction !== 'out') continue
    // a recall of mine came through the relay: this receipt ends its row (recalls.ts)
    if (message.recalledAt != null) store.outbox.removeText(id, from)
    if (groupOfConversation(message.conversationId) !== undefined) {
      if (!store.groups.advanceCopy(id, from, state)) continue
      store.outbox.removeText(id, from)
      const least = store.groups.leastState(id)
      if (least !== undefined && store.messages.advance(id, least))
        changed.push({ ...message, state: least })
      continue
    }
    if (message.conversationId !== from) continue
    // usually the ack came first and removed the row; only look when it has not
    if (STATE_RANK[message.state] < STATE_RANK.delivered) store.outbox.removeText(id, from)
    if (store.messages.advance(id, state)) changed.push({ ...message, state })
  }
  return changed
}

/** Queues a receipt to `to` about `id` (never receipted itself: the router drops it on any ack). */
export function queueReceipt(
  store: Store,
  to: string,
  id: Uint8Array,
  state: ReceiptState,
  now: number,
): void {
  store.outbox.add({ messageId: id, recipient: to, kind: 'receipt', receiptState: state }, now)
}
