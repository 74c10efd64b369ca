// Group texts parked because their sender was not (yet) in the group I know (GroupService
// .admitText) are stored once a change makes the sender a member; the rest keep waiting.
import type { EngineEvents } from '../engine-events.js'
import { groupConversationId, type GroupRow, type Store } from '../store/index.js'

export function releaseParked(
  group: GroupRow,
  store: Store,
  now: number,
  events: EngineEvents,
  kick: (recipient: string) => void,
): void {
  if (!group.joined) return
  const released = store.transaction(() =>
    store.groups.parked(group.groupId).flatMap((text) => {
      if (!group.members.includes(text.sender)) return []
      store.groups.unpark(text.id)
      const stored = store.storeInbound(text, 'relay', now)
      return stored.inserted ? [stored.message] : []
    }),
  )
  for (const message of released) {
    events.message(message)
    kick(message.sender)
  }
  if (released.length > 0) events.conversation(groupConversationId(group.groupId))
}
