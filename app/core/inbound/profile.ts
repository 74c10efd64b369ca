// A profile envelope that reached the engine (the paths usually take profiles themselves:
// ProfileService); applied only when newer than the stored one.
import type { KindHandler } from './context.js'

export const profile: KindHandler<'profile'> = (envelope, _via, context) => {
  context.profiles.applyPeer({ peerId: envelope.sender, ...envelope.profile })
}
