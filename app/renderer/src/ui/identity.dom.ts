// Who is who, as the UI shows it: which peers share a display name (they get their host and key
// fingerprint beside it), which address a peer is at, and what the header warns about when a
// name is shared with a contact (docs/protocol.md §14).
import type { PeerView } from '../../../api/contract.js'

const key = (name: string | null): string | undefined => name?.trim().toLowerCase() || undefined

/** For each peer whose name another known peer has too: those others. */
export function nameClashes(peers: ReadonlyMap<string, PeerView>): Map<string, PeerView[]> {
  const byName = new Map<string, PeerView[]>()
  for (const peer of peers.values()) {
    const k = key(peer.name)
    if (k === undefined) continue
    const list = byName.get(k)
    if (list === undefined) byName.set(k, [peer])
    else list.push(peer)
  }
  const clashes = new Map<string, PeerView[]>()
  for (const list of byName.values()) {
    if (list.length < 2) continue
    for (const peer of list)
      clashes.set(
        peer.peerId,
        list.filter((p) => p !== peer),
      )
  }
  return clashes
}

/** The IP address of a peer's first listen address that is not loopback (multiaddr /ip4 or /ip6). */
export function ipOf(peer: Pick<PeerView, 'addresses'>): string | undefined {
  let fallback: string | undefined
  for (const address of peer.addresses) {
    const match = /^\/ip[46]\/([^/]+)/.exec(address)
    if (match?.[1] === undefined) continue
    if (!match[1].startsWith('127.') && match[1] !== '::1') return match[1]
    fallback ??= match[1]
  }
  return fallback
}

/** "hostA · 10.0.0.2", what the list shows under a name; undefined when neither is known. */
export function whereLabel(peer: PeerView): string | undefined {
  const parts = [peer.host, ipOf(peer)].filter((p): p is string => p != null && p !== '')
  return parts.length === 0 ? undefined : parts.join(' · ')
}

/**
 * What the header warns about: `key-changed` when a peer of this name was verified and this one
 * is another key; `same-name` when a contact (someone I talk to) already has this name.
 */
export type IdentityWarning =
  { kind: 'key-changed'; other: PeerView } | { kind: 'same-name'; other: PeerView }

export function identityWarning(
  peer: PeerView,
  others: readonly PeerView[],
  isContact: (peerId: string) => boolean,
): IdentityWarning | undefined {
  if (peer.verified) return undefined
  const verified = others.find((p) => p.verified)
  if (verified !== undefined) return { kind: 'key-changed', other: verified }
  const contact = others.find((p) => isContact(p.peerId))
  return contact === undefined ? undefined : { kind: 'same-name', other: contact }
}

/** A row matches the filter by name, host, address, workgroup or PeerId, any substring. */
export function matchesFilter(
  filter: string,
  ...fields: Array<string | null | undefined>
): boolean {
  const wanted = filter.trim().toLowerCase()
  if (wanted === '') return true
  return fields.some((f) => f != null && f.toLowerCase().includes(wanted))
}
