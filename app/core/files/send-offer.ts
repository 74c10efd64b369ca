// One path offered (docs/protocol.md §10 "In the app"): hashed (and, with the LAN node running,
// entered in its offer table for every member, so any of them may pull it over the LAN), its
// `file offer` envelope built and queued with its file message (offer-rows.ts). With `remote`,
// the members the LAN does not reach, the offer to them waits for the relay blob (§12), whose
// upload is recorded here before anything is sent.
import { newMessageId, type EnvelopeOf } from '../../../shared/envelope.js'
import type { Store } from '../store/index.js'
import type { FileService } from './file-service.js'
import { queueOffer, type OfferTarget } from './offer-rows.js'
import { prepareOffer } from './prepare-offer.js'
import type { RelayTransfers } from './relay-transfers.js'

export interface SendOfferInit {
  store: Store
  me: string
  now: () => number
  relay: RelayTransfers
  files: FileService | undefined
}

/** Returns the new transfer's id and its file message's. */
export async function sendOffer(
  init: SendOfferInit,
  target: OfferTarget,
  members: readonly string[],
  remote: readonly string[] | undefined,
  path: string,
): Promise<{ transferId: Uint8Array; messageId: Uint8Array }> {
  const prepared =
    init.files === undefined
      ? await prepareOffer(path)
      : await init.files.offer(members.join(' '), path)
  const at = init.now()
  const envelope: EnvelopeOf<'file-offer'> = {
    id: newMessageId(at),
    sender: init.me,
    to: 'peer' in target ? { peer: target.peer } : { group: target.group },
    sentAt: at,
    kind: 'file-offer',
    file: prepared.offer,
  }
  const held =
    remote === undefined
      ? undefined
      : { recipients: remote, onHold: () => init.relay.begin(prepared, path, [...remote]) }
  queueOffer(init.store, envelope, target, held)
  return { transferId: prepared.offer.transferId!, messageId: envelope.id }
}
