// What the relay path needs from the engine: whose presence to watch (everyone I know, and whoever
// I start talking to — docs/protocol.md §4 presence topics), and a retry of every queue when the
// link comes up, since one connection makes every queued recipient reachable at once.
import type { Logger } from 'pino'
import type { Messenger } from '../core/messenger.js'
import type { RelaySlot } from '../core/relay/slot.js'
import type { Store } from '../core/store/index.js'

export function wireRelay(relay: RelaySlot, messenger: Messenger, store: Store, log: Logger): void {
  relay.watch(store.peers.list().map((p) => p.peerId))
  messenger.on('conversation', (c) => {
    if (c.kind === 'peer') relay.watch([c.target])
  })
  messenger.on('group', (g) => relay.watch(g.members))
  messenger.on('peer', (p) => relay.watch([p.peerId]))
  relay.on('status', (status) => {
    if (status.state === 'connected') messenger.retryAll()
    else if (status.lastError !== undefined)
      log.warn({ relay: status.url, ...status.lastError }, 'relay link')
  })
}
