// Group texts parked because their sender was not (yet) in the group I know (GroupService
// .admitText) are stored once a change makes the sender a member, with the reply and mentions
// they were sent with (a mention of me counts for the @ badge, docs/protocol.md §8); the rest
// keep waiting.
import type { EngineEvents } from '../engine-events.js'
import { groupConversationId, type GroupRow, type Store } from '../store/index.js'

export function releaseParked(
  group: GroupRow,
  store: Store,
  me: string,
  now: number,
  events: EngineEvents,
  kick: (recipient: string) => void,
): void {
  if (!group.joined) return
  const released = store.transaction(() =>
    store.groups.parked(group.groupId).flatMap((text) => {
      if (!group.members.includes(text.sender)) return []
      store.groups.unpark(text.id)
      // only the relay parks (GroupService.admitText); a mention counts in a group only
      const mentionsMe = text.mentions?.includes(me) === true
      const stored = store.storeInbound({ ...text, mentionsMe }, 'relay', now)
      return stored.inserted ? [stored.message] : []
    }),
  )
  for (const message of released) {
    events.message(message)
    kick(message.sender)
  }
  if (released.length > 0) events.conversation(groupConversationId(group.groupId))
}
