// Enter sends, Shift+Enter starts a new line; Enter that confirms an IME candidate (typing Chinese)
// does neither. Typing notifications are throttled and end on send or after a pause; a group gets
// none (the engine would not send them: one envelope per member per pause).
import { useEffect, useLayoutEffect, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { MessageView } from '../../../api/contract.js'
import { UploadLine } from './UploadLine.dom.js'
import { canSendFiles, sendPicked } from './send-files.dom.js'
import { useStore } from './context.dom.js'
import { useDraft } from './use-draft.dom.js'
import { LongText, tooLong } from './LongText.dom.js'
import { MentionList, mentionsIn, useMentions, type Member } from './MentionPicker.dom.js'

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
  /** the message being answered (Reply in its menu), and its author's name */
  replyTo?: { message: MessageView; name: string }
  onReplyDone?: () => void
  /** a group's members but me: @ opens a picker of them */
  members?: readonly Member[]
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

  const mentions = useMentions(props.members)
  const draft = useDraft(conversationId, setText)
  const replyTo = props.replyTo
  useEffect(() => {
    if (replyTo !== undefined) area.current?.focus()
  }, [replyTo])
  // React has no prop for it: the folder picker is a file input with webkitdirectory
  useEffect(() => folderPicker.current?.setAttribute('webkitdirectory', ''), [attach])

  useEffect(() => {
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

  const onChange = (value: string, caret: number): void => {
    setText(value)
    draft.changed(value)
    mentions.update(value, caret)
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
    if (body.trim().length === 0 || tooLong(body)) return
    stopTyping()
    setText('')
    draft.changed('')
    const picked = mentionsIn(body, mentions.picked)
    const options = {
      ...(replyTo !== undefined && { replyTo: replyTo.message.id }),
      ...(picked.length > 0 && { mentions: picked }),
    }
    const ok = await store.send(conversationId, body, options)
    if (!ok) {
      setText(body) // keep what the user wrote; the banner says why
      draft.changed(body)
      return
    }
    mentions.reset()
    props.onReplyDone?.()
  }

  const pickMention = (member: Member): void => {
    const el = area.current
    const next = mentions.pick(member, text, el?.selectionStart ?? text.length)
    setText(next.text)
    draft.changed(next.text)
    caretTo.current = next.caret
  }
  // the caret goes after the picked name in the same commit as the text, before another key
  // can land where it was
  const caretTo = useRef<number | undefined>(undefined)
  useLayoutEffect(() => {
    const at = caretTo.current
    if (at === undefined) return
    caretTo.current = undefined
    area.current?.setSelectionRange(at, at)
  }, [text])

  return (
    <>
      {replyTo !== undefined && (
        <div className="replying" data-testid="replying">
          <span className="replying-to">{t('everyday.replyingTo', { name: replyTo.name })}</span>
          <span className="replying-text">{(replyTo.message.text ?? '').slice(0, 140)}</span>
          <button
            type="button"
            className="icon-button"
            aria-label={t('everyday.cancelReply')}
            title={t('everyday.cancelReply')}
            onClick={() => props.onReplyDone?.()}
            data-testid="cancel-reply"
          >
            ✕
          </button>
        </div>
      )}
      <LongText
        text={text}
        peer={props.members === undefined ? conversationId : undefined}
        onSent={() => {
          setText('')
          draft.changed('')
        }}
      />
      <MentionList matches={mentions.matches} active={mentions.active} onPick={pickMention} />
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
          onChange={(e) => onChange(e.target.value, e.target.selectionStart)}
          onBlur={() => mentions.close()}
          onKeyDown={(e) => {
            const choosing = mentions.matches.length > 0
            if (choosing && (e.key === 'ArrowDown' || e.key === 'ArrowUp')) {
              e.preventDefault()
              mentions.move(e.key === 'ArrowDown' ? 1 : -1)
              return
            }
            if (choosing && e.key === 'Escape') {
              e.preventDefault()
              mentions.close()
              return
            }
            const member = mentions.matches[mentions.active]
            if (
              choosing &&
              member !== undefined &&
              (e.key === 'Enter' || e.key === 'Tab') &&
              !e.nativeEvent.isComposing
            ) {
              e.preventDefault()
              pickMention(member)
              return
            }
            if (e.key === 'Escape' && replyTo !== undefined) props.onReplyDone?.()
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
          disabled={props.disabled === true || text.trim().length === 0 || tooLong(text)}
          data-testid="send"
        >
          {t('conversation.send')}
        </button>
      </form>
    </>
  )
}
