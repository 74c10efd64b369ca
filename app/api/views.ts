// The contract's JSON views of engine rows (app/api/contract.ts): messages, transfers, peers,
// groups, conversations. Pure mappers, shared by LocalApi (app/api/local.ts) and the CLI's output;
// kept apart from local.ts so the API class reads as the methods and these as the shapes.
import { messageIdToString } from '../../shared/envelope.js'
import type { TransferView as TransferView_ } from '../core/files/transfers.js'
import { legacyFields, type LegacyPeerLookup } from '../core/legacy/legacy-view.js'
import type { Messenger, PeerState } from '../core/messenger.js'
import { keyFingerprint } from '../core/verify/fingerprint.js'
import {
  groupConversationId,
  type ConversationRow,
  type GroupRow,
  type MessageRow,
} from '../core/store/index.js'
import type {
  ConversationView,
  GroupView,
  MessageView,
  PeerView,
  TransferView,
} from './contract.js'

export function messageView(row: MessageRow): MessageView {
  return {
    id: messageIdToString(row.id),
    conversation: row.conversationId,
    from: row.sender,
    direction: row.direction,
    kind: row.kind === 'file' ? 'file' : 'text',
    text: row.text,
    sentAt: row.sentAt,
    receivedAt: row.receivedAt,
    state: row.state,
    path: row.path,
    failure: row.failure,
    replyTo: row.replyTo == null ? null : messageIdToString(row.replyTo),
    mentions: row.mentions ?? [],
    recalledAt: row.recalledAt ?? null,
  }
}

export function transferView(row: TransferView_): TransferView {
  return {
    id: hex(row.id),
    message: messageIdToString(row.messageId),
    peer: row.peer,
    name: row.name,
    size: row.size,
    bytesDone: row.bytesDone,
    rateBytesPerSec: Math.round(row.rateBytesPerSec),
    direction: row.direction,
    state: row.state,
    error: row.error,
    path: row.targetPath,
  }
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

export function peerView(peer: PeerState, legacy?: LegacyPeerLookup): PeerView {
  const legacyView = legacyFields(peer.peerId, legacy)
  return {
    peerId: peer.peerId,
    name: peer.name,
    color: peer.color,
    status: peer.status,
    online: peer.online.length > 0,
    paths: peer.online,
    addresses: peer.addresses,
    lastSeen: peer.lastSeen,
    // an IP Messenger user announces its group and host in its entry, not in a profile
    workgroup: peer.workgroup ?? legacyView.group ?? null,
    host: peer.host,
    fingerprint: keyFingerprint(peer.peerId),
    verified: peer.verifiedAt !== null,
    ...legacyView,
  }
}

export function groupView(group: GroupRow, me: string): GroupView {
  const role = !group.members.includes(me)
    ? 'none'
    : group.owner === me
      ? 'owner'
      : group.admins.includes(me)
        ? 'admin'
        : 'member'
  return {
    id: group.groupId,
    conversation: groupConversationId(group.groupId),
    name: group.name,
    owner: group.owner,
    admins: [...group.admins],
    members: [...group.members],
    version: group.version,
    joined: group.joined,
    role,
  }
}

export function shortPeerId(peerId: string): string {
  return `${peerId.slice(0, 8)}…${peerId.slice(-6)}`
}

/** A conversation as the list shows it: its title, unread count and last message. */
export function conversationView(c: ConversationRow, messenger: Messenger): ConversationView {
  const peer = c.kind === 'peer' ? messenger.peer(c.target) : undefined
  const group = c.kind === 'group' ? messenger.groupById(c.target) : undefined
  const last = c.lastMessageId === null ? undefined : messenger.message(c.lastMessageId)
  return {
    id: c.id,
    kind: c.kind,
    peerId: c.kind === 'peer' ? c.target : null,
    groupId: c.kind === 'group' ? c.target : null,
    title: group?.name ?? peer?.name ?? shortPeerId(c.target),
    unread: c.unread,
    lastMessage: last === undefined ? null : messageView(last),
    lastActivityAt: c.lastActivityAt,
    muted: c.muted,
    mentions: c.mentions,
  }
}
