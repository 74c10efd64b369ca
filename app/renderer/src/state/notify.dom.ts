// The browser's side of shared/notify.ts: whether a message that just came notifies, from what
// the store knows (the switch, the conversation's mute, a mention of me, my status).
import { notifyDecision, type NotifyDecision } from '../../../../shared/notify.js'
import type { MessageView } from '../../../api/contract.js'
import { notificationsEnabled } from '../ui/notifications.dom.js'
import type { AppState } from './app-store.dom.js'

export function notifyDecisionFor(message: MessageView, state: AppState): NotifyDecision {
  const me = state.me
  return notifyDecision({
    enabled: notificationsEnabled(),
    muted: state.conversations.get(message.conversation)?.muted === true,
    mentionsMe: me !== undefined && message.mentions.includes(me.peerId),
    myStatus: me?.status ?? 'online',
  })
}
