// The store rows of an offer (docs/protocol.md §10 "In the app"), written in one transaction: a
// file message in the conversation and a transfer row holding the encoded `file offer` envelope —
// for one I send, queued in the outbox like a text (or held back until its relay blob is up);
// for one I received, stored once (a repeated offer changes nothing).
import { encodeEnvelope, type Envelope, type EnvelopeOf } from '../../../shared/envelope.js'
import type { PathName } from '../delivery.js'
import type { Store } from '../store/index.js'

/** My offer to `peer`; `held`: its outbox row waits (queued by the caller once the blob is up). */
export function queueOffer(
  store: Store,
  envelope: EnvelopeOf<'file-offer'>,
  peer: string,
  held: { onHold: () => void } | undefined,
): void {
  const { file } = envelope
  store.transaction(() => {
    store.queueOutgoing(
      {
        id: envelope.id,
        sender: envelope.sender,
        recipient: peer,
        sentAt: envelope.sentAt,
        text: file.name,
        kind: 'file',
      },
      envelope.sentAt,
    )
    if (held !== undefined) {
      store.outbox.removeText(envelope.id, peer)
      held.onHold()
    }
    store.transfers.add(
      {
        id: file.transferId!,
        messageId: envelope.id,
        peer,
        direction: 'out',
        name: file.name,
        size: file.size,
        state: held === undefined ? 'offered' : 'transferring',
        offer: encodeEnvelope(envelope as Envelope),
      },
      envelope.sentAt,
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
        offer: encodeEnvelope(envelope),
      },
      at,
    )
  })
}
