// The outbox: what still has to reach someone. Rows survive a crash; each recipient's rows are
// delivered strictly in seq order, so one peer's queue never reorders.
import type { Database, Statement } from 'better-sqlite3'
import type { OutboxKind, OutboxRow, ReceiptState } from './types.js'

interface OutboxSql {
  seq: number
  message_id: Uint8Array
  recipient: string
  kind: OutboxKind
  receipt_state: ReceiptState | null
  attempts: number
  next_attempt_at: number
  relayed_at: number | null
}

function toOutbox(row: OutboxSql): OutboxRow {
  return {
    seq: row.seq,
    messageId: new Uint8Array(row.message_id),
    recipient: row.recipient,
    kind: row.kind,
    receiptState: row.receipt_state,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    relayedAt: row.relayed_at,
  }
}

export interface OutboxEntry {
  messageId: Uint8Array
  recipient: string
  kind: OutboxKind
  receiptState?: ReceiptState
}

export class OutboxRepo {
  readonly #add: Statement<[Record<string, unknown>]>
  readonly #head: Statement<[string, number], OutboxSql>
  readonly #headUnrelayed: Statement<
    [{ recipient: string; before: number; limit: number }],
    OutboxSql
  >
  readonly #markRelayed: Statement<
    [{ seq: number; messageId: Uint8Array; kind: OutboxKind; at: number }]
  >
  readonly #firstRelayed: Statement<[string], { at: number | null }>
  readonly #removeControl: Statement<[Uint8Array, string]>
  readonly #hasReceipt: Statement<[Uint8Array, string, ReceiptState], { n: number }>
  readonly #recipients: Statement<[], { recipient: string; due: number }>
  readonly #remove: Statement<[{ seq: number; messageId: Uint8Array; kind: OutboxKind }]>
  readonly #reschedule: Statement<
    [{ seq: number; messageId: Uint8Array; kind: OutboxKind; attempts: number; at: number }]
  >
  readonly #wake: Statement<[{ recipient: string; at: number }]>
  readonly #count: Statement<[], { n: number }>
  readonly #removeText: Statement<[Uint8Array, string]>
  readonly #removeGroupTexts: Statement<[{ conversation: string; recipient: string | null }]>

