// The node's services beyond the engine, for the local API (app/api/local.ts NodeServices): the
// relay that can be set or switched off at run time, contacts beyond the LAN, my contact link,
// and `pigeon doctor`. Wired here, in the composition root, from parts that know nothing of
// each other.
import type { Identity } from '../../shared/identity.js'
import type { ContactLinkView, DoctorFinding, RelayStatusView } from '../api/contract.js'
import type { NodeServices } from '../api/local.js'
import { contactLinkQr, formatContactLink, parseContactLink } from '../core/contacts/link.js'
import { runDoctor } from '../core/doctor/index.js'
import type { Messenger } from '../core/messenger.js'
import { defaultColor } from '../core/profile.js'
import type { RelayStatus } from '../core/relay/link.js'
import type { RelaySlot } from '../core/relay/slot.js'
import { parseRelayAddress } from '../core/relay/url.js'
import type { Store } from '../core/store/index.js'

export const SETTING_RELAY = 'relayUrl'

export interface NodeServicesInit {
  identity: Identity
  store: Store
  messenger: Messenger
  relay: RelaySlot
  mdns: boolean
}

export function relayStatusView(status: RelayStatus): RelayStatusView {
  return { state: status.state, url: status.url ?? null, lastError: status.lastError ?? null, retryAt: status.retryAt ?? null }
}

export function createNodeServices(init: NodeServicesInit): NodeServices {
  const { identity, store, messenger, relay } = init
  return {
    relayStatus: () => relayStatusView(relay.status()),

    async setRelay(url) {
      const status = await relay.setAddress(url ?? undefined)
      store.settings.set(SETTING_RELAY, url === null ? null : (relay.url ?? url))
      return relayStatusView(status)
    },

    async addContact(text) {
      const link = parseContactLink(text)
      if (store.peers.get(link.peerId) === undefined) {
        // the name in a link is only a hint until the peer's own signed profile arrives (version ≥ 1)
        store.peers.applyProfile({ peerId: link.peerId, name: link.name ?? '', color: defaultColor(link.peerId), status: 'online', version: 0 })
      }
      if (link.relay !== undefined && relay.url === undefined) {
        // no relay of my own yet: the contact's relay is the one place we can both reach
        await relay.setAddress(link.relay)
        store.settings.set(SETTING_RELAY, link.relay)
      }
      relay.watch([link.peerId])
      return link.peerId
    },

    async myLink(): Promise<ContactLinkView> {
      const link = formatContactLink({ peerId: identity.peerId, name: messenger.me().name, relay: relay.url })
      return { link, qr: await contactLinkQr(link) }
    },

    async doctor(peerId): Promise<DoctorFinding[]> {
      const peer = peerId === undefined ? undefined : messenger.peer(peerId)
      const url = relay.url
      return await runDoctor({
        identity,
        mdns: init.mdns,
        relay: url === undefined ? undefined : { address: parseRelayAddress(url), connected: relay.status().state === 'connected' },
        peer:
          peerId === undefined
            ? undefined
            : { peerId, name: peer?.name ?? undefined, online: peer?.online ?? [], addresses: peer?.addresses ?? [], lastSeen: peer?.lastSeen ?? undefined },
      })
    },

    onRelayStatus(listener) {
      const forward = (status: RelayStatus): void => listener(relayStatusView(status))
      relay.on('status', forward)
      return () => relay.off('status', forward)
    },
  }
}
