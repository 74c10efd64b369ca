// Two real engines (real SQLite files, real local API servers, real web UI servers) in this
// process, linked by the in-memory path: the UI bench and quick previews need a node with a big
// history and no LAN. The e2e tests use real `pigeon start --web` processes on a namespaced LAN.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { newMessageId } from '../../../shared/envelope.js'
import { generateIdentity } from '../../../shared/identity.js'
import { LocalApi } from '../../../app/api/local.js'
import { startApiServer, type ApiServer } from '../../../app/api/server.js'
import type { Messenger } from '../../../app/core/messenger.js'
import { createEngine } from '../../../app/node/engine.js'
import { Store } from '../../../app/core/store/index.js'
import { serveWebUi, type WebUi } from '../../../app/web/serve.js'
import { MemoryNetwork } from '../../app/support/memory-path.js'

export interface PairNode {
  peerId: string
  name: string
  store: Store
  messenger: Messenger
  api: ApiServer
  web: WebUi
}

export interface MemoryPair {
  alice: PairNode
  bob: PairNode
  network: MemoryNetwork
  close(): Promise<void>
}

/** `count` messages between a and b, oldest `days` ago, alternating in runs; all read. */
export function seedHistory(
  store: Store,
  me: string,
  other: string,
  count: number,
  days = 30,
): void {
  const now = Date.now()
  const span = days * 86_400_000
  const words = [
    '好的',
    'see you at the standup',
    '我们明天在会议室见',
    'the build is green again',
    'lunch?',
    '北京的天气怎么样',
    'pushed the fix, can you look',
    '收到，谢谢！',
  ]
  store.transaction(() => {
    store.peers.ensure(other)
    const conversation = store.conversations.ensurePeer(other)
    for (let i = 0; i < count; i++) {
      const sentAt = now - span + Math.floor((span * i) / count)
      const out = Math.floor(i / 3) % 2 === 0
      const id = newMessageId(sentAt)
      store.messages.insert({
        id,
        conversationId: conversation,
        sender: out ? me : other,
        sentAt,
        receivedAt: out ? null : sentAt,
        kind: 'text',
        text: `${words[i % words.length] ?? ''} #${i}${i % 7 === 0 ? '\nsecond line of a longer message that wraps across the bubble' : ''}`,
        state: 'read',
        path: i % 5 === 0 ? 'relay' : 'lan',
        direction: out ? 'out' : 'in',
        failure: null,
      })
      store.conversations.noteMessage(conversation, id, sentAt, false)
    }
  })
}

export async function startMemoryPair(options: { history?: number } = {}): Promise<MemoryPair> {
  const dir = mkdtempSync(join(tmpdir(), 'pigeon-ui-'))
  const network = new MemoryNetwork()
  const ids = await Promise.all([generateIdentity(), generateIdentity()])
  const nodes: PairNode[] = []
  try {
    for (const [index, name] of ['Alice', 'Bob'].entries()) {
      const identity = ids[index]
      if (identity === undefined) throw new Error('no identity')
      const peerId = identity.peerId
      const store = Store.open(join(dir, `${name}.db`))
      const { messenger } = createEngine({ store, identity, name }, (profile) => [
        network.path(peerId, 'lan', profile),
      ])
      await messenger.start()
      const api = await startApiServer({ api: new LocalApi(messenger) })
      const web = await serveWebUi({ apiUrl: api.url, token: api.token, port: 0 })
      nodes.push({ peerId, name, store, messenger, api, web })
    }
    const [alice, bob] = nodes as [PairNode, PairNode]
    if ((options.history ?? 0) > 0)
      seedHistory(alice.store, alice.peerId, bob.peerId, options.history ?? 0)
    network.up(alice.peerId)
    network.up(bob.peerId)
    return {
      alice,
      bob,
      network,
      async close() {
        for (const node of nodes) {
          await node.web.close()
          await node.api.close()
          await node.messenger.stop()
          node.store.close()
        }
        rmSync(dir, { recursive: true, force: true })
      },
    }
  } catch (error) {
    for (const node of nodes) {
      await node.web.close().catch(() => undefined)
      await node.api.close().catch(() => undefined)
      await node.messenger.stop().catch(() => undefined)
      node.store.close()
    }
    rmSync(dir, { recursive: true, force: true })
    throw error
  }
}
