// The history, virtualised: only the rows on screen exist in the DOM, so 100,000 messages scroll
// like 100. Rows are day separators and messages; it sticks to the bottom while you are there,
// loads older pages when you near the top, and keeps your place when a page is prepended.
import { useVirtualizer } from '@tanstack/react-virtual'
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { MessageView } from '../../../api/contract.js'
import type { History } from '../state/app-store.dom.js'
import { FileMessage } from './FileBubble.dom.js'
import { dayKey, dayLabel, timeLabel } from './format.dom.js'
import { MessageMenu, menuTriggers, type MenuAt } from './MessageMenu.dom.js'
import { MessageText } from './MessageText.dom.js'

/** What a row shows about other messages and people: the everyday actions (MessageMenu). */
export interface RowContext {
  /** a person's name, "You" for me */
  nameOf: (peerId: string) => string
  /** the replied-to message, when it is loaded */
  quoteOf: (id: string) => MessageView | undefined
  onMenu: (at: MenuAt) => void
}

function Quote(props: { id: string; context: RowContext }) {
  const { t } = useTranslation()
  const quoted = props.context.quoteOf(props.id)
  const text =
    quoted === undefined || quoted.recalledAt !== null ? t('everyday.earlier') : (quoted.text ?? '')
  return (
    <div className="quote" data-testid="quote" data-reply-to={props.id}>
      {quoted !== undefined && (
        <span className="quote-name">{props.context.nameOf(quoted.from)}</span>
      )}
      <span className="quote-text">{text.slice(0, 140)}</span>
    </div>
  )
}

type Row =
  | { kind: 'day'; key: string; label: string }
  | { kind: 'message'; key: string; message: MessageView; first: boolean }

// Rows are rebuilt whenever a page is prepended (up to 100,000 messages): per-message work is
// cached on the message objects, which survive prepends unchanged.
const dayOf = new WeakMap<MessageView, string>()
const rowOf = new WeakMap<MessageView, Extract<Row, { kind: 'message' }>>()

function buildRows(items: MessageView[], label: (ms: number) => string): Row[] {
  const rows: Row[] = []
  let day = ''
  let previous: MessageView | undefined
  for (const message of items) {
    let key = dayOf.get(message)
    if (key === undefined) {
      key = dayKey(message.sentAt)
      dayOf.set(message, key)
    }
    if (key !== day) {
      day = key
      rows.push({ kind: 'day', key: `day-${key}`, label: label(message.sentAt) })
      previous = undefined
    }
    // a run of messages from the same sender within 5 minutes reads as one block (in a direct
    // chat the sender is the side; in a group each member starts a block of their own)
    const first =
      previous === undefined ||
      previous.from !== message.from ||
      message.sentAt - previous.sentAt > 300_000
    let row = rowOf.get(message)
    if (row === undefined || row.first !== first) {
      row = { kind: 'message', key: message.id, message, first }
      rowOf.set(message, row)
    }
    rows.push(row)
    previous = message
  }
  return rows
}

const GLYPH: Record<MessageView['state'], string> = {
  pending: '◷',
  sent: '✓',
  delivered: '✓✓',
  read: '✓✓',
  failed: '!',
}

export function Ticks(props: { state: MessageView['state'] }) {
  const { t } = useTranslation()
  const glyph = GLYPH[props.state]
  return (
    <span
      className={`ticks ticks-${props.state}`}
      title={t(`state.${props.state}`)}
      aria-label={t(`state.${props.state}`)}
      data-testid="ticks"
      data-state={props.state}
    >
      {glyph}
    </span>
  )
}

