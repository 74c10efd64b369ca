// What the sidebar row of a conversation shows beside its unread count: an @ when an unread
// message mentions me (a group), and a crossed bell when it is muted.
import { useTranslation } from 'react-i18next'
import { useAppState, useStore as useAppStoreApi } from './context.dom.js'

export function ConversationBadges(props: { id: string }) {
  const { t } = useTranslation()
  const conversation = useAppState((s) => s.conversations.get(props.id))
  if (conversation === undefined) return null
  return (
    <>
      {conversation.muted && (
        <span
          className="muted-mark"
          title={t('everyday.muted')}
          aria-label={t('everyday.muted')}
          data-testid="muted"
        >
          🔕
        </span>
      )}
      {conversation.mentions > 0 && (
        <span
          className="badge badge-mention"
          title={t('everyday.mentionedYou')}
          aria-label={t('everyday.mentionedYou')}
          data-testid="mention-badge"
        >
          @
        </span>
      )}
    </>
  )
}

/** The header's mute switch (also `pigeon mute`). */
export function MuteButton(props: { id: string }) {
  const { t } = useTranslation()
  const store = useAppStoreApi()
  const muted = useAppState((s) => s.conversations.get(props.id)?.muted === true)
  const label = muted ? t('everyday.unmute') : t('everyday.mute')
  return (
    <button
      type="button"
      className="icon-button"
      title={label}
      aria-label={label}
      aria-pressed={muted}
      onClick={() => void store.api.mute(props.id, !muted).catch((e: unknown) => store.report(e))}
      data-testid="mute"
    >
      {muted ? '🔕' : '🔔'}
    </button>
  )
}
