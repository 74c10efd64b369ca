// A conversation's loaded messages, oldest first, kept in id order (ids are time-ordered) as events,
// call results and history pages arrive in any order; a message's state only moves forward.
import type { MessageView } from '../../../api/contract.js'

const STATE_RANK: Record<MessageView['state'], number> = {
  pending: 0,
  sent: 1,
  delivered: 2,
  read: 3,
  failed: 4,
}

/** States only move forward; events and call results can arrive in either order. */
export function newer(current: MessageView, incoming: MessageView): MessageView {
  return STATE_RANK[incoming.state] >= STATE_RANK[current.state]
    ? incoming
    : { ...incoming, state: current.state, path: current.path ?? incoming.path }
}

export function insertSorted(items: MessageView[], message: MessageView): MessageView[] {
  // search from the end: updates are almost always about recent messages
  let existing = -1
  for (let i = items.length - 1; i >= 0; i--) {
    if (items[i]?.id === message.id) {
      existing = i
      break
    }
  }
  if (existing >= 0) {
    const current = items[existing]
    const next = items.slice()
    next[existing] = current === undefined ? message : newer(current, message)
    return next
  }
  // almost always the newest: append; otherwise find the place (ids are time-ordered)
  const last = items[items.length - 1]
  if (last === undefined || last.id < message.id) return [...items, message]
  let index = items.length
  while (index > 0 && (items[index - 1]?.id ?? '') > message.id) index--
  return [...items.slice(0, index), message, ...items.slice(index)]
}

/** A fetched page and what is loaded now, merged by id (the loaded state wins if it is further). */
export function mergePage(page: MessageView[], latest: MessageView[]): MessageView[] {
  const byId = new Map<string, MessageView>()
  for (const m of page) byId.set(m.id, m)
  for (const m of latest) {
    const fetched = byId.get(m.id)
    byId.set(m.id, fetched === undefined ? m : newer(m, fetched))
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}
