// What every inbound handler may use (app/core/inbound/<kind>.ts): the parts of the engine an
// envelope of that kind changes, nothing of the path it came by except its name.
import type { EnvelopeOf, Kind } from '../../../shared/envelope.js'
import type { PathName } from '../delivery.js'
import type { EngineEvents } from '../engine-events.js'
import type { TransferService } from '../files/transfers.js'
import type { GroupService } from '../groups/group-service.js'
import type { Logger } from '../log.js'
import type { ProfileService } from '../profile-service.js'
import type { Store } from '../store/index.js'
import type { InboundTexts } from './inbound-texts.js'

export interface InboundContext {
  /** my PeerId (a text that mentions it counts for the @ badge) */
  me: string
  store: Store
  now: () => number
  groups: GroupService
  texts: InboundTexts
  profiles: ProfileService
  events: EngineEvents
  transfers: TransferService
  /** something was queued for `recipient` (a receipt, an ack of a relayed change) */
  kick: (recipient: string) => void
  /** the engine's logger (app/core/log.ts) */
  log: Logger
}

/** Handles one envelope of kind K; resolves once what it changed is stored (delivery.ts). */
export type KindHandler<K extends Kind> = (
  envelope: EnvelopeOf<K>,
  via: PathName,
  context: InboundContext,
) => void | Promise<void>
