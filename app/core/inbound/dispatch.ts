// Every envelope a path hands the engine passes here: refused while the node stops, refused for
// good when it is not mine (the LAN NACKs it with reason 5, docs/protocol.md §6), then handed to
// the handler of its kind. A new kind is one file in this folder and one line in HANDLERS.
import type { Envelope, Kind } from '../../../shared/envelope.js'
import { PigeonError } from '../../../shared/errors.js'
import type { InboundHandler, PathName } from '../delivery.js'
import type { InboundContext, KindHandler } from './context.js'
import { fileOffer } from './file-offer.js'
import { groupControl } from './group-control.js'
import { profile } from './profile.js'
import { recall } from './recall.js'
import { receipt } from './receipt.js'
import { text } from './text.js'
import { typing } from './typing.js'

type Handlers = { [K in Kind]?: KindHandler<K> }

const HANDLERS: Handlers = {
  text,
  'file-offer': fileOffer,
  receipt,
  'group-control': groupControl,
  profile,
  typing,
  recall,
}

export interface InboundDispatchInit {
  /** my PeerId */
  me: string
  context: InboundContext
  running: () => boolean
  /** hearing from a peer means it is reachable: what waits for it is due now */
  heardFrom: (peerId: string) => void
}

export function inboundDispatcher(init: InboundDispatchInit): InboundHandler {
  return async (envelope: Envelope, via: PathName): Promise<void> => {
    if (!init.running()) throw new PigeonError('DELIVERY_REFUSED', 'This node is shutting down.')
    const sender = envelope.sender
    const groupId = 'group' in envelope.to ? envelope.to.group : undefined
    const forMe =
      groupId !== undefined
        ? envelope.kind === 'text' ||
          envelope.kind === 'group-control' ||
          envelope.kind === 'file-offer' ||
          envelope.kind === 'recall'
        : 'peer' in envelope.to && envelope.to.peer === init.me
    if (!forMe) {
      const to = groupId === undefined ? 'someone else' : `group ${groupId}`
      // permanent (DELIVERY_REJECTED): no retry makes it mine
      throw new PigeonError(
        'DELIVERY_REJECTED',
        `Envelope ${envelope.kind} from ${sender} is addressed to ${to}, not to me.`,
      )
    }
    if (sender === init.me) return
    init.heardFrom(sender)
    const handler = HANDLERS[envelope.kind] as KindHandler<Kind> | undefined
    if (handler === undefined) {
      init.context.log.warn(`ignored a ${envelope.kind} envelope from ${sender}`)
      return
    }
    await handler(envelope as never, via, init.context)
  }
}
