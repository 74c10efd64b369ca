// A file or folder offered to me (docs/protocol.md §10): stored as a transfer in state 'offered'
// with a file message in the conversation; nothing is pulled until I accept it.
import type { KindHandler } from './context.js'

export const fileOffer: KindHandler<'file-offer'> = (envelope, via, context) => {
  context.transfers.offered(envelope, via)
}
