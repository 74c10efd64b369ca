// Messages: insert-or-ignore by id (the dedup), paged history, state changes that only move
// forward, and full-text search (FTS5 trigram for 3+ characters, LIKE below that).
import type { Database, Statement } from 'better-sqlite3'
import type { PathName } from '../delivery.js'
import type { Direction, MessageRow, MessageState } from './types.js'

interface MessageSql {
  id: Uint8Array
  conversation_id: string
  sender: string
  sent_at: number
  received_at: number | null
  kind: string
  text: string | null
  state: MessageState
  path: PathName | null
  direction: Direction
  failure: string | null
  reply_to: Uint8Array | null
  mentions: string | null
  recalled_at: number | null
}

function toMessage(row: MessageSql): MessageRow {
  return {
    id: new Uint8Array(row.id),
    conversationId: row.conversation_id,
    sender: row.sender,
    sentAt: row.sent_at,
    receivedAt: row.received_at,
    kind: row.kind,
    text: row.text,
    state: row.state,
    path: row.path,
    direction: row.direction,
    failure: row.failure,
    replyTo: row.reply_to === null ? null : new Uint8Array(row.reply_to),
    mentions: row.mentions === null ? null : (JSON.parse(row.mentions) as string[]),
    recalledAt: row.recalled_at,
  }
}

const RANK_SQL = (column: string): string =>
  `(CASE ${column} WHEN 'pending' THEN 0 WHEN 'sent' THEN 1 WHEN 'delivered' THEN 2 WHEN 'read' THEN 3 ELSE 4 END)`

/** Trigram needs three characters (not bytes): 北京 is two and goes to the LIKE fallback. */
export const FTS_MIN_CHARS = 3

export interface HistoryQuery {
  /** only messages older than this id (the page before it) */
  before?: Uint8Array
  limit: number
}

export class MessageRepo {
  readonly #insert: Statement<[Record<string, unknown>]>
  readonly #get: Statement<[Uint8Array], MessageSql>
  readonly #latest: Statement<[string, number], MessageSql>
  readonly #before: Statement<
    [{ conversationId: string; before: Uint8Array; limit: number }],
    MessageSql
  >
  readonly #advance: Statement<[{ id: Uint8Array; state: MessageState; path: PathName | null }]>
  readonly #fail: Statement<[{ id: Uint8Array; reason: string }]>
  readonly #unreadIn: Statement<[string], MessageSql>
  readonly #ftsSearch: Statement<[string, number], MessageSql>
  readonly #likeSearch: Statement<[string, number], MessageSql>
  readonly #pendingCount: Statement<[], { n: number }>
  readonly #indexPending: Statement<[number]>
  readonly #clearPending: Statement<[number]>
  readonly #db: Database
  readonly #recall: Statement<[{ id: Uint8Array; at: number }]>
  readonly #unindex: Statement<[Uint8Array]>
  readonly #unpend: Statement<[Uint8Array]>

