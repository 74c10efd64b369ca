/**
 * @packageDocumentation
 *
 * Pigeon's LAN network layer: a libp2p node (TCP + Noise + yamux, identify, ping) that lists
 * other Pigeon users by their signed mDNS records the moment it starts, with no connection, and
 * delivers envelopes to them directly over `/pigeon/chat/1.0.0` (connected on first use, closed
 * when idle; docs/protocol.md §16), acked once the receiver has stored them. It is the router's `lan`
 * {@link DeliveryPath} (app/core/delivery.ts), plus peer profiles and online state.
 *
 * @example
 *
 * ```TypeScript
 * import { createLanNetwork } from './net/index.js'
 *
 * const lan = createLanNetwork({
 *   identity,                                   // shared/identity.ts, from the data dir
 *   listenPort: settings.lanPort ?? 0,          // remembered; a taken port falls back to a free one
 *   mdns: true,                                 // false in tests in the root namespace
 *   profile: { name: 'Ada', color: 0x3366ff, status: 'online' },
 *   logger,                                     // pino (app/core/log.ts), a child: warns on refused frames
 * })
 * lan.onInbound(async (envelope) => store.saveInbound(envelope))  // resolve = stored = acked
 * lan.on('peer:online', ({ peerId, addresses }) => store.rememberPeer(peerId, addresses))
 * lan.on('peer:offline', ({ peerId }) => ui.offline(peerId))
 * lan.on('profile', (profile) => store.saveProfile(profile))
 * await lan.start()
 * settings.lanPort = lan.listenPort
 *
 * for (const known of store.knownPeers()) lan.dialKnown(known.peerId, known.addresses).catch(() => {})
 * await lan.deliver(peerId, envelope)            // rejects PigeonError PEER_UNREACHABLE | DELIVERY_TIMEOUT | DELIVERY_REFUSED
 * await lan.setProfile({ name: 'Ada', color: 0x3366ff, status: 'away' })
 * await lan.stop()                               // closes every connection: the others see us go offline
 * ```
 *
 * Wire format of `/pigeon/chat/1.0.0` (for docs/protocol.md): see framing.ts.
 */
import { LanNetwork, type LanNetworkInit } from './lan-network.js'

export { LanNetwork, type LanEvents, type LanNetworkInit, type LanPeer } from './lan-network.js'
export { CHAT_PROTOCOL, DEFAULT_CHAT_LIMITS, type ChatLimits } from './chat-service.js'
export { PIGEON_MDNS_SERVICE, type MdnsOptions } from './node.js'

/** Creates the LAN network; nothing listens or multicasts until `start()`. */
export function createLanNetwork(init: LanNetworkInit): LanNetwork {
  return new LanNetwork(init)
}
