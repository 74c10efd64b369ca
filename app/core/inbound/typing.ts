// Typing flags are passed on to the hosts, never stored.
import type { KindHandler } from './context.js'

export const typing: KindHandler<'typing'> = (envelope, _via, context) => {
  context.events.typing(envelope.sender, envelope.typing)
}
