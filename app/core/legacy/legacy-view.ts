// What a peer view says of a legacy peer (app/api/local.ts; docs/protocol.md §15): that it is one,
// its host (from its id, so also while it is away), and its group and address while the bridge
// hears it. Nothing is added to a Pigeon peer's view.
import type { LegacyPeerInfo } from './ipmsg-bridge.js'
import { parseLegacyPeerId } from './legacy-id.js'

export type LegacyPeerLookup = (peerId: string) => LegacyPeerInfo | undefined

export function legacyFields(
  peerId: string,
  lookup: LegacyPeerLookup | undefined,
): { legacy?: true; host?: string; group?: string; address?: string } {
  const id = parseLegacyPeerId(peerId)
  if (id === undefined) return {}
  const now = lookup?.(peerId)
  return {
    legacy: true,
    host: id.host,
    ...(now === undefined ? {} : { group: now.group, address: now.address }),
  }
}
