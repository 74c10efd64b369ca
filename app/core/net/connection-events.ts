// libp2p's connection events, as the LAN path reads them (lan-network.ts, docs/protocol.md §6):
// a new connection is greeted and counts as traffic for the idle closer; a closed one may end
// the peer's online state and, when it was not our own idle close, asks mDNS whether the peer is
// still there (RFC 6762 §10.4); identify tells where the peer listens, for a later dial.
import type { Libp2p, PeerId } from '@libp2p/interface'

export interface ConnectionHandlers {
  connected(remote: PeerId): void
  disconnected(peerId: string): void
  listening(peerId: string, addresses: string[]): void
}

export function watchConnections(libp2p: Libp2p, me: string, handlers: ConnectionHandlers): void {
  libp2p.addEventListener('peer:connect', (event) => handlers.connected(event.detail))
  libp2p.addEventListener('peer:disconnect', (event) =>
    handlers.disconnected(event.detail.toString()),
  )
  libp2p.addEventListener('peer:identify', (event) => {
    const peerId = event.detail.peerId.toString()
    if (peerId === me) return
    handlers.listening(
      peerId,
      event.detail.listenAddrs.map((a) => a.toString()),
    )
  })
}
