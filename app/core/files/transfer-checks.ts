// The questions transfers.ts asks of a stored transfer row before acting on it: does it exist,
// is it one offered to me and in a state that allows the action, does its offer name a relay
// blob (docs/protocol.md §12) or only the LAN pull (§11). Each refusal is a code and a sentence.
import { decodeEnvelope } from '../../../shared/envelope.js'
import { PigeonError } from '../../../shared/errors.js'
import type { TransferRow, TransferState } from '../store/index.js'
import { hex } from './transfer-progress.js'

export function knownTransfer(row: TransferRow | undefined, id: Uint8Array): TransferRow {
  if (row === undefined)
    throw new PigeonError(
      'FILE_TRANSFER_UNKNOWN',
      `No transfer ${hex(id)}; see \`pigeon transfers\`.`,
    )
  return row
}

/** A transfer offered to me, in one of `states` (else FILE_TRANSFER_STATE: only `what`). */
export function incomingIn(
  row: TransferRow,
  states: readonly TransferState[],
  what: string,
): TransferRow {
  if (row.direction !== 'in')
    throw new PigeonError(
      'FILE_TRANSFER_STATE',
      `Transfer ${hex(row.id)} is one you sent; only its receiver can do that.`,
    )
  if (!states.includes(row.state))
    throw new PigeonError(
      'FILE_TRANSFER_STATE',
      `Transfer ${hex(row.id)} is ${row.state}; only ${what}.`,
    )
  return row
}

/** whether the offer I received names a relay blob (it is downloaded from the relay) */
export function isBlobOffer(row: TransferRow): boolean {
  const envelope = decodeEnvelope(row.offer)
  return envelope.kind === 'file-offer' && envelope.file.blobId !== undefined
}

/** whether the offer went to a group (its row's peer is the group id) */
export function isGroupOffer(row: TransferRow): boolean {
  return 'group' in decodeEnvelope(row.offer).to
}

/** the peer or the relay went away (or is not back yet): the transfer runs again when reachable */
export function isRetryable(
  row: TransferRow,
  error: unknown,
  isOnline: (peerId: string) => boolean,
): boolean {
  const code = (error as PigeonError).code
  if (code === 'RELAY_UNREACHABLE' || code === 'PEER_UNREACHABLE') return true
  return row.direction === 'in' && !isBlobOffer(row) && !isOnline(row.peer)
}
