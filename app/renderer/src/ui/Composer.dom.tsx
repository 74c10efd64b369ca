// Enter sends, Shift+Enter starts a new line; Enter that confirms an IME candidate (typing Chinese)
// does neither. Typing notifications are throttled and end on send or after a pause; a group gets
// none (the engine would not send them: one envelope per member per pause).
import { useEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { UploadLine } from './UploadLine.dom.js'
import { canSendFiles, sendPicked } from './send-files.dom.js'
import { useStore } from './context.dom.js'

const TYPING_REPEAT_MS = 3000
const TYPING_IDLE_MS = 4000

export function Composer(props: {
  conversationId: string
  name: string
  disabled?: boolean
  /** false for a group */
  typingNotifications?: boolean
  /** the attach buttons (files, a folder): a direct chat (send-files.dom.ts) */
  files?: boolean
}) {
  const { t } = useTranslation()
  const store = useStore()
  const [text, setText] = useState('')
  const lastTyping = useRef(0)
  const idle = useRef<ReturnType<typeof setTimeout> | undefined>(undefined)
  const area = useRef<HTMLTextAreaElement>(null)
  const picker = useRef<HTMLInputElement>(null)
  const folderPicker = useRef<HTMLInputElement>(null)
  const attach = props.files === true && canSendFiles()
  const conversationId = props.conversationId
  const notifyTyping = props.typingNotifications !== false

  // React has no prop for it: the folder picker is a file input with webkitdirectory
  useEffect(() => folderPicker.current?.setAttribute('webkitdirectory', ''), [attach])

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
    <>
      {attach && <UploadLine conversationId={conversationId} />}
      <form
        className="composer"
        onSubmit={(e) => {
          e.preventDefault()
          void send()
        }}
      >
        {attach && (
          <>
            {[
              { ref: picker, kind: 'attach', label: t('file.attach'), icon: '📎' },
              {
                ref: folderPicker,
                kind: 'attach-folder',
                label: t('file.attachFolder'),
                icon: '📁',
              },
            ].map(({ ref, kind, label, icon }) => (
              <span key={kind}>
                <input
                  ref={ref}
                  type="file"
                  multiple
                  hidden
                  data-testid={`${kind}-input`}
                  onChange={(e) => {
                    const files = e.target.files
                    if (files !== null && files.length > 0) sendPicked(store, conversationId, files)
                    e.target.value = ''
                  }}
                />
                <button
                  type="button"
                  className="attach"
                  title={label}
                  aria-label={label}
                  disabled={props.disabled}
                  onClick={() => ref.current?.click()}
                  data-testid={kind}
                >
                  {icon}
                </button>
              </span>
            ))}
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
            if (
              e.key === 'Enter' &&
              !e.shiftKey &&
              !e.nativeEvent.isComposing &&
              e.keyCode !== 229
            ) {
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
    </>
  )
}
