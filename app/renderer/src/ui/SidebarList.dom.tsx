// The sidebar's list as one virtual list (@tanstack/react-virtual, as MessageList.dom.tsx): section
// titles, workgroup headers and rows are its items, so the DOM holds what is on screen and a few
// more whether 5 or 5,000 people are listed. Around the items on screen the DOM keeps the nesting
// a reader and the tests know (section > workgroup > list > row; those wrappers are
// `display: contents`, the items are placed in the list's box). The arrow keys, Home and End move
// between rows and workgroup headers, scrolling the next one into the DOM first; the focused item
// stays rendered while it is scrolled away.
import { defaultRangeExtractor, useVirtualizer, type Range } from '@tanstack/react-virtual'
import { useCallback, useEffect, useMemo, useRef, useState, type RefObject } from 'react'
import { useTranslation } from 'react-i18next'
import { useStore } from './context.dom.js'
import {
  runsBy,
  sidebarItems,
  workgroupKey,
  type SectionSpec,
  type SidebarItem,
} from './sidebar-items.dom.js'
import type { SectionId, SidebarRows } from './sidebar-rows.dom.js'
import {
  RowBody,
  SectionTitle,
  WorkgroupTitle,
  type Row,
  type RowActions,
} from './SidebarSection.dom.js'
import { VerifyDialog } from './VerifyDialog.dom.js'

const ESTIMATE: Record<SidebarItem['kind'], number> = {
  section: 30,
  note: 44,
  workgroup: 26,
  row: 56,
}
const FIRST_RECT = { width: 280, height: 800 }
const NAV_KEYS = new Set(['ArrowDown', 'ArrowUp', 'Home', 'End'])
const navigable = (item: SidebarItem | undefined): boolean =>
  item?.kind === 'row' || item?.kind === 'workgroup'

