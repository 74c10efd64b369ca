// Transfers, incoming and outgoing (schema 7): one row per offered file or folder, its state and
// how far it got. The state only changes through TransferService (app/core/files/transfers.ts).
import type { Database, Statement } from 'better-sqlite3'
import type { TransferState } from '../../../shared/transfer-state.js'

export {
  FINAL_STATES,
  TRANSFER_STATES,
  type TransferState,
} from '../../../shared/transfer-state.js'

export interface TransferRow {
  id: Uint8Array
  messageId: Uint8Array
  peer: string
  direction: 'in' | 'out'
  name: string
  size: number
  bytesDone: number
  state: TransferState
  targetPath: string | null
  error: string | null
  /** the encoded `file offer` envelope (docs/protocol.md §2) */
  offer: Uint8Array
  createdAt: number
  updatedAt: number
}

interface TransferSql {
  id: Uint8Array
  message_id: Uint8Array
  peer: string
  direction: 'in' | 'out'
  name: string
  size: number
  bytes_done: number
  state: TransferState
  target_path: string | null
  error: string | null
  offer: Uint8Array
  created_at: number
  updated_at: number
}

function toTransfer(row: TransferSql): TransferRow {
  return {
    id: new Uint8Array(row.id),
    messageId: new Uint8Array(row.message_id),
    peer: row.peer,
    direction: row.direction,
    name: row.name,
    size: row.size,
    bytesDone: row.bytes_done,
    state: row.state,
    targetPath: row.target_path,
    error: row.error,
    offer: new Uint8Array(row.offer),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  }
}

export type TransferChange = Partial<
  Pick<TransferRow, 'state' | 'bytesDone' | 'targetPath' | 'error'>
>

export class TransferRepo {
  readonly #add: Statement<[Record<string, unknown>]>
  readonly #get: Statement<[Uint8Array], TransferSql>
  readonly #byMessage: Statement<[Uint8Array], TransferSql>
  readonly #all: Statement<[], TransferSql>
  readonly #inState: Statement<[string], TransferSql>
  readonly #update: Statement<[Record<string, unknown>]>

  constructor(db: Database) {
    this.#add = db.prepare(
      `INSERT INTO transfers (id, message_id, peer, direction, name, size, bytes_done, state, target_path, error, offer, created_at, updated_at)
       VALUES (@id, @messageId, @peer, @direction, @name, @size, 0, @state, NULL, NULL, @offer, @at, @at)
       ON CONFLICT DO NOTHING`,
    )
    this.#get = db.prepare('SELECT * FROM transfers WHERE id = ?')
    this.#byMessage = db.prepare('SELECT * FROM transfers WHERE message_id = ?')
    this.#all = db.prepare('SELECT * FROM transfers ORDER BY created_at, message_id')
    this.#inState = db.prepare(
      'SELECT * FROM transfers WHERE state = ? ORDER BY created_at, message_id',
    )
    this.#update = db.prepare(
      `UPDATE transfers SET state = coalesce(@state, state), bytes_done = coalesce(@bytesDone, bytes_done),
         target_path = coalesce(@targetPath, target_path), error = @error, updated_at = @at WHERE id = @id`,
    )
  }

  /** false when a transfer with that id is stored already (the same offer again) */
  add(
    row: Pick<
      TransferRow,
      'id' | 'messageId' | 'peer' | 'direction' | 'name' | 'size' | 'state' | 'offer'
    >,
    at: number,
  ): boolean {
    return this.#add.run({ ...row, at }).changes > 0
  }

  get(id: Uint8Array): TransferRow | undefined {
    const row = this.#get.get(id)
    return row === undefined ? undefined : toTransfer(row)
  }

  byMessage(messageId: Uint8Array): TransferRow | undefined {
    const row = this.#byMessage.get(messageId)
    return row === undefined ? undefined : toTransfer(row)
  }

  all(): TransferRow[] {
    return this.#all.all().map(toTransfer)
  }

  inState(state: TransferState): TransferRow[] {
    return this.#inState.all(state).map(toTransfer)
  }

  /** error is cleared unless given; the other fields keep their value unless given */
  update(id: Uint8Array, change: TransferChange, at: number): TransferRow | undefined {
    this.#update.run({
      id,
      state: change.state ?? null,
      bytesDone: change.bytesDone ?? null,
      targetPath: change.targetPath ?? null,
      error: change.error ?? null,
      at,
    })
    return this.get(id)
  }
}
