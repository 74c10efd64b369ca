// Conversations: one per peer (id = PeerId) or group (id = `group:<groupId>`), with the unread
// count and the last message kept up to date as messages are stored.
import type { Database, Statement } from 'better-sqlite3'
import type { ConversationKind, ConversationRow } from './types.js'

interface ConversationSql {
  id: string
  kind: ConversationKind
  target: string
  unread: number
  last_message_id: Uint8Array | null
  last_activity_at: number | null
  muted: number
  mentions: number
}

function toConversation(row: ConversationSql): ConversationRow {
  return {
    id: row.id,
    kind: row.kind,
    target: row.target,
    unread: row.unread,
    lastMessageId: row.last_message_id,
    lastActivityAt: row.last_activity_at,
    muted: row.muted === 1,
    mentions: row.mentions,
  }
}

export function peerConversationId(peerId: string): string {
  return peerId
}

export const GROUP_CONVERSATION_PREFIX = 'group:'

export function groupConversationId(groupId: string): string {
  return `${GROUP_CONVERSATION_PREFIX}${groupId}`
}

/** The group id of a group conversation; undefined for a direct chat. */
export function groupOfConversation(conversationId: string): string | undefined {
  return conversationId.startsWith(GROUP_CONVERSATION_PREFIX)
    ? conversationId.slice(GROUP_CONVERSATION_PREFIX.length)
    : undefined
}

export class ConversationRepo {
  readonly #ensure: Statement<[string, ConversationKind, string]>
  readonly #get: Statement<[string], ConversationSql>
  readonly #all: Statement<[], ConversationSql>
  readonly #bump: Statement<[{ id: string; messageId: Uint8Array; at: number; unread: number }]>
  readonly #clearUnread: Statement<[string]>
  readonly #mute: Statement<[number, string]>
  readonly #mentioned: Statement<[string]>

  constructor(db: Database) {
    this.#ensure = db.prepare(
      'INSERT INTO conversations (id, kind, target) VALUES (?, ?, ?) ON CONFLICT DO NOTHING',
    )
    this.#get = db.prepare('SELECT * FROM conversations WHERE id = ?')
    this.#all = db.prepare(
      'SELECT * FROM conversations ORDER BY last_activity_at IS NULL, last_activity_at DESC, id',
    )
    // the last message is the newest by id, whatever order messages arrive in
    this.#bump = db.prepare(
      `UPDATE conversations SET unread = unread + @unread,
         last_message_id = CASE WHEN last_message_id IS NULL OR @messageId > last_message_id
           THEN @messageId ELSE last_message_id END,
         last_activity_at = max(coalesce(last_activity_at, 0), @at)
       WHERE id = @id`,
    )
    this.#clearUnread = db.prepare('UPDATE conversations SET unread = 0, mentions = 0 WHERE id = ?')
    this.#mute = db.prepare('UPDATE conversations SET muted = ? WHERE id = ?')
    this.#mentioned = db.prepare('UPDATE conversations SET mentions = mentions + 1 WHERE id = ?')
  }

  ensurePeer(peerId: string): string {
    const id = peerConversationId(peerId)
    this.#ensure.run(id, 'peer', peerId)
    return id
  }

  ensureGroup(groupId: string): string {
    const id = groupConversationId(groupId)
    this.#ensure.run(id, 'group', groupId)
    return id
  }

  get(id: string): ConversationRow | undefined {
    const row = this.#get.get(id)
    return row === undefined ? undefined : toConversation(row)
  }

  list(): ConversationRow[] {
    return this.#all.all().map(toConversation)
  }

  noteMessage(id: string, messageId: Uint8Array, at: number, unread: boolean): void {
    this.#bump.run({ id, messageId, at, unread: unread ? 1 : 0 })
  }

  clearUnread(id: string): void {
    this.#clearUnread.run(id)
  }

  /** Mutes or unmutes the conversation with a peer or group, made if it had none yet. */
  setMuted(
    target: { kind: 'peer'; peerId: string } | { kind: 'group'; group: { groupId: string } },
    muted: boolean,
  ): ConversationRow {
    const id =
      target.kind === 'peer'
        ? this.ensurePeer(target.peerId)
        : this.ensureGroup(target.group.groupId)
    this.#mute.run(muted ? 1 : 0, id)
    return toConversation(this.#get.get(id)!)
  }

  /** an unread text that mentions me arrived (cleared with the unread count) */
  noteMention(id: string): void {
    this.#mentioned.run(id)
  }
}
