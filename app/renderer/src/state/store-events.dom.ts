// How each event changes the UI's snapshot: the node's events (app/api/contract.ts) and the two of
// its host (a notification clicked in Electron, the link to the node up or down). What needs the
// rest of the store (notifying, marking read, reloading) it asks of `EventHooks`.
import type { MessageView } from '../../../api/contract.js'
import type { StoreCore, StoreEvent } from './app-state.dom.js'
import { toProblem } from './app-state.dom.js'
import { noteGroup } from './group-actions.dom.js'
import { insertSorted } from './message-list.dom.js'
import type { PeerBatch } from './peer-batch.dom.js'
import type { TypingExpiry } from './typing-expiry.dom.js'

export interface EventHooks {
  readonly typing: TypingExpiry
  /** peer events, applied once per frame (peer-batch.dom.ts) */
  readonly peers: PeerBatch
  /** a message from someone else, after it is in its history and its typing indicator gone */
  incoming(message: MessageView): void
  /** a message of a conversation not in the list yet */
  refreshConversations(): Promise<void>
  select(conversationId: string): void
  /** everything again: the link came back */
  reload(): Promise<void>
}

export function applyEvent(core: StoreCore, hooks: EventHooks, event: StoreEvent): void {
  // only a run of peer events is coalesced: any other event sees the peers that came before it
  if (event.type !== 'peer') hooks.peers.flush()
  const s = core.state()
  switch (event.type) {
    case 'message':
    case 'message-state': {
      const message = event.message
      const history = s.histories.get(message.conversation)
      if (history !== undefined) {
        const histories = new Map(s.histories)
        histories.set(message.conversation, {
          ...history,
          items: insertSorted(history.items, message),
        })
        core.set({ histories })
      }
      if (event.type === 'message' && message.direction === 'in') {
        hooks.typing.clear(message.from)
        hooks.incoming(message)
      }
      if (!s.conversations.has(message.conversation)) void hooks.refreshConversations()
      break
    }
    case 'peer':
      hooks.peers.note(event.peer)
      break
    case 'peer-forgotten': {
      // the peer events before it were applied above: none of them brings the row back
      if (!s.peers.has(event.peerId)) break
      const peers = new Map(s.peers)
      peers.delete(event.peerId)
      core.set({ peers })
      break
    }
    case 'profile':
      core.set({ me: event.me })
      break
    case 'conversation': {
      const conversations = new Map(s.conversations)
      conversations.set(event.conversation.id, event.conversation)
      core.set({ conversations })
      break
    }
    case 'typing':
      hooks.typing.note(event.peerId, event.typing)
      break
    case 'transfer': {
      const transfers = new Map(s.transfers)
      transfers.set(event.transfer.message, event.transfer)
      core.set({ transfers })
      break
    }
    case 'relay':
      core.set({ relay: event.relay })
      break
    case 'group':
      noteGroup(core, event.group)
      break
    case 'ui:open':
      hooks.select(event.conversation)
      break
    case 'link': {
      const wasDown = !s.linkUp
      if (event.reason === 'unauthorized') {
        core.set({ linkUp: false, linkProblem: 'API_UNAUTHORIZED' })
        break
      }
      core.set({ linkUp: event.up, linkProblem: event.up ? undefined : s.linkProblem })
      if (event.up && wasDown)
        void hooks.reload().catch((error: unknown) => core.set({ problem: toProblem(error) }))
      break
    }
  }
}