export const MessageRow = memo(function MessageRow(props: {
  message: MessageView
  first: boolean
  language: string
  flash: boolean
  senderName?: string
  context?: RowContext
  /** the names of the people it mentions, highlighted as @Name */
  mentionNames?: readonly string[]
}) {
  const { t } = useTranslation()
  const m = props.message
  const context = props.context
  if (m.recalledAt !== null) {
    // its text is gone on both sides; the line takes its place (docs/protocol.md §2 "Recall")
    return (
      <div
        className="message message-recalled"
        data-testid="message"
        data-direction={m.direction}
        data-id={m.id}
        data-recalled="true"
      >
        <div className="recalled" data-testid="recalled">
          {m.direction === 'out'
            ? t('everyday.recalledByMe')
            : t('everyday.recalledBy', { name: context?.nameOf(m.from) ?? '' })}
        </div>
      </div>
    )
  }
  return (
    <div
      className={`message message-${m.direction}${props.first ? ' message-first' : ''}${props.flash ? ' message-flash' : ''}`}
      data-testid="message"
      data-direction={m.direction}
      data-id={m.id}
    >
      <div className="bubble" {...(context === undefined ? {} : menuTriggers(m, context.onMenu))}>
        {props.senderName !== undefined && (
          <div className="bubble-sender" data-testid="sender" data-peer={m.from}>
            {props.senderName}
          </div>
        )}
        {m.replyTo !== null && context !== undefined && <Quote id={m.replyTo} context={context} />}
        {m.kind === 'file' ? (
          <FileMessage message={m} />
        ) : (
          <MessageText text={m.text ?? ''} mentionNames={props.mentionNames} />
        )}
        <div className="bubble-meta">
          {m.path !== null && (
            <span className={`path path-${m.path}`} data-testid="path">
              {t(`path.${m.path}`)}
            </span>
          )}
          <time dateTime={new Date(m.sentAt).toISOString()}>
            {timeLabel(m.sentAt, props.language)}
          </time>
          {m.direction === 'out' && <Ticks state={m.state} />}
        </div>
        {m.state === 'failed' && (
          <div className="bubble-failure" data-testid="failure" role="status">
            {t('state.failedBecause', { reason: m.failure ?? '' })}
          </div>
        )}
      </div>
    </div>
  )
})

function senderProps(
  senderOf: ((peerId: string) => string) | undefined,
  message: MessageView,
  first: boolean,
): { senderName?: string } {
  if (senderOf === undefined || !first || message.direction !== 'in') return {}
  return { senderName: senderOf(message.from) }
}

