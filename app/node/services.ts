// The node's services beyond the engine, for the local API (app/api/local.ts NodeServices): the
// relay that can be set or switched off at run time, contacts beyond the LAN, my contact link,
// and `pigeon doctor`. Only the wiring is here; what each one does lives in app/core.
import type { Identity } from '../../shared/identity.js'
import type { ContactLinkView, DoctorFinding, RelayStatusView } from '../api/contract.js'
import type { NodeServices } from '../api/local.js'
import { addContact } from '../core/contacts/add-contact.js'
import { contactLinkQr, formatContactLink } from '../core/contacts/link.js'
import { runDoctor } from '../core/doctor/index.js'
import type { Messenger } from '../core/messenger.js'
import type { RelayStatus } from '../core/relay/link.js'
import type { RelayChoice } from '../core/relay/setting.js'
import type { RelaySlot } from '../core/relay/slot.js'
import { parseRelayAddress } from '../core/relay/url.js'
import type { Store } from '../core/store/index.js'

export interface NodeServicesInit {
  identity: Identity
  store: Store
  messenger: Messenger
  relay: RelaySlot
  relayChoice: RelayChoice
  mdns: boolean
}

export function relayStatusView(status: RelayStatus): RelayStatusView {
  return {
    state: status.state,
    url: status.url ?? null,
    lastError: status.lastError ?? null,
    retryAt: status.retryAt ?? null,
  }
}

export function createNodeServices(init: NodeServicesInit): NodeServices {
  const { identity, messenger, relay, relayChoice } = init
  return {
    relayStatus: () => relayStatusView(relay.status()),

    setRelay: async (url) => relayStatusView(await relayChoice.set(url ?? undefined)),

    addContact: (text) => addContact(init, text),

    async myLink(): Promise<ContactLinkView> {
      const link = formatContactLink({
        peerId: identity.peerId,
        name: messenger.me().name,
        relay: relay.url,
      })
      return { link, qr: await contactLinkQr(link) }
    },

    async doctor(peerId): Promise<DoctorFinding[]> {
      const peer = peerId === undefined ? undefined : messenger.peer(peerId)
      const url = relay.url
      return await runDoctor({
        identity,
        mdns: init.mdns,
        relay:
          url === undefined
            ? undefined
            : { address: parseRelayAddress(url), connected: relay.status().state === 'connected' },
        peer:
          peerId === undefined
            ? undefined
            : {
                peerId,
                name: peer?.name ?? undefined,
                online: peer?.online ?? [],
                addresses: peer?.addresses ?? [],
                lastSeen: peer?.lastSeen ?? undefined,
              },
      })
    },

    onRelayStatus(listener) {
      const forward = (status: RelayStatus): void => listener(relayStatusView(status))
      relay.on('status', forward)
      return () => relay.off('status', forward)
    },
  }
}
