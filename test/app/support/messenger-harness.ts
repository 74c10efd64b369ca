// Builds messenger engines on real SQLite files linked by the in-memory path (router logic tests),
// wired as app/node/start-node.ts wires them over the LAN: the same Messenger, the same profile path.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { generateIdentity, type Identity } from '../../../shared/identity.js'
import type { PathName } from '../../../app/core/delivery.js'
import { ensureMyProfile, Messenger, type MessengerOptions } from '../../../app/core/messenger.js'
import { profileBody } from '../../../app/core/profile-service.js'
import { Store } from '../../../app/core/store/index.js'
import { MemoryNetwork, type MemoryPath } from './memory-path.js'

export interface TestNode {
  peerId: string
  name: string
  store: Store
  file: string
  path: MemoryPath
  messenger: Messenger
  /** stops the engine and opens a fresh one on the same store file (a restart) */
  restart(): Promise<void>
}

export const FAST_BACKOFF = { baseMs: 20, maxMs: 80 }

/**
 * A memory path for this store's user, built as startNode builds the LAN network: my profile row
 * first (ensureMyProfile), and the path announces it on meeting a peer and on every change.
 */
export function memoryPathFor(
  network: MemoryNetwork,
  store: Store,
  identity: Identity,
  name: string,
  pathName: PathName = 'lan',
): MemoryPath {
  const me = ensureMyProfile(store, { peerId: identity.peerId, name, now: Date.now() })
  return network.path(identity.peerId, pathName, profileBody(me))
}

export async function makeNode(
  t: TestContext,
  network: MemoryNetwork,
  name: string,
  options: Partial<MessengerOptions> = {},
  /** what the receivers are told carried this node's envelopes ('relay': acked means stored by a relay) */
  pathName: PathName = 'lan',
): Promise<TestNode> {
  const identity = await generateIdentity()
  const { peerId } = identity
  const dir = mkdtempSync(join(tmpdir(), `pigeon-${name}-`))
  const file = join(dir, 'pigeon.db')
  const store = Store.open(file)
  const path = memoryPathFor(network, store, identity, options.name ?? name, pathName)
  const build = (store: Store): Messenger =>
    new Messenger({
      store,
      identity,
      paths: [path],
      name,
      backoff: FAST_BACKOFF,
      deliveryTimeoutMs: 2_000,
      ...options,
    })
  const node: TestNode = {
    peerId,
    name,
    file,
    path,
    store,
    messenger: undefined as unknown as Messenger,
    async restart() {
      await node.messenger.stop()
      node.store.close()
      node.store = Store.open(file)
      node.messenger = build(node.store)
      await node.messenger.start()
    },
  }
  node.messenger = build(node.store)
  await node.messenger.start()
  t.after(async () => {
    await node.messenger.stop()
    node.store.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return node
}

/** Alice and Bob, both online on one in-memory network. */
export async function onlinePair(
  t: TestContext,
  options: Partial<MessengerOptions> = {},
): Promise<{ net: MemoryNetwork; alice: TestNode; bob: TestNode }> {
  const net = new MemoryNetwork()
  const alice = await makeNode(t, net, 'alice', options)
  const bob = await makeNode(t, net, 'bob', options)
  net.up(alice.peerId)
  net.up(bob.peerId)
  return { net, alice, bob }
}
