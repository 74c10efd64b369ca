// Groups I know (their newest signed document), membership changes waiting to go out, and the
// per-member state of my group messages (migration 004).
import type { Database, Statement } from 'better-sqlite3'
import type { GroupControlRow, GroupOp, GroupRow, MessageState } from './types.js'

interface GroupSql {
  group_id: string
  name: string
  owner: string
  admins: string
  members: string
  version: number
  document: Uint8Array
  /** derived in the query: my PeerId is among the members */
  joined: number
  updated_at: number
}

function toGroup(row: GroupSql): GroupRow {
  return {
    groupId: row.group_id,
    name: row.name,
    owner: row.owner,
    admins: JSON.parse(row.admins) as string[],
    members: JSON.parse(row.members) as string[],
    version: row.version,
    document: new Uint8Array(row.document),
    joined: row.joined === 1,
    updatedAt: row.updated_at,
  }
}

interface ControlSql {
  id: Uint8Array
  group_id: string
  op: GroupOp
  document: Uint8Array
  sent_at: number
}

export interface ParkedText {
  id: Uint8Array
  groupId: string
  sender: string
  sentAt: number
  text: string
  /** the message it answers (docs/protocol.md §2) */
  replyTo?: Uint8Array
  /** group members it mentions (PeerIds) */
  mentions?: string[]
}

/** parked texts kept at most, across all groups: a stranger cannot fill the disk with them */
export const MAX_PARKED = 10_000

/** every column, and whether I am in the group: my PeerId (table me) among its members */
const SELECT_GROUPS = `SELECT g.*, EXISTS (SELECT 1 FROM me, json_each(g.members) m WHERE m.value = me.peer_id)
  AS joined FROM groups g`

const RANK_SQL = `(CASE state WHEN 'pending' THEN 0 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 ELSE 3 END)`

export class GroupRepo {
  readonly #put: Statement<[Record<string, unknown>]>
  readonly #get: Statement<[string], GroupSql>
  readonly #all: Statement<[], GroupSql>
  readonly #addControl: Statement<[Record<string, unknown>]>
  readonly #control: Statement<[Uint8Array], ControlSql>
  readonly #addCopy: Statement<[Uint8Array, string]>
  readonly #advanceCopy: Statement<[{ id: Uint8Array; member: string; state: MessageState }]>
  readonly #least: Statement<[Uint8Array], { state: MessageState }>
  readonly #dropPendingCopies: Statement<
    [{ conversation: string; member: string }],
    { message_id: Uint8Array }
  >
  readonly #park: Statement<[Record<string, unknown>]>
  readonly #trimParked: Statement<[number]>
  readonly #parked: Statement<
    [string],
    {
      id: Uint8Array
      group_id: string
      sender: string
      sent_at: number
      text: string
      reply_to: Uint8Array | null
      mentions: string | null
    }
  >
  readonly #unpark: Statement<[Uint8Array]>

