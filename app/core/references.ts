// What a peer or conversation reference the user typed names: a PeerId, a display name that
// exactly one known peer has, or one of my groups (`group:<id>`, its id, or its name). Every
// failure is a sentence the user can act on (PEER_UNKNOWN / PEER_AMBIGUOUS / GROUP_AMBIGUOUS).
import { PigeonError } from '../../shared/errors.js'
import { isPeerId } from '../../shared/identity.js'
import { isLegacyPeerId } from './legacy/legacy-id.js'
import type { GroupService } from './groups/group-service.js'
import { groupConversationId, type GroupRow, type PeerRow, type Store } from './store/index.js'

/** What a conversation reference names: a peer (direct chat) or one of my groups. */
export type ConversationTarget =
  { kind: 'peer'; peerId: string } | { kind: 'group'; group: GroupRow }

export class References {
  readonly #store: Store
  readonly #groups: () => GroupService

  /** `groups` is read when needed: the group service itself resolves members through this */
  constructor(store: Store, groups: () => GroupService) {
    this.#store = store
    this.#groups = groups
  }

  /**
   * A PeerId, a display name that exactly one known peer has, or `name@host` (the host name its
   * profile announces, docs/protocol.md §2) when a name is shared; case-insensitive.
   */
  peer(ref: string): string {
    const wanted = ref.trim()
    // an IP Messenger user's id (docs/protocol.md §15) is named as exactly as a PeerId
    if (isPeerId(wanted) || isLegacyPeerId(wanted)) return wanted
    const peers = this.#store.peers.list()
    const named = matchPeers(peers, wanted)
    const [only, ...others] = named
    if (only === undefined) {
      throw new PigeonError(
        'PEER_UNKNOWN',
        `No known peer is called "${wanted}"; \`pigeon peers\` lists who is known.`,
      )
    }
    if (others.length > 0) throw ambiguous(wanted, named, peers)
    return only.peerId
  }

  conversation(ref: string): ConversationTarget {
    const wanted = ref.trim()
    if (isPeerId(wanted) || isLegacyPeerId(wanted)) return { kind: 'peer', peerId: wanted }
    const group = this.#groups().find(wanted)
    if (group !== undefined && wanted.startsWith('group:')) return { kind: 'group', group }
    let peerId: string | undefined
    try {
      peerId = this.peer(wanted)
    } catch (error) {
      if (group === undefined) {
        if (error instanceof PigeonError && error.code === 'PEER_UNKNOWN') {
          throw new PigeonError(
            'PEER_UNKNOWN',
            `No known peer or group is called "${wanted}"; \`pigeon peers\` and \`pigeon group list\` show who and what is known.`,
          )
        }
        throw error
      }
    }
    if (peerId !== undefined && group !== undefined) {
      throw new PigeonError(
        'PEER_AMBIGUOUS',
        `Both a peer and a group are called "${wanted}"; use the PeerId (${peerId}) or group:${group.groupId}.`,
      )
    }
    return peerId !== undefined
      ? { kind: 'peer', peerId }
      : { kind: 'group', group: group as GroupRow }
  }

  /** The conversation id of a peer or group reference. */
  conversationId(ref: string): string {
    const target = this.conversation(ref)
    return target.kind === 'peer' ? target.peerId : groupConversationId(target.group.groupId)
  }
}

const lower = (text: string | null): string => text?.toLowerCase() ?? ''

/** The peers a name or a `name@host` names (case-insensitive); a name may itself hold an @. */
function matchPeers(peers: PeerRow[], wanted: string): PeerRow[] {
  const key = wanted.toLowerCase()
  const byName = peers.filter((p) => lower(p.name) === key)
  if (byName.length > 0) return byName
  const at = key.lastIndexOf('@')
  if (at <= 0) return []
  const [name, host] = [key.slice(0, at), key.slice(at + 1)]
  return peers.filter((p) => lower(p.name) === name && lower(p.host) === host)
}

/** The sentence for a name that several peers have: the `name@host` that tells each apart. */
function ambiguous(wanted: string, named: PeerRow[], peers: PeerRow[]): PigeonError {
  const choices = named.map((p) => {
    const label = p.host === null ? null : `${p.name ?? ''}@${p.host}`
    // a name@host that still names more than one peer (same host too) is no choice: the PeerId is
    const unique = label !== null && matchPeers(peers, label).length === 1
    return unique ? label : p.peerId
  })
  return new PigeonError(
    'PEER_AMBIGUOUS',
    `${named.length} peers are called "${wanted}": ${choices.sort().join(', ')}; name one of them.`,
  )
}
