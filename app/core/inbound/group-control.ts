// A signed group change (docs/protocol.md §8). Through the relay, the sender keeps the change
// queued until it hears it arrived, so it gets a receipt back.
import type { KindHandler } from './context.js'

export const groupControl: KindHandler<'group-control'> = async (envelope, via, context) => {
  await context.groups.acceptControl(envelope)
  if (via === 'relay') {
    context.store.receiptRelayedControl(envelope.sender, envelope.id, context.now())
    context.kick(envelope.sender)
  }
}
