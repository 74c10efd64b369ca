// The id a legacy (IP Messenger) peer has in Pigeon (docs/protocol.md §15 "Identity"): IPMsg has
// no keys, a user is its login name on its host name, so the id is built from exactly those two —
// stable across restarts and address changes, and never a PeerId: a legacy peer is never merged
// with a Pigeon identity, by name or by host. The `ipmsg:` prefix marks it wherever it is shown.
const PREFIX = 'ipmsg:'

export function legacyPeerId(user: string, host: string): string {
  return `${PREFIX}${encodeURIComponent(user)}@${encodeURIComponent(host)}`
}

export function isLegacyPeerId(id: string): boolean {
  return id.startsWith(PREFIX) && parseLegacyPeerId(id) !== undefined
}

/** user and host of a legacy id; undefined for anything else (a PeerId, a malformed id) */
export function parseLegacyPeerId(id: string): { user: string; host: string } | undefined {
  if (!id.startsWith(PREFIX)) return undefined
  const [user, host, ...rest] = id.slice(PREFIX.length).split('@')
  if (user === undefined || host === undefined || rest.length > 0 || user === '' || host === '')
    return undefined
  try {
    return { user: decodeURIComponent(user), host: decodeURIComponent(host) }
  } catch {
    return undefined
  }
}