export function SidebarList(props: {
  rows: SidebarRows
  sections: readonly SectionSpec[]
  selected: string | undefined
  /** what the filter box holds (the rows are filtered already) */
  filter: string
  scrollRef: RefObject<HTMLDivElement | null>
}) {
  const { t } = useTranslation()
  const store = useStore()
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set())
  const [menu, setMenu] = useState<string | undefined>(undefined)
  const [verifying, setVerifying] = useState<Row | undefined>(undefined)
  const items = useMemo(
    () => sidebarItems(props.rows, props.sections, collapsed),
    [props.rows, props.sections, collapsed],
  )
  const indexOf = useMemo(() => new Map(items.map((item, i) => [item.key, i])), [items])

  const toggle = useCallback((section: SectionId, name: string) => {
    setCollapsed((old) => {
      const next = new Set(old)
      const key = workgroupKey(section, name)
      if (next.has(key)) next.delete(key)
      else next.add(key)
      return next
    })
  }, [])
  const actions = useMemo<RowActions>(
    () => ({
      select: (id) => store.select(id),
      menu: setMenu,
      verify: setVerifying,
      forget: (id) => void store.forgetPeer(id),
    }),
    [store],
  )

  // the item that has the focus is always rendered, so scrolling does not drop the focus
  const focusedKey = useRef<string | undefined>(undefined)
  const pendingFocus = useRef<string | undefined>(undefined)
  const rangeExtractor = useCallback(
    (range: Range) => {
      const indexes = defaultRangeExtractor(range)
      const focused = focusedKey.current === undefined ? undefined : indexOf.get(focusedKey.current)
      if (focused === undefined || indexes.includes(focused)) return indexes
      return [...indexes, focused].sort((a, b) => a - b)
    },
    [indexOf],
  )
  const estimateSize = useCallback((i: number) => ESTIMATE[items[i]?.kind ?? 'row'], [items])
  const getItemKey = useCallback((i: number) => items[i]?.key ?? i, [items])
  const getScrollElement = useCallback(() => props.scrollRef.current, [props.scrollRef])
  const virtualizer = useVirtualizer({
    count: items.length,
    getScrollElement,
    estimateSize,
    getItemKey,
    rangeExtractor,
    overscan: 6,
    // a first render before the scroll element is measured (and rendering to HTML) shows a screenful
    initialRect: FIRST_RECT,
  })
  const listRef = useRef<HTMLDivElement>(null)
  const [, setFocusTick] = useState(0)

  // after the virtualiser rendered the item the keys moved to, it takes the focus
  useEffect(() => {
    const key = pendingFocus.current
    if (key === undefined) return
    const el = listRef.current?.querySelector<HTMLElement>(
      `[data-key="${CSS.escape(key)}"] [data-nav]`,
    )
    if (el === null || el === undefined) return
    pendingFocus.current = undefined
    el.focus()
  })

  // the open conversation's row in view when it was opened from elsewhere (a notification, a new
  // chat) and when the filter changed around it (found by the filter, then the filter cleared)
  const selectedIndex = useMemo(
    () => items.findIndex((i) => i.kind === 'row' && i.row.id === props.selected),
    [items, props.selected],
  )
  const shown = useRef<string | undefined>(undefined)
  useEffect(() => {
    const now = `${props.selected ?? ''}\u0000${props.filter}`
    if (now === shown.current || selectedIndex < 0) return
    shown.current = now
    virtualizer.scrollToIndex(selectedIndex, { align: 'auto' })
  }, [props.selected, props.filter, selectedIndex, virtualizer])

  const onKeyDown = (e: React.KeyboardEvent): void => {
    if (e.key === 'Escape' && menu !== undefined) {
      setMenu(undefined)
      return
    }
    if (!NAV_KEYS.has(e.key) || e.altKey || e.ctrlKey || e.metaKey) return
    const from = (e.target as HTMLElement).closest<HTMLElement>('[data-index]')
    if (from === null) return
    const here = Number(from.dataset.index)
    const order =
      e.key === 'Home'
        ? items.keys()
        : e.key === 'End'
          ? [...items.keys()].reverse()
          : e.key === 'ArrowDown'
            ? [...items.keys()].slice(here + 1)
            : [...items.keys()].slice(0, here).reverse()
    const next = [...order].find((i) => navigable(items[i]))
    if (next === undefined) return
    e.preventDefault()
    pendingFocus.current = items[next]?.key
    virtualizer.scrollToIndex(next, { align: 'auto' })
    // rendered already (the common case): focus now; otherwise the effect above does it
    setFocusTick((n) => n + 1)
  }
  const virtual = virtualizer.getVirtualItems()
  const place = (index: number, start: number, extra?: React.CSSProperties) => ({
    'data-index': index,
    'data-key': items[index]?.key,
    ref: virtualizer.measureElement,
    style: { transform: `translateY(${start}px)`, ...extra },
  })
  const renderItems = (list: typeof virtual) =>
    runsBy(list, (v) => (items[v.index]?.kind === 'row' ? 'rows' : `i${v.index}`)).map((run) => {
      const first = items[run.items[0]?.index ?? -1]
      if (first === undefined) return null
      if (first.kind !== 'row') {
        const v = run.items[0]!
        return (
          <div key={first.key} className={`vitem vitem-${first.kind}`} {...place(v.index, v.start)}>
            {first.kind === 'section' ? (
              <SectionTitle title={first.section.title} count={first.count} />
            ) : first.kind === 'note' ? (
              first.node
            ) : (
              <WorkgroupTitle
                section={first.section.id}
                name={first.workgroup ?? ''}
                count={first.count}
                open={first.open}
                onToggle={toggle}
              />
            )}
          </div>
        )
      }
      return (
        <ul key={`rows:${first.key}`} className="rows" role="list">
          {run.items.map((v) => {
            const item = items[v.index]
            if (item?.kind !== 'row') return null
            const open = menu === item.row.id
            return (
              <li
                key={item.key}
                className="vitem row-item"
                role="listitem"
                aria-posinset={item.position}
                aria-setsize={item.size}
                onContextMenu={(e) => {
                  if (item.row.group === true) return
                  e.preventDefault()
                  setMenu(item.row.id)
                }}
                {...place(v.index, v.start, open ? { zIndex: 2 } : undefined)}
              >
                <RowBody
                  row={item.row}
                  selected={item.row.id === props.selected}
                  menuOpen={open}
                  actions={actions}
                />
              </li>
            )
          })}
        </ul>
      )
    })

  return (
    <>
      <div
        ref={listRef}
        className="sidebar-list"
        style={{ height: virtualizer.getTotalSize() }}
        onKeyDown={onKeyDown}
        onFocus={(e) => {
          focusedKey.current =
            (e.target as HTMLElement).closest<HTMLElement>('[data-key]')?.dataset.key ?? undefined
        }}
        onBlur={(e) => {
          if (!e.currentTarget.contains(e.relatedTarget as Node | null))
            focusedKey.current = undefined
        }}
      >
        {runsBy(virtual, (v) => items[v.index]?.section.id ?? '').map((sectionRun) => {
          const spec = items[sectionRun.items[0]?.index ?? -1]?.section
          if (spec === undefined) return null
          return (
            <section key={sectionRun.key} className="vsection" data-testid={spec.testId}>
              {runsBy(sectionRun.items, (v) => {
                const wg = items[v.index]?.workgroup
                return wg === undefined ? '' : `w:${wg}`
              }).map((run) => {
                const wg = items[run.items[0]?.index ?? -1]?.workgroup
                if (wg === undefined) return renderItems(run.items)
                return (
                  <div
                    key={run.key}
                    className="workgroup"
                    role="group"
                    aria-label={wg === '' ? t('identity.noWorkgroup') : wg}
                    data-testid="workgroup"
                    data-workgroup={wg}
                  >
                    {renderItems(run.items)}
                  </div>
                )
              })}
            </section>
          )
        })}
      </div>
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
