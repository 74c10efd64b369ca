// What the outbox router sends for a row (docs/protocol.md §6 "Delivery"): the due rows at the
// head of a recipient's queue grouped into delivery items, and the envelope each item becomes —
// a text, a file offer, a recall, a group control, or one receipt for many ids. Kept apart from
// outbox-router.ts so the router is about when and by which path, and this file about what.
import { newMessageId, type Envelope } from '../../../shared/envelope.js'
import { decodeSignedGroupDocument } from '../../../shared/group.js'
import { groupOfConversation, type OutboxRow, type Store } from '../store/index.js'

/**
 * The due rows at the head of a queue as delivery items: a text row alone; consecutive receipt
 * rows of the same state together, as one receipt envelope.
 */
export function windowItems(rows: OutboxRow[], now: number): OutboxRow[][] {
  const items: OutboxRow[][] = []
  for (const row of rows) {
    if (row.nextAttemptAt > now) break
    const last = items.at(-1)
    const first = last?.[0]
    if (
      row.kind === 'receipt' &&
      first?.kind === 'receipt' &&
      first.receiptState === row.receiptState
    )
      last?.push(row)
    else items.push([row])
  }
  return items
}

/** a file offer without a relay blob: the receiver can only pull it over the LAN */
export function isLanOnlyOffer(envelope: Envelope): boolean {
  return envelope.kind === 'file-offer' && envelope.file.blobId === undefined
}

/** What envelopeFor needs besides the item: whose queue it is, and where file offers come from. */
export interface EnvelopeSource {
  store: Store
  /** my PeerId: the sender of everything queued */
  me: string
  /** the `file offer` envelope of a file message of mine (app/core/files/transfers.ts) */
  fileOffer?: (messageId: Uint8Array) => Envelope | undefined
}

/**
 * The envelope for one delivery item (windowItems), or undefined when what it was for is gone
 * (the message deleted): then there is nothing left to send for its rows. Throws a permanent
 * error when a stored group document no longer decodes.
 */
export function envelopeFor(
  source: EnvelopeSource,
  recipient: string,
  batch: OutboxRow[],
  now: number,
): Envelope | undefined {
  const { store, me } = source
  const head = batch[0]
  if (head === undefined) return undefined
  const base = { sender: me, to: { peer: recipient } }
  if (head.kind === 'receipt') {
    // a fresh id per attempt: receipts are idempotent, and a reused id could be taken for a replay
    const state = head.receiptState ?? 'delivered'
    return {
      ...base,
      id: newMessageId(now),
      sentAt: now,
      kind: 'receipt',
      state,
      ids: batch.map((r) => r.messageId),
    }
  }
  if (head.kind === 'control') {
    const control = store.groups.control(head.messageId)
    if (control === undefined) return undefined
    const doc = decodeSignedGroupDocument(control.document)
    return {
      id: control.id,
      sender: me,
      to: { group: control.groupId },
      sentAt: control.sentAt,
      kind: 'group-control',
      control: {
        op: control.op,
        groupId: control.groupId,
        name: doc.name,
        members: doc.members,
        version: doc.version,
        document: control.document,
      },
    }
  }
  const message = store.messages.get(head.messageId)
  if (message === undefined) return undefined
  // a group message goes to each member separately, sealed to each (docs/protocol.md §3)
  const group = groupOfConversation(message.conversationId)
  const to = group === undefined ? base.to : { group }
  if (message.recalledAt != null) {
    // the row of a recalled text carries its recall (store/recalls.ts): a fresh id per attempt,
    // as for receipts, and the time of the recall, which the recipient checks the window by
    const recall = { id: message.id }
    return {
      ...base,
      to,
      id: newMessageId(now),
      sentAt: message.recalledAt,
      kind: 'recall',
      recall,
    }
  }
  if (message.text === null) return undefined
  if (message.kind === 'file') return source.fileOffer?.(message.id)
  return {
    ...base,
    to,
    id: message.id,
    sentAt: message.sentAt,
    kind: 'text',
    text: message.text,
    ...(message.replyTo != null && { replyTo: message.replyTo }),
    ...(message.mentions != null && { mentions: message.mentions }),
  }
}
