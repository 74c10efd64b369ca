// The menu of one message, on right-click or a long press: reply, copy its text, and — my own
// text, within LIMITS.recallMs of sending it — recall (docs/protocol.md §2 "Recall"). The node
// checks the window again; the menu only leaves out what would be refused.
import { useEffect, useRef } from 'react'
import { useTranslation } from 'react-i18next'
import { LIMITS, type MessageView } from '../../../api/contract.js'
import { useStore } from './context.dom.js'

export interface MenuAt {
  message: MessageView
  x: number
  y: number
}

const LONG_PRESS_MS = 500

/** Handlers for a bubble: right-click, or a touch held still for half a second. */
export function menuTriggers(message: MessageView, open: (at: MenuAt) => void) {
  let timer: ReturnType<typeof setTimeout> | undefined
  const cancel = (): void => clearTimeout(timer)
  return {
    onContextMenu: (e: React.MouseEvent) => {
      e.preventDefault()
      open({ message, x: e.clientX, y: e.clientY })
    },
    onPointerDown: (e: React.PointerEvent) => {
      if (e.pointerType !== 'touch') return
      const { clientX: x, clientY: y } = e
      timer = setTimeout(() => open({ message, x, y }), LONG_PRESS_MS)
    },
    onPointerUp: cancel,
    onPointerMove: cancel,
    onPointerCancel: cancel,
  }
}

export function canRecall(message: MessageView, now = Date.now()): boolean {
  return (
    message.direction === 'out' &&
    message.kind === 'text' &&
    message.recalledAt === null &&
    now - message.sentAt <= LIMITS.recallMs
  )
}

async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text)
  } catch {
    // no clipboard permission (an insecure origin, a denied prompt): the old way still works
    const area = document.createElement('textarea')
    area.value = text
    document.body.append(area)
    area.select()
    document.execCommand('copy')
    area.remove()
  }
}

export function MessageMenu(props: {
  at: MenuAt
  onClose: () => void
  onReply: (message: MessageView) => void
}) {
  const { t } = useTranslation()
  const store = useStore()
  const ref = useRef<HTMLDivElement>(null)
  const { message } = props.at
  const onClose = props.onClose
  useEffect(() => {
    ref.current?.querySelector('button')?.focus()
    const away = (e: Event): void => {
      if (!(e.target instanceof Node) || ref.current?.contains(e.target) !== true) onClose()
    }
    const escape = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') onClose()
    }
    document.addEventListener('pointerdown', away)
    document.addEventListener('keydown', escape)
    return () => {
      document.removeEventListener('pointerdown', away)
      document.removeEventListener('keydown', escape)
    }
  }, [onClose])

  const text = message.recalledAt === null && message.kind === 'text' ? message.text : null
  const act = (run: () => unknown) => () => {
    onClose()
    void Promise.resolve(run()).catch((error: unknown) => store.report(error))
  }
  return (
    <div
      ref={ref}
      className="context-menu"
      role="menu"
      aria-label={t('everyday.menu')}
      style={{ left: props.at.x, top: props.at.y }}
      data-testid="message-menu"
    >
      {text !== null && (
        <button
          type="button"
          role="menuitem"
          onClick={act(() => props.onReply(message))}
          data-testid="menu-reply"
        >
          {t('everyday.reply')}
        </button>
      )}
      {text !== null && (
        <button
          type="button"
          role="menuitem"
          onClick={act(() => copyText(text))}
          data-testid="menu-copy"
        >
          {t('everyday.copy')}
        </button>
      )}
      {canRecall(message) && (
        <button
          type="button"
          role="menuitem"
          onClick={act(() => store.api.recall(message.id))}
          data-testid="menu-recall"
        >
          {t('everyday.recall')}
        </button>
      )}
    </div>
  )
}
