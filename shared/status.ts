// The one list of a person's status (docs/protocol.md: the `profile` envelope and the presence
// topics). Everything reads it: the envelope codec, the engine's setStatus, the API's schemas
// (app/api/methods.ts), the CLI's argument check. The store's CHECK constraint
// (app/core/store/migrations/001-initial.ts) is SQL frozen in its migration: a new status needs
// a migration as well as a new entry here.

export const PEER_STATUSES = ['online', 'away', 'busy'] as const

export type PeerStatus = (typeof PEER_STATUSES)[number]

export function isPeerStatus(value: unknown): value is PeerStatus {
  return (PEER_STATUSES as readonly unknown[]).includes(value)
}

/** "online, away or busy", for sentences that tell a person what to type. */
export const PEER_STATUS_WORDS = `${PEER_STATUSES.slice(0, -1).join(', ')} or ${PEER_STATUSES.at(-1)}`
