// The sidebar's rows, derived once per change of the store's peers, conversations or groups (not
// per row, not per keystroke of the filter): people on this LAN, through the relay, groups,
// earlier conversations and the contacts not online. A row that did not change keeps its object
// (RowCache), so the memoised row components (SidebarSection.dom.tsx) skip it: a presence update
// repaints one row, not the list.
import type { TFunction } from 'i18next'
import type { ConversationView, GroupView, PeerView } from '../../../api/contract.js'
import { groupColor, peerName, relativeLabel } from './format.dom.js'
import { matchesFilter, nameClashes, whereLabel } from './identity.dom.js'
import { presenceOf } from './PeerPicker.dom.js'
import type { Row } from './SidebarSection.dom.js'

export type SectionId = 'lan' | 'viaRelay' | 'groups' | 'earlier' | 'contacts'

export type SidebarRows = Record<SectionId, Row[]>

/** earlier conversations listed at most (the newest first) */
const EARLIER_MAX = 200

const collator = new Intl.Collator(undefined, { sensitivity: 'base' })
const byName = (a: Row, b: Row): number => collator.compare(a.name, b.name)

/** Keeps the previous object of a row whose fields are all the same. */
export class RowCache {
  #rows = new Map<string, Row>()
  #next = new Map<string, Row>()

  keep(row: Row): Row {
    const key = `${row.group === true ? 'g' : 'p'}:${row.id}`
    const old = this.#rows.get(key)
    const kept = old !== undefined && sameRow(old, row) ? old : row
    this.#next.set(key, kept)
    return kept
  }

  /** the rows kept since the last `done` are the ones remembered */
  done(): void {
    this.#rows = this.#next
    this.#next = new Map()
  }
}

function sameRow(a: Row, b: Row): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)] as Array<keyof Row>)
  for (const k of keys) if (a[k] !== b[k]) return false
  return true
}

export interface RowSources {
  peers: ReadonlyMap<string, PeerView>
  conversations: ReadonlyMap<string, ConversationView>
  groups: ReadonlyMap<string, GroupView>
  t: TFunction
  language: string
}

export function sidebarRows(src: RowSources, cache: RowCache): SidebarRows {
  const { peers, conversations, groups, t } = src
  const clashes = nameClashes(peers)
  // in a group, who wrote the last message matters as much as what it says
  const preview = (id: string, group = false): string | undefined => {
    const p = conversations.get(id)?.lastMessage
    if (p == null || p.text === null) return undefined
    const who =
      p.direction === 'out'
        ? `${t('search.you')}: `
        : group
          ? `${peerName(peers.get(p.from), p.from)}: `
          : ''
    return `${who}${p.text.replace(/\s+/g, ' ')}`
  }
  const groupRow = (id: string, conversation: ConversationView | undefined): Row => {
    const group = groups.get(id)
    const name = group?.name ?? conversation?.title ?? id
    return cache.keep({
      id,
      name,
      color: groupColor(group?.id ?? id),
      group: true,
      unread: conversation?.unread ?? 0,
      detail:
        preview(id, true) ??
        (group === undefined ? undefined : t('group.members', { count: group.members.length })),
      haystack: name.toLowerCase(),
    })
  }
  const row = (peerId: string, peer: PeerView | undefined): Row => {
    const name = peerName(peer, peerId)
    const where = peer === undefined ? undefined : whereLabel(peer)
    return cache.keep({
      id: peerId,
      name,
      color: peer?.color ?? null,
      presence: presenceOf(peer),
      unread: conversations.get(peerId)?.unread ?? 0,
      legacy: peer?.legacy === true,
      detail:
        preview(peerId) ??
        (peer === undefined || peer.online || peer.lastSeen === null
          ? undefined
          : t('sidebar.lastSeen', { when: relativeLabel(peer.lastSeen, src.language) })),
      where,
      fingerprint: clashes.has(peerId) ? peer?.fingerprint : undefined,
      verified: peer?.verified,
      workgroup: peer?.workgroup,
      // the filter's fields (identity.dom.ts matchesFilter): name, host and address, workgroup, id
      haystack: [name, where, peer?.workgroup, peerId]
        .filter((f) => f != null)
        .join('\n')
        .toLowerCase(),
    })
  }
  const lan: Row[] = []
  const viaRelay: Row[] = []
  const shown = new Set<string>()
  for (const peer of peers.values()) {
    if (peer.paths.includes('lan')) lan.push(row(peer.peerId, peer))
    else if (peer.paths.includes('relay')) viaRelay.push(row(peer.peerId, peer))
    else continue
    shown.add(peer.peerId)
  }
  const earlier: Row[] = []
  const groupRows: Row[] = []
  const sorted = [...conversations.values()].sort(
    (a, b) => (b.lastActivityAt ?? 0) - (a.lastActivityAt ?? 0),
  )
  for (const conversation of sorted) {
    if (conversation.kind === 'group') groupRows.push(groupRow(conversation.id, conversation))
    else if (!shown.has(conversation.id)) {
      // past the newest EARLIER_MAX a conversation is in neither list (open it by search)
      if (earlier.length < EARLIER_MAX)
        earlier.push(row(conversation.id, peers.get(conversation.id)))
      shown.add(conversation.id)
    }
  }
  // a group with no conversation row yet (just made, nothing said) is listed all the same
  for (const id of groups.keys()) {
    if (!conversations.has(id)) groupRows.push(groupRow(id, undefined))
  }
  // known and not online, nothing said yet: a contact added by link, a colleague seen before
  const contacts: Row[] = []
  for (const peer of peers.values()) {
    if (!shown.has(peer.peerId)) contacts.push(row(peer.peerId, peer))
  }
  cache.done()
  return {
    lan: lan.sort(byName),
    viaRelay: viaRelay.sort(byName),
    groups: groupRows,
    earlier,
    contacts: contacts.sort(byName),
  }
}

/** The rows the filter keeps: any substring of a row's fields (identity.dom.ts matchesFilter). */
export function filterRows(rows: SidebarRows, filter: string): SidebarRows {
  if (filter.trim() === '') return rows
  const kept = (list: Row[]): Row[] => list.filter((r) => matchesFilter(filter, r.haystack))
  return {
    lan: kept(rows.lan),
    viaRelay: kept(rows.viaRelay),
    groups: kept(rows.groups),
    earlier: kept(rows.earlier),
    contacts: kept(rows.contacts),
  }
}
