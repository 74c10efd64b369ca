// The sidebar's items (SidebarList.dom.tsx lays them out in one virtual list): a section's title
// and count, a workgroup's header (collapsible), and a person's or group's row with its badges and
// its menu (verify, forget). Each is memoised on its own props, and a row's object is kept while
// it does not change (sidebar-rows.dom.ts), so a presence update or a keystroke in the filter
// renders the rows that changed, not every row on screen.
import { memo } from 'react'
import { useTranslation } from 'react-i18next'
import type { PeerStatus } from '../../../api/contract.js'
import { Avatar } from './Avatar.dom.js'
import { ConversationBadges } from './ConversationBadges.dom.js'
import type { SectionId } from './sidebar-rows.dom.js'

export interface Row {
  id: string
  name: string
  color: number | null
  /** undefined for a group: it has no presence */
  presence?: PeerStatus | 'offline'
  group?: boolean
  unread: number
  detail?: string
  /** a person: host and address, "hostA · 10.0.0.2" */
  where?: string
  /** a person whose name another has: the key fingerprint that tells them apart */
  fingerprint?: string
  verified?: boolean
  workgroup?: string | null
  /** an IP Messenger user over the bridge: not encrypted */
  legacy?: boolean
  /** what the filter looks in, lower case: name, host and address, workgroup, PeerId */
  haystack: string
}

export const SectionTitle = memo(function SectionTitle(props: { title: string; count: number }) {
  return (
    <h2 className="section-title">
      {props.title}
      {props.count > 0 && <span className="section-count">{props.count}</span>}
    </h2>
  )
})

export const WorkgroupTitle = memo(function WorkgroupTitle(props: {
  section: SectionId
  name: string
  count: number
  open: boolean
  onToggle: (section: SectionId, name: string) => void
}) {
  const { t } = useTranslation()
  return (
    <button
      type="button"
      className="workgroup-title"
      aria-expanded={props.open}
      onClick={() => props.onToggle(props.section, props.name)}
      data-testid="workgroup-toggle"
      data-nav=""
    >
      <span aria-hidden="true">{props.open ? '▾' : '▸'}</span>{' '}
      {props.name === '' ? t('identity.noWorkgroup') : props.name}
      <span className="section-count">{props.count}</span>
    </button>
  )
})

export interface RowActions {
  select(id: string): void
  /** opens a person's menu, or closes it (undefined) */
  menu(id: string | undefined): void
  verify(row: Row): void
  forget(id: string): void
}

export const RowBody = memo(function RowBody(props: {
  row: Row
  selected: boolean
  menuOpen: boolean
  actions: RowActions
}) {
  const { t } = useTranslation()
  const { row, actions } = props
  return (
    <>
      <button
        type="button"
        className={`row${props.selected ? ' row-selected' : ''}`}
        onClick={() => actions.select(row.id)}
        data-testid="contact"
        data-peer={row.id}
        data-nav=""
        aria-current={props.selected ? 'true' : undefined}
      >
        <Avatar name={row.name} color={row.color} presence={row.presence} group={row.group} />
        <span className="row-text">
          <span className="row-name">
            {row.name}
            {row.legacy === true && (
              <span className="legacy-badge" title={t('sidebar.legacyTitle')} data-testid="legacy">
                {t('sidebar.legacy')}
              </span>
            )}
            {row.verified === true && (
              <span
                className="verified-mark"
                title={t('identity.verified')}
                aria-label={t('identity.verified')}
                data-testid="row-verified"
              >
                ✓
              </span>
            )}
            {row.fingerprint !== undefined && (
              <span className="fingerprint" data-testid="row-fingerprint">
                {row.fingerprint}
              </span>
            )}
          </span>
          {row.where !== undefined && (
            <span className="row-detail row-where" data-testid="row-where">
              {row.where}
            </span>
          )}
          {row.detail !== undefined && <span className="row-detail">{row.detail}</span>}
        </span>
        <ConversationBadges id={row.id} />
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
      {row.group !== true && (
        <button
          type="button"
          className="row-menu-button"
          aria-label={t('identity.menu', { name: row.name })}
          aria-haspopup="menu"
          aria-expanded={props.menuOpen}
          onClick={() => actions.menu(props.menuOpen ? undefined : row.id)}
          data-testid="row-menu"
        >
          ⋯
        </button>
      )}
      {props.menuOpen && (
        <div className="row-menu" role="menu" data-testid="row-menu-items">
          <button
            type="button"
            role="menuitem"
            onClick={() => {
              actions.menu(undefined)
              actions.verify(row)
            }}
            data-testid="menu-verify"
          >
            {t('identity.verify')}
          </button>
          <button
            type="button"
            role="menuitem"
            onClick={() => {
              actions.menu(undefined)
              actions.forget(row.id)
            }}
            data-testid="menu-forget"
          >
            {t('identity.forget', { name: row.name })}
          </button>
        </div>
      )}
    </>
  )
})
