// Native notifications for incoming messages while the window is not focused; whether and how
// loudly is shared/notify.ts's decision (the stored choice, muted, mentions, Busy). A click shows
// the window and asks the renderer to open the conversation ('ui:open' on the event channel).
import { BrowserWindow, Notification } from 'electron'
import { notifyDecision } from '../../shared/notify.js'
import { groupOfConversation } from '../core/store/conversations.js'
import type { RunningNode } from '../node/start-node.js'
import { EVENT_CHANNEL } from './ipc-channels.main.js'

/** `mainWindow` is asked at each message: the window may be made again (macOS `activate`). */
export function notifyIncoming(
  running: RunningNode,
  mainWindow: () => BrowserWindow | undefined,
  showWindow: () => void,
): void {
  running.messenger.on('message', (row) => {
    const window = mainWindow()
    if (row.direction !== 'in' || window === undefined || window.isFocused()) return
    if (!Notification.isSupported()) return
    // muted, Busy (shared/notify.ts)
    const decision = notifyDecision({
      enabled: running.messenger.getSetting('ui.notifications') !== false,
      muted: running.messenger.conversations().some((c) => c.id === row.conversationId && c.muted),
      mentionsMe: row.mentions?.includes(running.messenger.peerId) === true,
      myStatus: running.messenger.me().status,
    })
    if (decision === 'none') return
    const sender = running.messenger.peer(row.sender)?.name ?? 'Pigeon'
    const groupId = groupOfConversation(row.conversationId)
    const group = groupId === undefined ? undefined : running.messenger.groupById(groupId)
    const notification = new Notification({
      title: group === undefined ? sender : `${sender} · ${group.name}`,
      body: (row.text ?? '').slice(0, 200),
      silent: decision === 'quiet',
    })
    notification.on('click', () => {
      showWindow()
      mainWindow()?.webContents.send(EVENT_CHANNEL, {
        type: 'ui:open',
        conversation: row.conversationId,
      })
    })
    notification.show()
  })
}