  constructor(db: Database) {
    this.#db = db
    this.#pendingCount = db.prepare('SELECT count(*) AS n FROM fts_pending')
    // oldest pending first, in bounded batches so one flush never holds the writer for long
    this.#indexPending = db.prepare(
      `INSERT INTO messages_fts (text, message_id)
       SELECT m.text, m.id FROM (SELECT message_id FROM fts_pending ORDER BY message_id LIMIT ?) p
       JOIN messages m ON m.id = p.message_id WHERE m.text IS NOT NULL`,
    )
    this.#clearPending = db.prepare(
      'DELETE FROM fts_pending WHERE message_id IN (SELECT message_id FROM fts_pending ORDER BY message_id LIMIT ?)',
    )
    this.#insert = db.prepare(
      `INSERT INTO messages (id, conversation_id, sender, sent_at, received_at, kind, text, state, path, direction, failure, order_key, reply_to, mentions, recalled_at)
       VALUES (@id, @conversationId, @sender, @sentAt, @receivedAt, @kind, @text, @state, @path, @direction, @failure, @orderKey, @replyTo, @mentionsJson, @recalledAt)
       ON CONFLICT (id) DO NOTHING`,
    )
    this.#get = db.prepare('SELECT * FROM messages WHERE id = ?')
    this.#recall = db.prepare(
      'UPDATE messages SET text = NULL, recalled_at = @at WHERE id = @id AND recalled_at IS NULL',
    )
    this.#unindex = db.prepare('DELETE FROM messages_fts WHERE message_id = ?')
    this.#unpend = db.prepare('DELETE FROM fts_pending WHERE message_id = ?')
    // history is in order_key order (the id, unless its time was implausible: migration 005);
    // a page before a message starts at that message's place
    this.#latest = db.prepare(
      `SELECT * FROM (SELECT * FROM messages WHERE conversation_id = ? ORDER BY order_key DESC, id DESC LIMIT ?)
       ORDER BY order_key, id`,
    )
    this.#before = db.prepare(
      `SELECT * FROM (SELECT * FROM messages WHERE conversation_id = @conversationId
         AND (order_key, id) < (SELECT coalesce((SELECT order_key FROM messages WHERE id = @before), @before), @before)
         ORDER BY order_key DESC, id DESC LIMIT @limit)
       ORDER BY order_key, id`,
    )
    this.#advance = db.prepare(
      `UPDATE messages SET
         state = CASE WHEN ${RANK_SQL('state')} < ${RANK_SQL('@state')} THEN @state ELSE state END,
         path = coalesce(path, @path)
       WHERE id = @id AND (${RANK_SQL('state')} < ${RANK_SQL('@state')} OR (path IS NULL AND @path IS NOT NULL))`,
    )
    this.#fail = db.prepare(
      `UPDATE messages SET state = 'failed', failure = @reason
       WHERE id = @id AND direction = 'out' AND state IN ('pending', 'sent')`,
    )
    this.#unreadIn = db.prepare(
      `SELECT * FROM messages WHERE conversation_id = ? AND direction = 'in' AND state <> 'read' ORDER BY id`,
    )
    this.#ftsSearch = db.prepare(
      // newest matches first straight from the index (rowid order = indexing order ≈ time),
      // so a word in every message still reads only `limit` rows
      `SELECT m.* FROM (SELECT message_id FROM messages_fts WHERE messages_fts MATCH ? ORDER BY rowid DESC LIMIT ?) f
       JOIN messages m ON m.id = f.message_id ORDER BY m.id DESC`,
    )
    this.#likeSearch = db.prepare(
      `SELECT * FROM messages WHERE text LIKE ? ESCAPE '\\' ORDER BY id DESC LIMIT ?`,
    )
  }

  /**
   * false when a message with this id is already stored (a duplicate: nothing changes). `orderKey`
   * is its place in history: its id unless the time it claims is implausible (storeInbound).
   */
  insert(message: MessageRow, orderKey: Uint8Array = message.id): boolean {
    const mentions = message.mentions ?? []
    return (
      this.#insert.run({
        ...message,
        orderKey,
        replyTo: message.replyTo ?? null,
        mentionsJson: mentions.length === 0 ? null : JSON.stringify(mentions),
        recalledAt: message.recalledAt ?? null,
      }).changes > 0
    )
  }

  get(id: Uint8Array): MessageRow | undefined {
    const row = this.#get.get(id)
    return row === undefined ? undefined : toMessage(row)
  }

  /** Oldest first: the `limit` newest messages (older than `before` when given). */
  history(conversationId: string, query: HistoryQuery): MessageRow[] {
    const rows =
      query.before === undefined
        ? this.#latest.all(conversationId, query.limit)
        : this.#before.all({ conversationId, before: query.before, limit: query.limit })
    return rows.map(toMessage)
  }

  /**
   * Moves a message forward to `state` (never back), and records the path that carried it if none
   * is recorded yet (a receipt can overtake the ack); true when anything changed.
   */
  advance(id: Uint8Array, state: MessageState, path: PathName | null = null): boolean {
    return this.#advance.run({ id, state, path }).changes > 0
  }

  /**
   * Marks a message of mine that can never be delivered as failed, with the reason; true when it
   * changed (one already delivered somewhere, or failed, stays as it is).
   */
  fail(id: Uint8Array, reason: string): boolean {
    return this.#fail.run({ id, reason }).changes > 0
  }

  /**
   * The text of a recalled message goes, from the row and from the search index, so nothing here
   * can show or find it again; true when it changed (docs/protocol.md §2 "Recall").
   */
  markRecalled(id: Uint8Array, at: number): boolean {
    if (this.#recall.run({ id, at }).changes === 0) return false
    this.#unindex.run(id)
    this.#unpend.run(id)
    return true
  }

  unreadIncoming(conversationId: string): MessageRow[] {
    return this.#unreadIn.all(conversationId).map(toMessage)
  }

  /** Messages stored but not yet in the full-text index (migration 002). */
  pendingIndex(): number {
    return this.#pendingCount.get()?.n ?? 0
  }

  /** Moves pending texts into the full-text index, `batch` at a time; returns how many. */
  flushSearchIndex(batch = 5_000): number {
    let moved = 0
    for (;;) {
      const n = this.#db.transaction(() => {
        this.#indexPending.run(batch)
        return this.#clearPending.run(batch).changes
      })()
      moved += n
      if (n < batch) return moved
    }
  }

  /** Newest first. Any substring matches, case-insensitively for Latin letters. */
  search(text: string, limit: number): MessageRow[] {
    const needle = text.trim()
    if (needle.length === 0) return []
    if ([...needle].length >= FTS_MIN_CHARS) {
      this.flushSearchIndex()
      // one quoted FTS5 string: the whole query is a substring, never FTS syntax
      return this.#ftsSearch.all(`"${needle.replaceAll('"', '""')}"`, limit).map(toMessage)
    }
    const pattern = `%${needle.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    return this.#likeSearch.all(pattern, limit).map(toMessage)
  }
}
