// The renderer's store against a scripted node (pure logic: no DOM, no network). A reload takes a
// snapshot with several requests; an event that comes while they are on their way can be newer
// than what the snapshot holds, and must not be undone by it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { PeerView } from '../../app/api/contract.js'
import { AppStore } from '../../app/renderer/src/state/app-store.dom.js'
import { scriptedNode } from './support/scripted-node.js'

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
function scriptedPeers() {
  let answerPeers: (peers: PeerView[]) => void = () => undefined
  const node = scriptedNode({
    peers: () => new Promise<PeerView[]>((resolve) => (answerPeers = resolve)),
  })
  return { ...node, answerPeers: (p: PeerView[]) => answerPeers(p) }
}

test('a peer event that overtakes the reload snapshot is not undone by it', async () => {
  const node = scriptedPeers()
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
  const node = scriptedPeers()
  const store = new AppStore({ api: node.api })
  const started = store.start()
  await new Promise((resolve) => setImmediate(resolve))
  node.answerPeers([bobOnline])
  await started
  const applied = new Promise<void>((resolve) => store.subscribe(resolve))
  node.emit({ type: 'peer', peer: bobOffline })
  await applied // peer events are applied once per frame (state/peer-batch.dom.ts)
  assert.deepEqual(store.getState().peers.get('bob')?.paths, [], 'later events still apply')
})
