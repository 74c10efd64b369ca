// What a peer or conversation reference the user typed names: a PeerId, a display name that
// exactly one known peer has, or one of my groups (`group:<id>`, its id, or its name). Every
// failure is a sentence the user can act on (PEER_UNKNOWN / PEER_AMBIGUOUS / GROUP_AMBIGUOUS).
import { PigeonError } from '../../shared/errors.js'
import { isPeerId } from '../../shared/identity.js'
import { isLegacyPeerId } from './legacy/legacy-id.js'
import type { GroupService } from './groups/group-service.js'
import { groupConversationId, type GroupRow, type Store } from './store/index.js'

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

  /** A PeerId, or a display name that exactly one known peer has (case-insensitive). */
  peer(ref: string): string {
    const wanted = ref.trim()
    // an IP Messenger user's id (docs/protocol.md §13) is named as exactly as a PeerId
    if (isPeerId(wanted) || isLegacyPeerId(wanted)) return wanted
    const lower = wanted.toLowerCase()
    const matches = this.#store.peers.list().filter((p) => p.name?.toLowerCase() === lower)
    const [only, ...others] = matches
    if (only === undefined) {
      throw new PigeonError(
        'PEER_UNKNOWN',
        `No known peer is called "${wanted}"; \`pigeon peers\` lists who is known.`,
      )
    }
    if (others.length > 0) {
      const ids = matches.map((p) => p.peerId).join(', ')
      throw new PigeonError(
        'PEER_AMBIGUOUS',
        `${matches.length} peers are called "${wanted}" (${ids}); use a PeerId instead.`,
      )
    }
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
