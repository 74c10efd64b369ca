// Me, the search box, the filter, the people on this LAN (live, like IP Messenger's list, grouped
// by workgroup), relay contacts, groups, earlier conversations and the contacts not online, each
// with an unread count; a person's host and address under the name, and where two share a name,
// the key fingerprint that tells them apart.
import { useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import {
  PEER_STATUSES,
  type PeerStatus,
  type ConversationView,
  type PeerView,
} from '../../../api/contract.js'
import { Avatar } from './Avatar.dom.js'
import { useAppState, useStore } from './context.dom.js'
import { groupColor, peerName, relativeLabel } from './format.dom.js'
import { matchesFilter, nameClashes, whereLabel } from './identity.dom.js'
import { NewChat } from './NewChat.dom.js'
import { NewGroup } from './NewGroup.dom.js'
import { presenceOf } from './PeerPicker.dom.js'
import { SearchResults } from './SearchResults.dom.js'
import { Section, type Row } from './SidebarSection.dom.js'

function byName(a: Row, b: Row): number {
  return a.name.localeCompare(b.name)
}

export function Sidebar() {
  const { t, i18n } = useTranslation()
  const store = useStore()
  const me = useAppState((s) => s.me)
  const peers = useAppState((s) => s.peers)
  const conversations = useAppState((s) => s.conversations)
  const groups = useAppState((s) => s.groups)
  const relay = useAppState((s) => s.relay)
  const selected = useAppState((s) => s.selected)
  const search = useAppState((s) => s.search)
  const [query, setQuery] = useState('')
  const [filter, setFilter] = useState('')

  const sections = useMemo(() => {
    const clashes = nameClashes(peers)
    const unread = (id: string): number => conversations.get(id)?.unread ?? 0
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
      return {
        id,
        name: group?.name ?? conversation?.title ?? id,
        color: groupColor(group?.id ?? id),
        group: true,
        unread: conversation?.unread ?? 0,
        detail:
          preview(id, true) ??
          (group === undefined ? undefined : t('group.members', { count: group.members.length })),
      }
    }
    const row = (peerId: string, peer: PeerView | undefined): Row => ({
      id: peerId,
      name: peerName(peer, peerId),
      color: peer?.color ?? null,
      presence: presenceOf(peer),
      unread: unread(peerId),
      legacy: peer?.legacy === true,
      detail:
        preview(peerId) ??
        (peer === undefined || peer.online || peer.lastSeen === null
          ? undefined
          : t('sidebar.lastSeen', { when: relativeLabel(peer.lastSeen, i18n.language) })),
      where: peer === undefined ? undefined : whereLabel(peer),
      fingerprint: clashes.has(peerId) ? peer?.fingerprint : undefined,
      verified: peer?.verified,
      workgroup: peer?.workgroup,
    })
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
    const kept = (rows: Row[]): Row[] =>
      rows.filter((r) =>
        matchesFilter(filter, r.name, r.where, r.workgroup, r.group === true ? undefined : r.id),
      )
    return {
      lan: kept(lan.sort(byName)),
      viaRelay: kept(viaRelay.sort(byName)),
      groups: kept(groupRows),
      earlier: kept(earlier.slice(0, 200)),
      contacts: kept(contacts.sort(byName)),
    }
  }, [peers, conversations, groups, t, i18n.language, filter])

  const onSearch = (value: string): void => {
    setQuery(value)
    void store.search(value)
  }

  return (
    <nav className="sidebar" aria-label="Pigeon">
      {me !== undefined && (
        <header className="me" data-testid="me">
          <Avatar name={me.name} color={me.color} presence={me.status} size="large" />
          <div className="me-text">
            <div className="me-name" data-testid="me-name">
              {me.name}
            </div>
            <select
              className="status-select"
              aria-label={t('settings.status')}
              value={me.status}
              onChange={(e) => void store.setStatus(e.target.value as PeerStatus)}
              data-testid="status-select"
            >
              {PEER_STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`me.status.${s}`)}
                </option>
              ))}
            </select>
          </div>
          <button
            type="button"
            className="icon-button"
            title={t('me.settings')}
            aria-label={t('me.settings')}
            onClick={() => store.openSettings(true)}
            data-testid="open-settings"
          >
            ⚙
          </button>
        </header>
      )}
      <div className="search">
        <input
          type="search"
          value={query}
          placeholder={t('sidebar.search')}
          aria-label={t('sidebar.search')}
          onChange={(e) => onSearch(e.target.value)}
          data-testid="search"
        />
      </div>
      {search === undefined && (
        <div className="search filter">
          <input
            type="search"
            value={filter}
            placeholder={t('identity.filter')}
            aria-label={t('identity.filter')}
            onChange={(e) => setFilter(e.target.value)}
            data-testid="peer-filter"
          />
        </div>
      )}
      <div className="sidebar-scroll">
        {search !== undefined ? (
          <SearchResults search={search} onClear={() => onSearch('')} />
        ) : (
          <>
            <Section
              title={t('sidebar.lan')}
              rows={sections.lan}
              selected={selected}
              testId="lan-list"
            >
              {sections.lan.length === 0 && filter === '' && (
                <p className="teach" data-testid="empty-lan">
                  {t('sidebar.emptyLan')}
                </p>
              )}
            </Section>
            {(relay !== undefined && relay.state !== 'off') || sections.viaRelay.length > 0 ? (
              <Section
                title={t('sidebar.relay')}
                rows={sections.viaRelay}
                selected={selected}
                testId="relay-list"
              >
                {relay?.state === 'error' && relay.lastError !== null && (
                  <p className="teach teach-problem" role="status" data-testid="relay-problem">
                    {t('sidebar.relayProblem', { message: relay.lastError.message })}
                  </p>
                )}
              </Section>
            ) : null}
            {sections.groups.length > 0 && (
              <Section
                title={t('sidebar.groups')}
                rows={sections.groups}
                selected={selected}
                testId="group-list"
              />
            )}
            {sections.earlier.length > 0 && (
              <Section
                title={t('sidebar.earlier')}
                rows={sections.earlier}
                selected={selected}
                testId="earlier-list"
              />
            )}
            {sections.contacts.length > 0 && (
              <Section
                title={t('identity.contacts')}
                rows={sections.contacts}
                selected={selected}
                testId="contacts-list"
              />
            )}
            <div className="sidebar-actions">
              <NewChat />
              <NewGroup />
            </div>
          </>
        )}
      </div>
    </nav>
  )
}

export type { ConversationView }
