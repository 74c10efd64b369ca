// A receipt moves my messages to that peer forward (never back: store applyReceipt).
import type { KindHandler } from './context.js'

export const receipt: KindHandler<'receipt'> = (envelope, _via, context) => {
  for (const message of context.store.applyReceipt(envelope.sender, envelope.ids, envelope.state))
    context.events.state(message)
}
