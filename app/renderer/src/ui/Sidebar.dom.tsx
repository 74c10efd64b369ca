// Me, the search box, the people on this LAN (live, like IP Messenger's list), relay contacts,
// groups and earlier conversations, each with an unread count.
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
import { NewChat } from './NewChat.dom.js'
import { NewGroup } from './NewGroup.dom.js'
import { presenceOf } from './PeerPicker.dom.js'
import { SearchResults } from './SearchResults.dom.js'

interface Row {
  id: string
  name: string
  color: number | null
  /** undefined for a group: it has no presence */
  presence?: PeerStatus | 'offline'
  group?: boolean
  unread: number
  detail?: string
  /** an IP Messenger user over the bridge: not encrypted */
  legacy?: boolean
}

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

  const sections = useMemo(() => {
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
    return {
      lan: lan.sort(byName),
      viaRelay: viaRelay.sort(byName),
      groups: groupRows,
      earlier: earlier.slice(0, 200),
    }
  }, [peers, conversations, groups, t, i18n.language])

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
              {sections.lan.length === 0 && (
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

function Section(props: {
  title: string
  rows: Row[]
  selected: string | undefined
  testId: string
  children?: React.ReactNode
}) {
  const { t } = useTranslation()
  const store = useStore()
  return (
    <section className="section" data-testid={props.testId}>
      <h2 className="section-title">
        {props.title}
        {props.rows.length > 0 && <span className="section-count">{props.rows.length}</span>}
      </h2>
      {props.children}
      <ul className="rows">
        {props.rows.map((row) => (
          <li key={row.id}>
            <button
              type="button"
              className={`row${row.id === props.selected ? ' row-selected' : ''}`}
              onClick={() => store.select(row.id)}
              data-testid="contact"
              data-peer={row.id}
              aria-current={row.id === props.selected ? 'true' : undefined}
            >
              <Avatar name={row.name} color={row.color} presence={row.presence} group={row.group} />
              <span className="row-text">
                <span className="row-name">
                  {row.name}
                  {row.legacy === true && (
                    <span
                      className="legacy-badge"
                      title={t('sidebar.legacyTitle')}
                      data-testid="legacy"
                    >
                      {t('sidebar.legacy')}
                    </span>
                  )}
                </span>
                {row.detail !== undefined && <span className="row-detail">{row.detail}</span>}
              </span>
              {row.unread > 0 && (
                <span
                  className="badge"
                  aria-label={t('sidebar.unread', { count: row.unread })}
                  data-testid="unread"
                >
                  {row.unread > 99 ? '99+' : row.unread}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
    </section>
  )
}

export type { ConversationView }
