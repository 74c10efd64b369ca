// The known-peer cache: peers seen in earlier runs (and `--connect` ones) are dialled at start,
// so a LAN without multicast (or a peer in another subnet) still comes back after a restart.
import type { Logger } from 'pino'
import { PigeonError } from '../../shared/errors.js'
import type { LanNetwork } from '../core/net/index.js'
import type { Store } from '../core/store/index.js'
import { errorText } from '../core/log.js'

/** Throws PEER_ID_INVALID for a `--connect` address without /p2p/<PeerId> (before dialling any). */
export function dialKnownPeers(
  lan: LanNetwork,
  store: Store,
  connect: string[],
  log: Logger,
): void {
  const targets = new Map<string, string[]>()
  for (const peer of store.peers.list()) {
    if (peer.addresses.length > 0) targets.set(peer.peerId, peer.addresses)
  }
  for (const address of connect) {
    const peerId = /\/p2p\/([^/]+)$/.exec(address)?.[1]
    if (peerId === undefined) {
      throw new PigeonError(
        'PEER_ID_INVALID',
        `--connect needs a multiaddr ending in /p2p/<PeerId>; "${address}" has none.`,
      )
    }
    targets.set(peerId, [address, ...(targets.get(peerId) ?? [])])
  }
  for (const [peerId, addresses] of targets) {
    lan
      .dialKnown(peerId, addresses)
      .catch((error: unknown) =>
        log.debug({ peerId, err: errorText(error) }, 'known peer not reachable'),
      )
  }
}
