// Enter sends, Shift+Enter starts a new line; Enter that confirms an IME candidate (typing Chinese)
// does neither. Typing notifications are throttled and end on send or after a pause; a group gets
// none (the engine would not send them: one envelope per member per pause).
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { canSendLocalFiles, localPaths } from '../api/local-paths.dom.js'
import { useStore } from './context.dom.js'

const TYPING_REPEAT_MS = 3000
const TYPING_IDLE_MS = 4000

export function Composer(props: {
  conversationId: string
  name: string
  disabled?: boolean
  /** false for a group */
  typingNotifications?: boolean
  /** the attach button: a direct chat in Electron (local-paths.dom.ts) */
  files?: boolean
}) {
  const { t } = useTranslation()
  const store = useStore()
  const [text, setText] = useState('')
  const lastTyping = useRef(0)
  const idle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const area = useRef<HTMLTextAreaElement>(null)
  const picker = useRef<HTMLInputElement>(null)
  const attach = props.files === true && canSendLocalFiles()
  const conversationId = props.conversationId
  const notifyTyping = props.typingNotifications !== false

  useEffect(() => {
    setText('')
    area.current?.focus()
    return () => {
      clearTimeout(idle.current)
      if (lastTyping.current > 0) store.typing(conversationId, false)
      lastTyping.current = 0
    }
  }, [conversationId, store])

  const stopTyping = (): void => {
    clearTimeout(idle.current)
    if (lastTyping.current > 0) store.typing(conversationId, false)
    lastTyping.current = 0
  }

  const onChange = (value: string): void => {
    setText(value)
    if (!notifyTyping) return
    if (value.trim().length === 0) return stopTyping()
    const now = Date.now()
    if (now - lastTyping.current > TYPING_REPEAT_MS) {
      lastTyping.current = now
      store.typing(conversationId, true)
    }
    clearTimeout(idle.current)
    idle.current = setTimeout(stopTyping, TYPING_IDLE_MS)
  }

  const send = async (): Promise<void> => {
    const body = text.replace(/\s+$/u, '')
    if (body.trim().length === 0) return
    stopTyping()
    setText('')
    const ok = await store.send(conversationId, body)
    if (!ok) setText(body) // keep what the user wrote; the banner says why
  }

  return (
    <form
      className="composer"
      onSubmit={(e) => {
        e.preventDefault()
        void send()
      }}
    >
      {attach && (
        <>
          <input
            ref={picker}
            type="file"
            multiple
            hidden
            data-testid="attach-input"
            onChange={(e) => {
              const files = e.target.files
              if (files !== null) void store.sendFiles(conversationId, localPaths(files))
              e.target.value = ''
            }}
          />
          <button
            type="button"
            className="attach"
            title={t('file.attach')}
            aria-label={t('file.attach')}
            disabled={props.disabled}
            onClick={() => picker.current?.click()}
            data-testid="attach"
          >
            📎
          </button>
        </>
      )}
      <textarea
        ref={area}
        value={text}
        rows={Math.min(6, Math.max(1, text.split('\n').length))}
        placeholder={t('conversation.composer', { name: props.name })}
        aria-label={t('conversation.composer', { name: props.name })}
        title={t('conversation.composerHint')}
        disabled={props.disabled}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing && e.keyCode !== 229) {
            e.preventDefault()
            void send()
          }
        }}
        data-testid="composer"
      />
      <button
        type="submit"
        className="send"
        disabled={props.disabled === true || text.trim().length === 0}
        data-testid="send"
      >
        {t('conversation.send')}
      </button>
    </form>
  )
}
