// The user's store: one SQLite file (WAL) with history, peers, outbox and settings. Operations that
// must never be seen half-done (a message and its outbox row; an inbound message, its conversation
// and its receipt) are single transactions, so a crash at any moment leaves all or nothing. What
// arrives (a text, a receipt) is written by inbound-rows.ts inside the transactions opened here.
import { existsSync, writeFileSync } from 'node:fs'
import BetterSqlite3 from 'better-sqlite3'
import type { Database } from 'better-sqlite3'
import type { PathName } from '../delivery.js'
import { ConversationRepo } from './conversations.js'
import { GroupRepo } from './groups.js'
import { applyReceipt, queueReceipt, storeInbound, type InboundText } from './inbound-rows.js'
import { MessageRepo } from './messages.js'
import { migrate } from './migrate.js'
import { migrations } from './migrations/index.js'
import { OutboxRepo } from './outbox.js'
import { storageError } from '../storage-error.js'
import { PeerRepo } from './peers.js'
import { SettingsRepo } from './settings.js'
import { TransferRepo } from './transfers.js'
import {
  STATE_RANK,
  type GroupControlRow,
  type GroupRow,
  type MessageRow,
  type MessageState,
  type OutboxRow,
  type ReceiptState,
} from './types.js'

export type * from './types.js'
export type { SettingValue } from './settings.js'
export { STATE_RANK }
export { FTS_MIN_CHARS } from './messages.js'
export { FINAL_STATES, TRANSFER_STATES, type TransferRow, type TransferState } from './transfers.js'
export { groupConversationId, groupOfConversation } from './conversations.js'
export type { InboundText } from './inbound-rows.js'

export interface OutgoingText {
  id: Uint8Array
  sender: string
  recipient: string
  sentAt: number
  text: string
  /** 'file': a file message, its text the offered name (app/core/files/transfers.ts) */
  kind?: 'text' | 'file'
  /** the message it answers (docs/protocol.md §2) */
  replyTo?: Uint8Array
  /** group members it mentions (PeerIds) */
  mentions?: string[]
}

export interface OutgoingGroupText {
  id: Uint8Array
  sender: string
  groupId: string
  sentAt: number
  text: string
  /** 'file': a file offer to the group (docs/protocol.md §10); default 'text' */
  kind?: 'text' | 'file'
  /** the message it answers (docs/protocol.md §2) */
  replyTo?: Uint8Array
  /** group members it mentions (PeerIds) */
  mentions?: string[]
}

export class Store {
  readonly db: Database
  readonly peers: PeerRepo
  readonly conversations: ConversationRepo
  readonly messages: MessageRepo
  readonly outbox: OutboxRepo
  readonly settings: SettingsRepo
  readonly groups: GroupRepo
  readonly transfers: TransferRepo

  /** Opens (creating and migrating as needed) the store at `file`; ':memory:' for a throwaway. */
  static open(file: string): Store {
    try {
      return Store.#open(file)
    } catch (error) {
      // a read-only or damaged file: say which, and what to do (app/core/storage-error.ts)
      throw storageError(error, file)
    }
  }

