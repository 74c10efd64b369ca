// Groups from the UI (docs/protocol.md §8): my changes, and the group events, noted so that the
// higher version wins; the reply to my change and the event about it come in either order.
import type { GroupView } from '../../../api/contract.js'
import type { Problem, StoreCore } from './app-state.dom.js'
import { toProblem } from './app-state.dom.js'

/** The reply to my change and the event about it come in either order: the higher version wins. */
export function noteGroup(core: StoreCore, group: GroupView): void {
  const current = core.state().groups.get(group.conversation)
  if (current !== undefined && current.version > group.version) return
  const groups = new Map(core.state().groups)
  groups.set(group.conversation, group)
  core.set({ groups })
}

/** A group change of mine; the reply is noted at once (its event may come later). */
async function groupChange(
  core: StoreCore,
  change: () => Promise<GroupView>,
): Promise<Problem | undefined> {
  try {
    noteGroup(core, await change())
    return undefined
  } catch (error) {
    return toProblem(error)
  }
}

export class GroupActions {
  readonly #core: StoreCore
  /** the store's: the conversation list again, and opening a conversation */
  readonly #refreshConversations: () => Promise<void>
  readonly #select: (conversationId: string) => void

  constructor(
    core: StoreCore,
    refreshConversations: () => Promise<void>,
    select: (conversationId: string) => void,
  ) {
    this.#core = core
    this.#refreshConversations = refreshConversations
    this.#select = select
  }

  /** A new group of me and these peers, then its conversation opens. Error in words. */
  async create(name: string, members: string[]): Promise<Problem | undefined> {
    try {
      const group = await this.#core.api.createGroup(name, members)
      noteGroup(this.#core, group)
      if (!this.#core.state().conversations.has(group.conversation))
        await this.#refreshConversations()
      this.#select(group.conversation)
      return undefined
    } catch (error) {
      return toProblem(error)
    }
  }

  add(conversationId: string, members: string[]): Promise<Problem | undefined> {
    return groupChange(this.#core, () => this.#core.api.addToGroup(conversationId, members))
  }

  remove(conversationId: string, member: string): Promise<Problem | undefined> {
    return groupChange(this.#core, () => this.#core.api.removeFromGroup(conversationId, [member]))
  }

  rename(conversationId: string, name: string): Promise<Problem | undefined> {
    return groupChange(this.#core, () => this.#core.api.renameGroup(conversationId, name))
  }

  leave(conversationId: string): Promise<Problem | undefined> {
    return groupChange(this.#core, () => this.#core.api.leaveGroup(conversationId))
  }
}
