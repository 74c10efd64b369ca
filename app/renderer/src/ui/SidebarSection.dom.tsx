// One section of the sidebar's list: its title and count, its rows — grouped by workgroup
// (collapsible) when any person in it has one, as FeiQ and IP Messenger list an office — and each
// person's menu (verify, forget).
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { PeerStatus } from '../../../api/contract.js'
import { Avatar } from './Avatar.dom.js'
import { ConversationBadges } from './ConversationBadges.dom.js'
import { useStore } from './context.dom.js'
import { VerifyDialog } from './VerifyDialog.dom.js'

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
}

export function Section(props: {
  title: string
  rows: Row[]
  selected: string | undefined
  testId: string
  children?: React.ReactNode
}) {
  const grouped = props.rows.some((r) => r.workgroup != null)
  return (
    <section className="section" data-testid={props.testId}>
      <h2 className="section-title">
        {props.title}
        {props.rows.length > 0 && <span className="section-count">{props.rows.length}</span>}
      </h2>
      {props.children}
      {grouped ? (
        <Workgroups rows={props.rows} selected={props.selected} />
      ) : (
        <Rows rows={props.rows} selected={props.selected} />
      )}
    </section>
  )
}

function Workgroups(props: { rows: Row[]; selected: string | undefined }) {
  const { t } = useTranslation()
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set())
  const byGroup = new Map<string, Row[]>()
  for (const row of props.rows) {
    const name = row.workgroup ?? ''
    byGroup.set(name, [...(byGroup.get(name) ?? []), row])
  }
  // named workgroups in order, the people without one last
  const names = [...byGroup.keys()].sort((a, b) =>
    a === '' ? 1 : b === '' ? -1 : a.localeCompare(b),
  )
  const toggle = (name: string): void => {
    const next = new Set(collapsed)
    if (next.has(name)) next.delete(name)
    else next.add(name)
    setCollapsed(next)
  }
  return (
    <>
      {names.map((name) => {
        const rows = byGroup.get(name) ?? []
        const open = !collapsed.has(name)
        return (
          <div key={name} className="workgroup" data-testid="workgroup" data-workgroup={name}>
            <button
              type="button"
              className="workgroup-title"
              aria-expanded={open}
              onClick={() => toggle(name)}
              data-testid="workgroup-toggle"
            >
              <span aria-hidden="true">{open ? '▾' : '▸'}</span>{' '}
              {name === '' ? t('identity.noWorkgroup') : name}
              <span className="section-count">{rows.length}</span>
            </button>
            {open && <Rows rows={rows} selected={props.selected} />}
          </div>
        )
      })}
    </>
  )
}

function Rows(props: { rows: Row[]; selected: string | undefined }) {
  const { t } = useTranslation()
  const store = useStore()
  const [menu, setMenu] = useState<string | undefined>(undefined)
  const [verifying, setVerifying] = useState<Row | undefined>(undefined)
  return (
    <>
      <ul className="rows">
        {props.rows.map((row) => (
          <li
            key={row.id}
            className="row-item"
            onContextMenu={(e) => {
              if (row.group === true) return
              e.preventDefault()
              setMenu(row.id)
            }}
          >
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
                aria-expanded={menu === row.id}
                onClick={() => setMenu(menu === row.id ? undefined : row.id)}
                data-testid="row-menu"
              >
                ⋯
              </button>
            )}
            {menu === row.id && (
              <div className="row-menu" role="menu" data-testid="row-menu-items">
                <button
                  type="button"
                  role="menuitem"
                  onClick={() => {
                    setMenu(undefined)
                    setVerifying(row)
                  }}
                  data-testid="menu-verify"
                >
                  {t('identity.verify')}
                </button>
                <button
                  type="button"
                  role="menuitem"
                  onClick={() => {
                    setMenu(undefined)
                    void store.forgetPeer(row.id)
                  }}
                  data-testid="menu-forget"
                >
                  {t('identity.forget', { name: row.name })}
                </button>
              </div>
            )}
          </li>
        ))}
      </ul>
      {verifying !== undefined && (
        <VerifyDialog
          peerId={verifying.id}
          name={verifying.name}
          onClose={() => setVerifying(undefined)}
        />
      )}
    </>
  )
}