  static #open(file: string): Store {
    // history is private: the file (and the -wal/-shm files SQLite derives from it) is 0600
    if (file !== ':memory:' && !existsSync(file)) writeFileSync(file, '', { mode: 0o600 })
    const db = new BetterSqlite3(file)
    try {
      db.pragma('journal_mode = WAL')
      // NORMAL in WAL mode survives any process crash (kill -9); only an OS crash or power cut can
      // lose the last commits, never corrupt the file.
      db.pragma('synchronous = NORMAL')
      db.pragma('foreign_keys = ON')
      db.pragma('busy_timeout = 5000')
      migrate(db, migrations)
      return new Store(db)
    } catch (error) {
      db.close()
      throw error
    }
  }

  private constructor(db: Database) {
    this.db = db
    this.peers = new PeerRepo(db)
    this.conversations = new ConversationRepo(db)
    this.messages = new MessageRepo(db)
    this.outbox = new OutboxRepo(db)
    this.settings = new SettingsRepo(db)
    this.groups = new GroupRepo(db)
    this.transfers = new TransferRepo(db)
  }

  close(): void {
    if (this.db.open) this.db.close()
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }

  /** A message I send: stored as pending and queued for its recipient, together. */
  queueOutgoing(text: OutgoingText, now: number): MessageRow {
    return this.transaction(() => {
      this.peers.ensure(text.recipient)
      const message = this.#insertOutgoing(text, this.conversations.ensurePeer(text.recipient))
      this.outbox.add({ messageId: text.id, recipient: text.recipient, kind: 'text' }, now)
      return message
    })
  }

  /**
   * A message I send to a group: stored once, with one copy per member queued in the outbox (each
   * member's queue keeps its own order), all together.
   */
  queueGroupText(text: OutgoingGroupText, members: readonly string[], now: number): MessageRow {
    return this.transaction(() => {
      const message = this.#insertOutgoing(text, this.conversations.ensureGroup(text.groupId))
      for (const member of members) {
        this.peers.ensure(member)
        this.groups.addCopy(text.id, member)
        this.outbox.add({ messageId: text.id, recipient: member, kind: 'text' }, now)
      }
      return message
    })
  }

  #insertOutgoing(
    text: Pick<OutgoingText, 'id' | 'sender' | 'sentAt' | 'text' | 'kind' | 'replyTo' | 'mentions'>,
    conversationId: string,
  ): MessageRow {
    const message: MessageRow = {
      id: text.id,
      conversationId,
      sender: text.sender,
      sentAt: text.sentAt,
      receivedAt: null,
      kind: text.kind ?? 'text',
      text: text.text,
      state: 'pending',
      path: null,
      direction: 'out',
      failure: null,
      replyTo: text.replyTo ?? null,
      mentions: text.mentions ?? null,
    }
    this.messages.insert(message)
    this.conversations.noteMessage(conversationId, text.id, text.sentAt, false)
    return message
  }

  /** A membership change I made or pass on: the document is stored with its outbox rows. */
  queueGroupControl(control: GroupControlRow, recipients: readonly string[], now: number): void {
    this.transaction(() => {
      this.groups.addControl(control)
      for (const recipient of recipients) {
        this.outbox.add({ messageId: control.id, recipient, kind: 'control' }, now)
      }
    })
  }

  /**
   * Stores a newer version of a group. Members who are gone stop being waited for: my queued
   * messages to them are dropped (they would refuse them), and all of them when I am gone myself;
   * a message that was waiting only for them moves on. Returns whether it was stored (false when
   * the stored version is as new already) and the messages that moved.
   */
  saveGroup(group: Omit<GroupRow, 'joined'>, me: string): { saved: boolean; moved: MessageRow[] } {
    return this.transaction(() => {
      const before = this.groups.get(group.groupId)
      if (!this.groups.put(group)) return { saved: false, moved: [] }
      const conversationId = this.conversations.ensureGroup(group.groupId)
      const now = new Set(group.members)
      if (!now.has(me)) this.outbox.removeGroupTexts(conversationId, null)
      const waiting = new Map<string, Uint8Array>()
      for (const member of before?.members ?? []) {
        if (now.has(member)) continue
        this.outbox.removeGroupTexts(conversationId, member)
        for (const id of this.groups.dropPendingCopies(conversationId, member))
          waiting.set(id.join(), id)
      }
      const moved: MessageRow[] = []
      for (const id of waiting.values()) {
        const least = this.groups.leastState(id)
        if (least === undefined || !this.messages.advance(id, least)) continue
        const message = this.messages.get(id)
        if (message !== undefined) moved.push(message)
      }
      return { saved: true, moved }
    })
  }

  /** A message someone sent me, stored and receipted in one transaction (inbound-rows.ts). */
  storeInbound(
    text: InboundText,
    via: PathName,
    now: number,
  ): { inserted: boolean; message: MessageRow } {
    return this.transaction(() => storeInbound(this, text, via, now))
  }

  /** A receipt from `from` about my messages; returns the ones that changed (inbound-rows.ts). */
  applyReceipt(from: string, ids: readonly Uint8Array[], state: ReceiptState): MessageRow[] {
    return this.transaction(() => applyReceipt(this, from, ids, state))
  }

  /**
   * The path acked an outbox row, and a text message moves to `state` ('delivered' when the
   * receiver itself acked, 'sent' when a relay stored it). A LAN ack ends the row. A relay's
   * PUBACK only means the relay holds it: a text or group change stays queued, marked relayed,
   * until the recipient's receipt or a LAN ack (docs/protocol.md §6 "Delivery"); a receipt is
   * never receipted, so it goes.
   */
  completeOutbox(
    row: OutboxRow,
    path: PathName,
    state: MessageState,
    now: number = Date.now(),
  ): MessageRow | undefined {
    return this.transaction(() => {
      if (path === 'relay' && row.kind !== 'receipt') this.outbox.markRelayed(row, now)
      else this.outbox.remove(row)
      if (row.kind !== 'text') return undefined
      // a group copy (a direct message has none): the message is as far as its least advanced copy
      this.groups.advanceCopy(row.messageId, row.recipient, state)
      const reached = this.groups.leastState(row.messageId) ?? state
      const changed = this.messages.advance(row.messageId, reached, path)
      return changed ? this.messages.get(row.messageId) : undefined
    })
  }

  /**
   * An outbox row that can never be delivered (a permanent error, shared/errors.ts): the row goes
   * and the queue moves on; a text message of mine becomes 'failed' with `reason` (the whole
   * message, also when only one member's copy failed). Returns the message when it changed.
   */
  failOutbox(row: OutboxRow, reason: string): MessageRow | undefined {
    return this.transaction(() => {
      this.outbox.remove(row)
      if (row.kind !== 'text' || !this.messages.fail(row.messageId, reason)) return undefined
      return this.messages.get(row.messageId)
    })
  }

  /** A group change from `to` came through the relay: tell its sender it arrived (applyReceipt). */
  receiptRelayedControl(to: string, controlId: Uint8Array, now: number): void {
    queueReceipt(this, to, controlId, 'delivered', now)
  }

  /** Marks every unread incoming message of a conversation read and queues the read receipts. */
  markConversationRead(conversationId: string, now: number): MessageRow[] {
    return this.transaction(() => {
      const unread = this.messages.unreadIncoming(conversationId)
      for (const message of unread) {
        this.messages.advance(message.id, 'read')
        queueReceipt(this, message.sender, message.id, 'read', now)
      }
      this.conversations.clearUnread(conversationId)
      return unread.map((m) => ({ ...m, state: 'read' as const }))
    })
  }
}
