// Me, the search box, the filter, the people on this LAN (live, like IP Messenger's list, grouped
// by workgroup), relay contacts, groups, earlier conversations and the contacts not online, each
// with an unread count; a person's host and address under the name, and where two share a name,
// the key fingerprint that tells them apart.
import { useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { PEER_STATUSES, type PeerStatus } from '../../../api/contract.js'
import { Avatar } from './Avatar.dom.js'
import { useAppState, useStore } from './context.dom.js'
import { NewChat } from './NewChat.dom.js'
import { NewGroup } from './NewGroup.dom.js'
import { SearchResults } from './SearchResults.dom.js'
import type { SectionSpec } from './sidebar-items.dom.js'
import { filterRows, RowCache, sidebarRows } from './sidebar-rows.dom.js'
import { SidebarList } from './SidebarList.dom.js'

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
  const scrollRef = useRef<HTMLDivElement>(null)
  const cache = useRef(new RowCache())

  // once per change of what they show; the filter and collapsing work on these
  const all = useMemo(
    () => sidebarRows({ peers, conversations, groups, t, language: i18n.language }, cache.current),
    [peers, conversations, groups, t, i18n.language],
  )
  const rows = useMemo(() => filterRows(all, filter), [all, filter])
  const noLan = all.lan.length === 0 && filter === ''
  const relayProblem = relay?.state === 'error' ? relay.lastError?.message : undefined
  const relayOn = relay !== undefined && relay.state !== 'off'
  const sections = useMemo<SectionSpec[]>(
    () => [
      {
        id: 'lan',
        title: t('sidebar.lan'),
        testId: 'lan-list',
        always: true,
        note: noLan ? (
          <p className="teach" data-testid="empty-lan">
            {t('sidebar.emptyLan')}
          </p>
        ) : undefined,
      },
      {
        id: 'viaRelay',
        title: t('sidebar.relay'),
        testId: 'relay-list',
        always: relayOn,
        note:
          relayProblem === undefined ? undefined : (
            <p className="teach teach-problem" role="status" data-testid="relay-problem">
              {t('sidebar.relayProblem', { message: relayProblem })}
            </p>
          ),
      },
      { id: 'groups', title: t('sidebar.groups'), testId: 'group-list' },
      { id: 'earlier', title: t('sidebar.earlier'), testId: 'earlier-list' },
      { id: 'contacts', title: t('identity.contacts'), testId: 'contacts-list' },
    ],
    [t, noLan, relayOn, relayProblem],
  )

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
      <div className="sidebar-scroll" ref={scrollRef}>
        {search !== undefined ? (
          <SearchResults search={search} onClear={() => onSearch('')} />
        ) : (
          <>
            <SidebarList
              rows={rows}
              sections={sections}
              selected={selected}
              filter={filter}
              scrollRef={scrollRef}
            />
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
