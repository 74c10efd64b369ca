// Rows as the rest of app/core sees them (camelCase, ids as bytes). SQL column names stay in the
// repository files that read and write them.
import type { GroupDocument } from '../../../shared/group.js'
import type { PeerStatus } from '../../../shared/status.js'
import type { PathName } from '../delivery.js'

/** Outgoing: pending (in outbox) → sent (stored by the relay) → delivered (receiver acked) → read;
 * or failed (a permanent error: it can never be delivered; MessageRow.failure says why).
 * Incoming: delivered (stored here, unread) → read (the user saw it). Never goes backwards. */
export type MessageState = 'pending' | 'sent' | 'delivered' | 'read' | 'failed'
export type Direction = 'in' | 'out'
export type ReceiptState = 'delivered' | 'read'

export const STATE_RANK: Record<MessageState, number> = {
  pending: 0,
  sent: 1,
  delivered: 2,
  read: 3,
  // final: nothing moves a failed message on (a receipt cannot come for what was never sent)
  failed: 4,
}

export interface MeRow {
  peerId: string
  name: string
  color: number
  status: PeerStatus
  version: number
  /** the workgroup (department) I am listed under, null when none (docs/protocol.md §2) */
  workgroup: string | null
  /** the host name peers see beside my name */
  host: string | null
}

export interface PeerRow {
  peerId: string
  name: string | null
  color: number | null
  status: PeerStatus | null
  profileVersion: number
  addresses: string[]
  lastSeen: number | null
  workgroup: string | null
  host: string | null
  /** ms when I confirmed our safety number (docs/protocol.md §14); null when not verified */
  verifiedAt: number | null
}

export type ConversationKind = 'peer' | 'group'

export interface ConversationRow {
  /** a peer's PeerId for a direct chat; `group:<groupId>` for a group */
  id: string
  kind: ConversationKind
  target: string
  unread: number
  lastMessageId: Uint8Array | null
  lastActivityAt: number | null
  /** no notification, except for a mention of me (migration 008) */
  muted: boolean
  /** unread texts that mention me */
  mentions: number
}

export interface MessageRow {
  id: Uint8Array
  conversationId: string
  sender: string
  sentAt: number
  receivedAt: number | null
  kind: string
  text: string | null
  state: MessageState
  path: PathName | null
  direction: Direction
  /** why it failed (state 'failed'), a sentence for the user; null otherwise */
  failure: string | null
  /** the message this text answers (migration 008); null or absent: none */
  replyTo?: Uint8Array | null
  /** the group members it mentions (PeerIds); null or absent: none */
  mentions?: string[] | null
  /** when its sender recalled it (its text is then null); null or absent: not recalled */
  recalledAt?: number | null
}

export type OutboxKind = 'text' | 'receipt' | 'control'

/** One envelope waiting to reach one recipient. A text row points at its message; a receipt row
 * says "message `messageId` reached state `receiptState`" and is sent back to its sender; a control
 * row points at a group change (GroupControlRow). */
export interface OutboxRow {
  seq: number
  messageId: Uint8Array
  recipient: string
  kind: OutboxKind
  receiptState: ReceiptState | null
  attempts: number
  nextAttemptAt: number
  /** when a relay last PUBACKed it (null: never): it stays until the recipient confirms */
  relayedAt: number | null
}

export type GroupOp = 'create' | 'add' | 'remove' | 'leave' | 'rename'

/** A group as I last accepted it: its newest signed document, decoded (shared/group.ts). */
export interface GroupRow extends GroupDocument {
  /** the signed document itself (encodeSignedGroupDocument), forwarded with each change */
  document: Uint8Array
  /** whether I am among the members (read from them): false once I left or was removed; the
   * history stays */
  joined: boolean
  updatedAt: number
}

/** A membership change on its way to the members (outbox rows of kind 'control' point here). */
export interface GroupControlRow {
  id: Uint8Array
  groupId: string
  op: GroupOp
  document: Uint8Array
  sentAt: number
}
