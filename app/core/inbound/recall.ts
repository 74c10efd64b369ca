// A recall (docs/protocol.md §2 "Recall"): the sender takes back one of its texts. The window
// and the sender are checked in store/recalls.ts; a relayed recall is receipted, so the sender's
// outbox row for it ends (the LAN ack does that on the LAN).
import { applyRecall } from '../store/recalls.js'
import type { KindHandler } from './context.js'

export const recall: KindHandler<'recall'> = (envelope, via, context) => {
  const { store, now, events, kick } = context
  const groupId = 'group' in envelope.to ? envelope.to.group : undefined
  const changed = applyRecall(
    store,
    { sender: envelope.sender, id: envelope.recall.id, sentAt: envelope.sentAt, groupId },
    now(),
  )
  if (via === 'relay') {
    store.receiptRelayedControl(envelope.sender, envelope.recall.id, now())
    kick(envelope.sender)
  }
  if (changed === undefined) return
  events.state(changed)
  events.conversation(changed.conversationId)
}
