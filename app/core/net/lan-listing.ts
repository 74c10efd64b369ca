// What the mDNS roster's verdicts do to the LAN's peer table (docs/protocol.md §16): a listed
// peer is online with the profile its signed TXT claims, and reachable at the addresses of the
// sightings whose TXT checked out; an unlisted one loses those addresses.
import type { Multiaddr } from '@multiformats/multiaddr'
import type { PeerProfile } from '../delivery.js'
import type { Logger } from '../log.js'
import { MdnsRoster } from './mdns-roster.js'
import type { PeerTable } from './peer-table.js'

export interface ListingHooks {
  /** a profile claimed by a valid TXT record (the higher version wins, as for envelopes) */
  profile: (profile: PeerProfile) => void
  /** the peer's listed flag changed: tell whoever listens whether it is online now */
  visibility: (peerId: string) => void
  /** a sighting whose TXT checked out, with its addresses */
  seen: (peerId: string, multiaddrs: Multiaddr[]) => void
  /** one reconfirmation query (PigeonMdns.reconfirm) */
  query: (peerId: string) => void
  logger: Logger
}

export function listingRoster(table: PeerTable, hooks: ListingHooks): MdnsRoster {
  return new MdnsRoster({
    onListed: (peerId, profile) => {
      table.stateOf(peerId).listed = true
      hooks.profile({ peerId, ...profile })
      hooks.visibility(peerId)
    },
    onUnlisted: (peerId) => {
      const state = table.stateOf(peerId)
      state.listed = false
      state.mdnsAddresses = [] // no longer a way to reach it (canReach)
      hooks.visibility(peerId)
    },
    onSeen: (sighting) => {
      const state = table.stateOf(sighting.peerId)
      if (sighting.multiaddrs.length > 0) {
        state.mdnsAddresses = sighting.multiaddrs.map((a) => a.toString())
        hooks.seen(sighting.peerId, sighting.multiaddrs)
      }
      state.seenAt = Date.now()
      hooks.visibility(sighting.peerId) // a sign of life after a failed delivery
    },
    query: hooks.query,
    logger: hooks.logger,
  })
}
