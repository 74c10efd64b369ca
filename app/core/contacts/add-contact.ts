// Adding a contact from a link (`pigeon add <link>`): the peer becomes known with the link's name
// as a placeholder, its relay becomes mine if I have none, and its presence is watched there.
import { placeholderProfile } from '../profile.js'
import type { RelayChoice } from '../relay/setting.js'
import type { RelaySlot } from '../relay/slot.js'
import type { Store } from '../store/index.js'
import { parseContactLink } from './link.js'

export interface AddContactInit {
  store: Store
  relay: RelaySlot
  relayChoice: RelayChoice
}

/** Returns the contact's PeerId; throws CONTACT_LINK_INVALID / RELAY_URL_INVALID. */
export async function addContact(init: AddContactInit, text: string): Promise<string> {
  const link = parseContactLink(text)
  if (init.store.peers.get(link.peerId) === undefined)
    init.store.peers.applyProfile(placeholderProfile(link.peerId, link.name))
  // no relay of my own yet: the contact's relay is the one place we can both reach
  if (link.relay !== undefined) await init.relayChoice.adopt(link.relay)
  init.relay.watch([link.peerId])
  return link.peerId
}