export function MessageList(props: {
  history: History
  onNearTop: () => void
  focusId?: string
  onFocused?: () => void
  /** in a group: who wrote an inbound message, named above each of their blocks */
  senderOf?: (peerId: string) => string
  /** a person's name for recall lines and quotes; with it, bubbles have their menu */
  nameOf?: (peerId: string) => string
  /** Reply in a message's menu */
  onReply?: (message: MessageView) => void
  /** a mentioned person's name as the text spells it (mine too, not "You") */
  mentionNameOf?: (peerId: string) => string
}) {
  const { t, i18n } = useTranslation()
  const language = i18n.language
  const rows = useMemo(
    () =>
      buildRows(props.history.items, (ms) =>
        dayLabel(ms, language, {
          today: t('conversation.today'),
          yesterday: t('conversation.yesterday'),
        }),
      ),
    [props.history.items, language, t],
  )
  const [menu, setMenu] = useState<MenuAt | undefined>(undefined)
  const closeMenu = useCallback(() => setMenu(undefined), [])
  const loaded = props.history.items
  const { nameOf, onReply, mentionNameOf } = props
  const context = useMemo((): RowContext | undefined => {
    if (nameOf === undefined) return undefined
    const byId = new Map(loaded.map((m) => [m.id, m]))
    return { nameOf, quoteOf: (id) => byId.get(id), onMenu: setMenu }
  }, [loaded, nameOf])
  const scrollRef = useRef<HTMLDivElement>(null)
  const atBottom = useRef(true)
  const firstKey = useRef<string | undefined>(undefined)
  const lastKey = useRef<string | undefined>(undefined)

  // stable callbacks: the virtualiser recomputes every row's offset when they change
  const estimateSize = useCallback(
    (index: number) => (rows[index]?.kind === 'day' ? 40 : 58),
    [rows],
  )
  const getItemKey = useCallback((index: number) => rows[index]?.key ?? index, [rows])
  const getScrollElement = useCallback(() => scrollRef.current, [])
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement,
    estimateSize,
    getItemKey,
    overscan: 10,
  })

  // prepended an older page: keep the row that was on top where it was
  useLayoutEffect(() => {
    const el = scrollRef.current
    const oldFirst = firstKey.current
    const newFirst = rows[0]?.key
    firstKey.current = newFirst
    if (el === null || oldFirst === undefined || oldFirst === newFirst) return
    const added = rows.findIndex((r) => r.key === oldFirst)
    if (added <= 0) return
    const start = virtualizer.measurementsCache[added]?.start ?? 0
    el.scrollTop += start
  }, [rows, virtualizer])

  // new newest row: follow it if the reader was at the bottom or it is mine
  useLayoutEffect(() => {
    const last = rows[rows.length - 1]
    const previous = lastKey.current
    lastKey.current = last?.key
    if (last === undefined || last.key === previous) return
    const mine = last.kind === 'message' && last.message.direction === 'out'
    if (previous === undefined || atBottom.current || mine)
      virtualizer.scrollToIndex(rows.length - 1, { align: 'end' })
  }, [rows, virtualizer])

  const items = virtualizer.getVirtualItems()
  const firstIndex = items[0]?.index
  const { complete, loading } = props.history
  const onNearTop = props.onNearTop
  useEffect(() => {
    if (firstIndex !== undefined && firstIndex < 15 && !complete && !loading && rows.length > 0)
      onNearTop()
  }, [firstIndex, complete, loading, rows.length, onNearTop])

  // a search result was clicked: load older pages until it is there, then bring it to the middle
  const [flash, setFlash] = useState<string | undefined>(undefined)
  const { focusId, onFocused } = props
  useEffect(() => {
    if (focusId === undefined) return
    const index = rows.findIndex((r) => r.key === focusId)
    if (index >= 0) {
      virtualizer.scrollToIndex(index, { align: 'center' })
      atBottom.current = false
      setFlash(focusId)
      onFocused?.()
    } else if (complete) onFocused?.()
    else if (!loading) onNearTop()
  }, [focusId, rows, complete, loading, onNearTop, onFocused, virtualizer])
  useEffect(() => {
    if (flash === undefined) return
    const timer = setTimeout(() => setFlash(undefined), 2000)
    return () => clearTimeout(timer)
  }, [flash])

  return (
    <div
      className="history"
      ref={scrollRef}
      data-testid="history"
      onScroll={(e) => {
        const el = e.currentTarget
        atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 48
      }}
    >
      {loading && rows.length > 0 && (
        <div className="loading-older">{t('conversation.loadingOlder')}</div>
      )}
      <div className="history-inner" style={{ height: virtualizer.getTotalSize() }}>
        {items.map((item) => {
          const row = rows[item.index]
          if (row === undefined) return null
          return (
            <div
              key={item.key}
              data-index={item.index}
              ref={virtualizer.measureElement}
              className="vrow"
              style={{ transform: `translateY(${item.start}px)` }}
            >
              {row.kind === 'day' ? (
                <div className="day" role="separator" data-testid="day-separator">
                  <span>{row.label}</span>
                </div>
              ) : (
                <MessageRow
                  message={row.message}
                  first={row.first}
                  language={language}
                  flash={row.key === flash}
                  {...senderProps(props.senderOf, row.message, row.first)}
                  context={context}
                  mentionNames={
                    mentionNameOf === undefined || row.message.mentions.length === 0
                      ? undefined
                      : row.message.mentions.map(mentionNameOf)
                  }
                />
              )}
            </div>
          )
        })}
      </div>
      {menu !== undefined && onReply !== undefined && (
        <MessageMenu at={menu} onClose={closeMenu} onReply={onReply} />
      )}
    </div>
  )
}