  constructor(db: Database) {
    this.#add = db.prepare(
      `INSERT INTO outbox (message_id, recipient, kind, receipt_state, next_attempt_at, created_at)
       VALUES (@messageId, @recipient, @kind, @receiptState, @at, @at) ON CONFLICT DO NOTHING`,
    )
    this.#head = db.prepare('SELECT * FROM outbox WHERE recipient = ? ORDER BY seq LIMIT ?')
    this.#headUnrelayed = db.prepare(
      `SELECT * FROM outbox WHERE recipient = @recipient AND (relayed_at IS NULL OR relayed_at <= @before)
       ORDER BY seq LIMIT @limit`,
    )
    this.#markRelayed = db.prepare(
      `UPDATE outbox SET relayed_at = @at, attempts = 0
       WHERE seq = @seq AND message_id = @messageId AND kind = @kind`,
    )
    this.#firstRelayed = db.prepare(
      'SELECT min(relayed_at) AS at FROM outbox WHERE recipient = ? AND relayed_at IS NOT NULL',
    )
    this.#hasReceipt = db.prepare(
      `SELECT count(*) AS n FROM outbox WHERE message_id = ? AND recipient = ? AND kind = 'receipt' AND receipt_state = ?`,
    )
    this.#removeControl = db.prepare(
      `DELETE FROM outbox WHERE message_id = ? AND recipient = ? AND kind = 'control'`,
    )
    this.#recipients = db.prepare(
      'SELECT recipient, min(next_attempt_at) AS due FROM outbox GROUP BY recipient ORDER BY due',
    )
    // a row is named by seq AND message id AND kind: a seq freed by a delete can be given to a new row
    // (schema 3 has no AUTOINCREMENT) while an attempt on the old row is still in flight
    this.#remove = db.prepare(
      'DELETE FROM outbox WHERE seq = @seq AND message_id = @messageId AND kind = @kind',
    )
    this.#reschedule = db.prepare(
      'UPDATE outbox SET attempts = @attempts, next_attempt_at = @at WHERE seq = @seq AND message_id = @messageId AND kind = @kind',
    )
    this.#wake = db.prepare(
      'UPDATE outbox SET next_attempt_at = @at WHERE recipient = @recipient AND next_attempt_at > @at',
    )
    this.#count = db.prepare('SELECT count(*) AS n FROM outbox')
    this.#removeText = db.prepare(
      `DELETE FROM outbox WHERE message_id = ? AND recipient = ? AND kind = 'text'`,
    )
    this.#removeGroupTexts = db.prepare(
      `DELETE FROM outbox WHERE kind = 'text' AND (@recipient IS NULL OR recipient = @recipient)
         AND message_id IN (SELECT id FROM messages WHERE conversation_id = @conversation AND direction = 'out')`,
    )
  }

  add(entry: OutboxEntry, at: number): boolean {
    const row = { ...entry, receiptState: entry.receiptState ?? null, at }
    return this.#add.run(row).changes > 0
  }

  /** The first `limit` rows of one recipient's queue, in delivery order. */
  head(recipient: string, limit: number): OutboxRow[] {
    return this.#head.all(recipient, limit).map(toOutbox)
  }

  /**
   * Like head(), but without the rows a relay took after `before` (they wait for the recipient's
   * receipt or the LAN): what to hand to the relay now, in delivery order.
   */
  headForRelay(recipient: string, limit: number, before: number): OutboxRow[] {
    return this.#headUnrelayed.all({ recipient, before, limit }).map(toOutbox)
  }

  /** A relay PUBACKed the row: it stays queued, marked, until the recipient confirms it. */
  markRelayed(row: Pick<OutboxRow, 'seq' | 'messageId' | 'kind'>, at: number): void {
    this.#markRelayed.run({ seq: row.seq, messageId: row.messageId, kind: row.kind, at })
  }

  /** When the longest-waiting relayed row of this recipient was relayed; undefined if none is. */
  firstRelayedAt(recipient: string): number | undefined {
    return this.#firstRelayed.get(recipient)?.at ?? undefined
  }

  /** Every recipient with something queued, and when its earliest row is due. */
  recipients(): Array<{ recipient: string; due: number }> {
    return this.#recipients.all()
  }

  remove(row: Pick<OutboxRow, 'seq' | 'messageId' | 'kind'>): void {
    this.#remove.run({ seq: row.seq, messageId: row.messageId, kind: row.kind })
  }

  /** The recipient confirmed it has the message (a receipt overtook the ack): stop sending it. */
  removeText(messageId: Uint8Array, recipient: string): void {
    this.#removeText.run(messageId, recipient)
  }

  /** Whether a receipt for this message is still queued for `recipient`. */
  hasReceipt(messageId: Uint8Array, recipient: string, state: ReceiptState): boolean {
    return (this.#hasReceipt.get(messageId, recipient, state)?.n ?? 0) > 0
  }

  /** The recipient confirmed it has a group change of mine: stop sending it. */
  removeControl(controlId: Uint8Array, recipient: string): void {
    this.#removeControl.run(controlId, recipient)
  }

  /** Stops sending a group's messages to `recipient` (or to anyone, when null). */
  removeGroupTexts(conversationId: string, recipient: string | null): void {
    this.#removeGroupTexts.run({ conversation: conversationId, recipient })
  }

  reschedule(
    row: Pick<OutboxRow, 'seq' | 'messageId' | 'kind'>,
    attempts: number,
    at: number,
  ): void {
    this.#reschedule.run({ seq: row.seq, messageId: row.messageId, kind: row.kind, attempts, at })
  }

  /** The peer was seen: everything queued for it is due now. */
  wake(recipient: string, at: number): void {
    this.#wake.run({ recipient, at })
  }

  size(): number {
    return this.#count.get()?.n ?? 0
  }
}
