// One conversation: who it is with and how they are reached (or, for a group, its name and
// members), the history, who is typing, the composer — or, in a group I am no longer in, a line
// saying so. A group's info panel opens beside the history.
import { useCallback, useEffect, useMemo, useState } from 'react'
import type { MessageView } from '../../../api/contract.js'
import { useTranslation } from 'react-i18next'
import { Avatar } from './Avatar.dom.js'
import { Composer } from './Composer.dom.js'
import { useAppState, useStore } from './context.dom.js'
import { groupColor, peerName } from './format.dom.js'
import { GroupInfo } from './GroupInfo.dom.js'
import { IdentityNotes } from './IdentityNotes.dom.js'
import { MessageList } from './MessageList.dom.js'
import { MuteButton } from './ConversationBadges.dom.js'
import { canSendFiles, sendDropped } from './send-files.dom.js'

export function Conversation(props: { id: string }) {
  const { t } = useTranslation()
  const store = useStore()
  const conversation = useAppState((s) => s.conversations.get(props.id))
  const peer = useAppState((s) => s.peers.get(props.id))
  const peers = useAppState((s) => s.peers)
  const group = useAppState((s) => s.groups.get(props.id))
  const history = useAppState((s) => s.histories.get(props.id))
  const typing = useAppState((s) => s.typing.has(props.id))
  const focus = useAppState((s) => s.focus)
  const [infoOpen, setInfoOpen] = useState(false)
  const [dragging, setDragging] = useState(false)
  const [replyTo, setReplyTo] = useState<MessageView | undefined>(undefined)
  useEffect(() => setReplyTo(undefined), [props.id])
  const myId = useAppState((s) => s.me?.peerId)
  const myName = useAppState((s) => s.me?.name)
  const mentionNameOf = useCallback(
    (peerId: string) => (peerId === myId ? (myName ?? '') : peerName(peers.get(peerId), peerId)),
    [peers, myId, myName],
  )
  const nameOf = useCallback(
    (peerId: string) => (peerId === myId ? t('search.you') : peerName(peers.get(peerId), peerId)),
    [peers, myId, t],
  )
  const onFocused = useCallback(() => store.focused(), [store])
  const onNearTop = useCallback(() => void store.loadOlder(props.id), [store, props.id])

  const isGroup = conversation?.kind === 'group' || props.id.startsWith('group:')
  // files and folders dropped here go to the peer (send-files.dom.ts), an IP Messenger user too
  // (through the bridge, docs/protocol.md §15 "Files"), no groups yet
  const dropFiles = !isGroup && canSendFiles()
  const senderOf = useCallback((peerId: string) => peerName(peers.get(peerId), peerId), [peers])
  const name = isGroup
    ? (group?.name ?? conversation?.title ?? props.id.slice(6))
    : peerName(peer, props.id)
  const reach = isGroup
    ? group === undefined
      ? ''
      : t('group.members', { count: group.members.length })
    : peer?.paths.includes('lan') === true
      ? t('conversation.online')
      : peer?.paths.includes('relay') === true
        ? t('conversation.onlineRelay')
        : t('conversation.offline', { name })
  // Busy and Away as such, before how they are reached (shared/status.ts)
  const status =
    !isGroup && peer?.online === true && peer.status !== null && peer.status !== 'online'
      ? `${t(`everyday.${peer.status}`)} · `
      : ''
  const members = useMemo(
    () =>
      group?.members
        .filter((id) => id !== myId)
        .map((id) => ({ peerId: id, name: peerName(peers.get(id), id) })),
    [group, myId, peers],
  )
  // a group I left or was removed from: its history stays, read-only
  const closed = isGroup && group !== undefined && !group.joined

  return (
    <main
      className={`conversation${dragging ? ' conversation-drop' : ''}`}
      data-testid="conversation"
      data-peer={props.id}
      onDragOver={(e) => {
        if (!dropFiles || !e.dataTransfer.types.includes('Files')) return
        e.preventDefault()
        setDragging(true)
      }}
      onDragLeave={() => setDragging(false)}
      onDrop={(e) => {
        if (!dropFiles) return
        e.preventDefault()
        setDragging(false)
        sendDropped(store, props.id, e.dataTransfer)
      }}
      title={dragging ? t('file.drop', { name }) : undefined}
    >
      <header className="conversation-header">
        <Avatar
          name={name}
          color={isGroup ? groupColor(group?.id ?? props.id) : (peer?.color ?? null)}
          size="large"
          group={isGroup}
          presence={
            isGroup
              ? undefined
              : peer === undefined || !peer.online
                ? 'offline'
                : (peer.status ?? 'online')
          }
        />
        <div className="conversation-heading">
          <h1 className="conversation-title" data-testid="conversation-title">
            {name}
          </h1>
          <div className="conversation-reach" data-testid="reach">
            {status}
            {reach}
          </div>
          {peer?.legacy === true && (
            <div className="conversation-legacy" data-testid="legacy-warning">
              {t('conversation.legacy', { host: peer.host ?? '?' })}
            </div>
          )}
          {!isGroup && peer?.legacy !== true && <IdentityNotes peerId={props.id} />}
        </div>
        <MuteButton id={props.id} />
        {isGroup && group !== undefined && (
          <button
            type="button"
            className="icon-button"
            title={infoOpen ? t('group.closeInfo') : t('group.info')}
            aria-label={infoOpen ? t('group.closeInfo') : t('group.info')}
            aria-expanded={infoOpen}
            onClick={() => setInfoOpen(!infoOpen)}
            data-testid="group-info-toggle"
          >
            ⓘ
          </button>
        )}
      </header>
      <div className="conversation-body">
        <div className="conversation-column">
          {history === undefined || (history.items.length === 0 && history.loading) ? (
            <div className="history history-empty" />
          ) : history.items.length === 0 ? (
            <div className="history history-empty">
              <p className="teach" data-testid="empty-conversation">
                {isGroup ? t('group.empty') : t('conversation.empty', { name })}
              </p>
            </div>
          ) : (
            <MessageList
              history={history}
              onNearTop={onNearTop}
              focusId={focus}
              onFocused={onFocused}
              senderOf={isGroup ? senderOf : undefined}
              nameOf={nameOf}
              mentionNameOf={mentionNameOf}
              onReply={setReplyTo}
            />
          )}
          {!isGroup && (
            <div className="typing" aria-live="polite" data-testid="typing">
              {typing ? t('conversation.typing', { name }) : ''}
            </div>
          )}
          {closed ? (
            <p className="composer-closed" role="status" data-testid="group-closed">
              {t('group.notMember')}
            </p>
          ) : (
            <Composer
              conversationId={props.id}
              name={name}
              typingNotifications={!isGroup}
              files={!isGroup}
              replyTo={
                replyTo === undefined ? undefined : { message: replyTo, name: nameOf(replyTo.from) }
              }
              onReplyDone={() => setReplyTo(undefined)}
              members={isGroup ? members : undefined}
            />
          )}
        </div>
        {isGroup && group !== undefined && infoOpen && (
          <GroupInfo group={group} onClose={() => setInfoOpen(false)} />
        )}
      </div>
    </main>
  )
}
