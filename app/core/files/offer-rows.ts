// The store rows of an offer (docs/protocol.md §10 "In the app"), written in one transaction: a
// file message in the conversation and a transfer row holding the encoded `file offer` envelope —
// for one I send, queued in the outbox like a text (or held back until its relay blob is up);
// for one I received, stored once (a repeated offer changes nothing).
import type { Envelope, EnvelopeOf } from '../../../shared/envelope.js'
import type { PathName } from '../delivery.js'
import type { Store } from '../store/index.js'
import { storableOffer } from './foreign-files.js'

/** whom an offer of mine is for: a peer, or a group's members (each gets its own outbox row) */
export type OfferTarget = { peer: string } | { group: string; members: readonly string[] }

/**
 * My offer; `held`: the outbox rows of these recipients wait (the caller queues them once the
 * blob is up). The transfer row's peer is the peer, or the group id.
 */
export function queueOffer(
  store: Store,
  envelope: EnvelopeOf<'file-offer'>,
  target: OfferTarget,
  held: { recipients: readonly string[]; onHold: () => void } | undefined,
): void {
  const { file } = envelope
  const base = { id: envelope.id, sender: envelope.sender, sentAt: envelope.sentAt }
  const message = { ...base, text: file.name, kind: 'file' as const }
  store.transaction(() => {
    if ('peer' in target) store.queueOutgoing({ ...message, recipient: target.peer }, base.sentAt)
    else store.queueGroupText({ ...message, groupId: target.group }, target.members, base.sentAt)
    if (held !== undefined) {
      for (const recipient of held.recipients) store.outbox.removeText(envelope.id, recipient)
      held.onHold()
    }
    store.transfers.add(
      {
        id: file.transferId!,
        messageId: envelope.id,
        peer: 'peer' in target ? target.peer : target.group,
        direction: 'out',
        name: file.name,
        size: file.size,
        state: held === undefined ? 'offered' : 'transferring',
        offer: storableOffer(envelope as Envelope),
      },
      base.sentAt,
    )
  })
}

/** An offer that arrived; false when it was stored already. */
export function storeOffer(
  store: Store,
  envelope: EnvelopeOf<'file-offer'>,
  via: PathName,
  at: number,
): boolean {
  return store.transaction(() => {
    const { inserted } = store.storeInbound(
      {
        id: envelope.id,
        sender: envelope.sender,
        sentAt: envelope.sentAt,
        text: envelope.file.name,
        kind: 'file',
        groupId: 'group' in envelope.to ? envelope.to.group : undefined,
      },
      via,
      at,
    )
    if (!inserted) return false
    return store.transfers.add(
      {
        id: envelope.file.transferId!,
        messageId: envelope.id,
        peer: envelope.sender,
        direction: 'in',
        name: envelope.file.name,
        size: envelope.file.size,
        state: 'offered',
        offer: storableOffer(envelope),
      },
      at,
    )
  })
}