  constructor(db: Database) {
    this.#put = db.prepare(
      `INSERT INTO groups (group_id, name, owner, admins, members, version, document, updated_at)
       VALUES (@groupId, @name, @owner, @admins, @members, @version, @document, @updatedAt)
       ON CONFLICT (group_id) DO UPDATE SET name = excluded.name, owner = excluded.owner,
         admins = excluded.admins, members = excluded.members, version = excluded.version,
         document = excluded.document, updated_at = excluded.updated_at
       WHERE excluded.version > groups.version`,
    )
    this.#get = db.prepare(`${SELECT_GROUPS} WHERE group_id = ?`)
    this.#all = db.prepare(`${SELECT_GROUPS} ORDER BY name COLLATE NOCASE, group_id`)
    this.#addControl = db.prepare(
      `INSERT INTO group_controls (id, group_id, op, document, sent_at) VALUES (@id, @groupId, @op, @document, @sentAt)
       ON CONFLICT DO NOTHING`,
    )
    this.#control = db.prepare('SELECT * FROM group_controls WHERE id = ?')
    this.#addCopy = db.prepare(
      `INSERT INTO group_copies (message_id, member, state) VALUES (?, ?, 'pending') ON CONFLICT DO NOTHING`,
    )
    this.#advanceCopy = db.prepare(
      `UPDATE group_copies SET state = @state WHERE message_id = @id AND member = @member
         AND ${RANK_SQL} < (CASE @state WHEN 'pending' THEN 0 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 ELSE 3 END)`,
    )
    this.#least = db.prepare(
      `SELECT state FROM group_copies WHERE message_id = ? ORDER BY ${RANK_SQL} LIMIT 1`,
    )
    this.#park = db.prepare(
      `INSERT INTO group_parked (id, group_id, sender, sent_at, text, parked_at, reply_to, mentions)
       VALUES (@id, @groupId, @sender, @sentAt, @text, @now, @replyTo, @mentionsJson) ON CONFLICT DO NOTHING`,
    )
    this.#trimParked = db.prepare(
      `DELETE FROM group_parked WHERE id IN (SELECT id FROM group_parked ORDER BY parked_at DESC, id DESC LIMIT -1 OFFSET ?)`,
    )
    this.#parked = db.prepare('SELECT * FROM group_parked WHERE group_id = ? ORDER BY id')
    this.#unpark = db.prepare('DELETE FROM group_parked WHERE id = ?')
    this.#dropPendingCopies = db.prepare(
      `DELETE FROM group_copies WHERE member = @member AND state = 'pending' AND message_id IN
         (SELECT id FROM messages WHERE conversation_id = @conversation AND direction = 'out')
       RETURNING message_id`,
    )
  }

  /** Keeps a group message that cannot be placed yet; the oldest go first beyond MAX_PARKED. */
  park(text: ParkedText, now: number): void {
    const { id, groupId, sender, sentAt } = text
    const mentions = text.mentions ?? []
    this.#park.run({
      id,
      groupId,
      sender,
      sentAt,
      text: text.text,
      now,
      replyTo: text.replyTo ?? null,
      mentionsJson: mentions.length === 0 ? null : JSON.stringify(mentions),
    })
    this.#trimParked.run(MAX_PARKED)
  }

  /** The parked messages of a group, oldest first. */
  parked(groupId: string): ParkedText[] {
    return this.#parked.all(groupId).map((r) => ({
      id: new Uint8Array(r.id),
      groupId: r.group_id,
      sender: r.sender,
      sentAt: r.sent_at,
      text: r.text,
      ...(r.reply_to !== null && { replyTo: new Uint8Array(r.reply_to) }),
      ...(r.mentions !== null && { mentions: JSON.parse(r.mentions) as string[] }),
    }))
  }

  unpark(id: Uint8Array): void {
    this.#unpark.run(id)
  }

  /** Stores a newer version of a group (an older or equal one changes nothing); true when stored. */
  put(group: Omit<GroupRow, 'joined'>): boolean {
    const { groupId, name, owner, version, document, updatedAt } = group
    return (
      this.#put.run({
        groupId,
        name,
        owner,
        version,
        document,
        updatedAt,
        admins: JSON.stringify(group.admins),
        members: JSON.stringify(group.members),
      }).changes > 0
    )
  }

  get(groupId: string): GroupRow | undefined {
    const row = this.#get.get(groupId)
    return row === undefined ? undefined : toGroup(row)
  }

  list(): GroupRow[] {
    return this.#all.all().map(toGroup)
  }

  addControl(control: GroupControlRow): void {
    this.#addControl.run({ ...control })
  }

  control(id: Uint8Array): GroupControlRow | undefined {
    const row = this.#control.get(id)
    return row === undefined
      ? undefined
      : {
          id: new Uint8Array(row.id),
          groupId: row.group_id,
          op: row.op,
          document: new Uint8Array(row.document),
          sentAt: row.sent_at,
        }
  }

  addCopy(messageId: Uint8Array, member: string): void {
    this.#addCopy.run(messageId, member)
  }

  /** Moves one member's copy forward (never back); true when it moved. */
  advanceCopy(messageId: Uint8Array, member: string, state: MessageState): boolean {
    return this.#advanceCopy.run({ id: messageId, member, state }).changes > 0
  }

  /** The state of the least advanced copy: how far the message as a whole has come. */
  leastState(messageId: Uint8Array): MessageState | undefined {
    return this.#least.get(messageId)?.state
  }

  /** A member left: my messages that never reached it stop waiting for it; returns their ids. */
  dropPendingCopies(conversationId: string, member: string): Uint8Array[] {
    return this.#dropPendingCopies
      .all({ conversation: conversationId, member })
      .map((r) => new Uint8Array(r.message_id))
  }
}
