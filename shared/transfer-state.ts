// The one list of a file transfer's states (docs/protocol.md §10 "In the app"): offered →
// accepted → transferring ⇄ paused → done; or failed (resumable), declined, cancelled. Read by the
// store (app/core/store/transfers.ts), the transfer service and the API's schemas
// (app/api/methods.ts, which the renderer imports, so the list lives here and not in app/core).
// The store's CHECK constraint (migration 007) is SQL frozen in its migration: a new state needs
// a migration as well as a new entry here.

export const TRANSFER_STATES = [
  'offered',
  'accepted',
  'transferring',
  'paused',
  'done',
  'failed',
  'declined',
  'cancelled',
] as const

export type TransferState = (typeof TRANSFER_STATES)[number]

/** states a transfer never leaves */
export const FINAL_STATES: ReadonlySet<TransferState> = new Set(['done', 'declined', 'cancelled'])
