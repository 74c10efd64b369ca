// The renderer's store against a scripted node (pure logic: no DOM, no network). A reload takes a
// snapshot with several requests; an event that comes while they are on their way can be newer
// than what the snapshot holds, and must not be undone by it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { MessengerApi, MessengerEvent, PeerView } from '../../app/api/contract.js'
import { AppStore } from '../../app/renderer/src/state/app-store.dom.js'

const bobOffline: PeerView = {
  peerId: 'bob',
  name: 'Bob',
  color: 1,
  status: 'online',
  online: false,
  paths: [],
  addresses: [],
  lastSeen: 1,
  workgroup: null,
  host: null,
  fingerprint: '0000 0000',
  verified: false,
}
const bobOnline: PeerView = { ...bobOffline, online: true, paths: ['relay'], lastSeen: 2 }

/** A node whose peers() answers with an old snapshot only when the test says so. */
function scriptedNode() {
  let emit: (event: MessengerEvent) => void = () => undefined
  let answerPeers: (peers: PeerView[]) => void = () => undefined
  const calls = {
    me: async () => ({
      peerId: 'me',
      name: 'Me',
      color: 2,
      status: 'online' as const,
      version: 1,
      addresses: [],
    }),
    peers: () => new Promise<PeerView[]>((resolve) => (answerPeers = resolve)),
    conversations: async () => [],
    groups: async () => [],
    transfers: async () => [],
    relayStatus: async () => ({ state: 'off' as const, url: null, lastError: null, retryAt: null }),
    subscribe: (listener: (event: MessengerEvent) => void) => {
      emit = listener
      return () => undefined
    },
  }
  const api = new Proxy(calls, {
    get: (target, name) => (target as Record<string | symbol, unknown>)[name],
  }) as unknown as MessengerApi
  return {
    api,
    emit: (e: MessengerEvent) => emit(e),
    answerPeers: (p: PeerView[]) => answerPeers(p),
  }
}

test('a peer event that overtakes the reload snapshot is not undone by it', async () => {
  const node = scriptedNode()
  const store = new AppStore({ api: node.api })
  const started = store.start()
  await new Promise((resolve) => setImmediate(resolve))
  // the node took the snapshot (Bob offline), then Bob came online and the event went out first
  node.emit({ type: 'peer', peer: bobOnline })
  node.answerPeers([bobOffline])
  await started
  assert.equal(store.getState().ready, true)
  assert.deepEqual(store.getState().peers.get('bob')?.paths, ['relay'])
})

test('without a late event the snapshot is what the store shows', async () => {
  const node = scriptedNode()
  const store = new AppStore({ api: node.api })
  const started = store.start()
  await new Promise((resolve) => setImmediate(resolve))
  node.answerPeers([bobOnline])
  await started
  node.emit({ type: 'peer', peer: bobOffline })
  assert.deepEqual(store.getState().peers.get('bob')?.paths, [], 'later events still apply')
})
