// One conversation: who it is with and how they are reached, the history, who is typing, the composer.
import { useCallback } from 'react'
import { useTranslation } from 'react-i18next'
import { Avatar } from './Avatar.dom.js'
import { Composer } from './Composer.dom.js'
import { useAppState, useStore } from './context.dom.js'
import { peerName } from './format.dom.js'
import { MessageList } from './MessageList.dom.js'

export function Conversation(props: { id: string }) {
  const { t } = useTranslation()
  const store = useStore()
  const conversation = useAppState((s) => s.conversations.get(props.id))
  const peer = useAppState((s) => s.peers.get(props.id))
  const group = useAppState((s) => s.groups?.find((g) => `group:${g.id}` === props.id))
  const history = useAppState((s) => s.histories.get(props.id))
  const typing = useAppState((s) => s.typing.has(props.id))
  const focus = useAppState((s) => s.focus)
  const onFocused = useCallback(() => store.focused(), [store])
  const onNearTop = useCallback(() => void store.loadOlder(props.id), [store, props.id])

  const isGroup = conversation?.kind === 'group' || props.id.startsWith('group:')
  const name = isGroup
    ? (conversation?.title ?? group?.name ?? props.id.slice(6))
    : peerName(peer, props.id)
  const reach = isGroup
    ? ''
    : peer?.online.includes('lan') === true
      ? t('conversation.online')
      : peer?.online.includes('relay') === true
        ? t('conversation.onlineRelay')
        : t('conversation.offline', { name })

  return (
    <main className="conversation" data-testid="conversation" data-peer={props.id}>
      <header className="conversation-header">
        <Avatar
          name={name}
          color={peer?.color ?? null}
          size="large"
          presence={
            isGroup
              ? undefined
              : peer === undefined || peer.online.length === 0
                ? 'offline'
                : (peer.status ?? 'online')
          }
        />
        <div>
          <h1 className="conversation-title" data-testid="conversation-title">
            {name}
          </h1>
          <div className="conversation-reach" data-testid="reach">
            {reach}
          </div>
        </div>
      </header>
      {history === undefined || (history.items.length === 0 && history.loading) ? (
        <div className="history history-empty" />
      ) : history.items.length === 0 ? (
        <div className="history history-empty">
          <p className="teach" data-testid="empty-conversation">
            {t('conversation.empty', { name })}
          </p>
        </div>
      ) : (
        <MessageList
          history={history}
          onNearTop={onNearTop}
          focusId={focus}
          onFocused={onFocused}
        />
      )}
      <div className="typing" aria-live="polite" data-testid="typing">
        {typing ? t('conversation.typing', { name }) : ''}
      </div>
      <Composer conversationId={props.id} name={name} />
    </main>
  )
}
