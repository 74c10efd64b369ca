// A presence burst in the renderer's store (state/peer-batch.dom.ts): hundreds of peer events in a
// row change the snapshot once, not once per event, so the screens render once; any other event
// still sees every peer event that came before it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { MessengerEvent, PeerView } from '../../app/api/contract.js'
import { AppStore } from '../../app/renderer/src/state/app-store.dom.js'
import { scriptedNode } from './support/scripted-node.js'

const peer = (i: number): PeerView => ({
  peerId: `peer-${i}`,
  name: `Person ${i}`,
  color: i % 12,
  status: 'online',
  online: true,
  paths: ['lan'],
  addresses: [],
  lastSeen: i,
  workgroup: `Dept ${i % 7}`,
  host: `host-${i}`,
  fingerprint: '0000 0000',
  verified: false,
})

async function startedStore(): Promise<{ store: AppStore; emit(e: MessengerEvent): void }> {
  const node = scriptedNode()
  const store = new AppStore({ api: node.api })
  await store.start()
  return { store, emit: node.emit }
}

test('400 peers coming online at once change the snapshot once', async () => {
  const { store, emit } = await startedStore()
  let changes = 0
  store.subscribe(() => changes++)
  const settled = new Promise<void>((resolve) => store.subscribe(resolve))
  for (let i = 0; i < 400; i++) emit({ type: 'peer', peer: peer(i) })
  assert.equal(changes, 0, 'nothing rendered per event')
  await settled
  assert.equal(changes, 1)
  assert.equal(store.getState().peers.size, 400)
  // the newest event of a peer wins
  emit({ type: 'peer', peer: { ...peer(7), status: 'busy' } })
  emit({ type: 'peer', peer: { ...peer(7), status: 'away' } })
  await new Promise<void>((resolve) => store.subscribe(resolve))
  assert.equal(store.getState().peers.get('peer-7')?.status, 'away')
  assert.equal(changes, 2)
  store.stop()
})

test('an event of another kind sees the peer events before it', async () => {
  const { store, emit } = await startedStore()
  emit({ type: 'peer', peer: { ...peer(1), status: 'busy' } })
  let seen: string | null | undefined
  store.subscribe(() => (seen ??= store.getState().peers.get('peer-1')?.status))
  emit({
    type: 'profile',
    me: {
      peerId: 'me',
      name: 'Me',
      color: 3,
      status: 'online',
      version: 2,
      workgroup: null,
      host: null,
      addresses: [],
    },
  })
  assert.equal(store.getState().peers.get('peer-1')?.status, 'busy')
  assert.equal(seen, 'busy')
  store.stop()
})

test('a peer event that overtook the reply to addContact wins over the reply, while it waits for its frame', async () => {
  let answer: (view: PeerView) => void = () => undefined
  const node = scriptedNode({
    addContact: () => new Promise<PeerView>((resolve) => (answer = resolve)),
  })
  const store = new AppStore({ api: node.api })
  await store.start()
  const adding = store.addContact('pigeon:peer-9')
  // the contact's profile came through the relay before the node's reply, which was made
  // before it and so has no name yet
  node.emit({ type: 'peer', peer: { ...peer(9), name: 'Bob' } })
  answer({ ...peer(9), name: null })
  assert.equal(await adding, undefined)
  assert.equal(store.getState().peers.get('peer-9')?.name, 'Bob', 'the newer event is kept')
  store.stop()
})

test('a peer forgotten in another window leaves this one too, after the peer events before it', async () => {
  const { store, emit } = await startedStore()
  emit({ type: 'peer', peer: peer(1) })
  emit({ type: 'peer', peer: peer(2) })
  // still waiting for its frame: the forget comes after it, so the row must not come back
  emit({ type: 'peer-forgotten', peerId: 'peer-1' })
  assert.equal(store.getState().peers.has('peer-1'), false)
  assert.equal(store.getState().peers.has('peer-2'), true)
  store.stop()
})
