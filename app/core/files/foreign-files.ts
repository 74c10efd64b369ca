// The files of peers that are not Pigeon peers (docs/protocol.md §15 "Files"): an IP Messenger
// user has no /pigeon/file/1.0.0 (§11) and no relay blob (§12), so its transfers move by its own
// protocol, which the IPMsg bridge speaks (app/core/legacy/ipmsg-transfers.ts). Everything else —
// the transfer row, the file message, accept, decline, progress, retry — is the same as for a
// Pigeon peer (transfers.ts); this is the one seam the two paths differ at.
import { encodeEnvelope, type Envelope, type FileOfferBody } from '../../../shared/envelope.js'
import { PigeonError } from '../../../shared/errors.js'
import { isLegacyPeerId } from '../legacy/legacy-id.js'
import type { FileCloseOutcome } from './file-frames.js'

export interface ForeignReceive {
  peer: string
  transferId: Uint8Array
  offer: FileOfferBody
  targetDir: string
  signal: AbortSignal
  onProgress: (bytesDone: number) => void
}

export interface ForeignFiles {
  /** records my offer of `sourcePath` to `peer`, to be served once its envelope goes out */
  offer(peer: string, offer: FileOfferBody, sourcePath: string): void
  /** pulls an offer I accepted into targetDir; the item's final path */
  receive(request: ForeignReceive): Promise<{ path: string }>
  /** best effort: tell the sender I declined or cancelled (nothing is said for done) */
  close(peer: string, transferId: Uint8Array, outcome: FileCloseOutcome): void
  /** mine, cancelled: served no more */
  withdraw(transferId: Uint8Array): void
}

/**
 * The foreign transfer path for `peer`, undefined for a Pigeon peer; PEER_UNREACHABLE for a
 * legacy peer while the bridge is off (the transfer waits, like one whose sender went away).
 */
export function foreignFor(
  peer: string,
  foreign: (() => ForeignFiles | undefined) | undefined,
): ForeignFiles | undefined {
  if (!isLegacyPeerId(peer)) return undefined
  const files = foreign?.()
  if (files === undefined)
    throw new PigeonError(
      'PEER_UNREACHABLE',
      'The IP Messenger bridge is off, so files cannot move to or from IP Messenger users; turn it on with `pigeon start --ipmsg`.',
    )
  return files
}

/**
 * The offer envelope as a transfer row keeps it (offer-rows.ts): envelopes name their parties by
 * Ed25519 key (docs/protocol.md §2), which a legacy user has none of, so the legacy party is
 * written as the other one (me); the row's `peer` column is who it really is.
 */
export function storableOffer(envelope: Envelope): Uint8Array {
  const to = 'peer' in envelope.to ? envelope.to.peer : undefined
  if (isLegacyPeerId(envelope.sender) && to !== undefined)
    return encodeEnvelope({ ...envelope, sender: to })
  if (to !== undefined && isLegacyPeerId(to))
    return encodeEnvelope({ ...envelope, to: { peer: envelope.sender } })
  return encodeEnvelope(envelope)
}
