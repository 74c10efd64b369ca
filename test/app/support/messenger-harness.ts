// Builds messenger engines on real SQLite files linked by the in-memory path (router logic tests),
// built by app/node/engine.ts as startNode builds them over the LAN: my profile first, the path built
// with it, the Messenger taking profiles only through the path.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { generateIdentity } from '../../../shared/identity.js'
import type { PathName } from '../../../app/core/delivery.js'
import type { Messenger } from '../../../app/core/messenger.js'
import { createEngine, type EngineOptions } from '../../../app/node/engine.js'
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

export async function makeNode(
  t: TestContext,
  network: MemoryNetwork,
  name: string,
  options: Partial<EngineOptions> = {},
  /** what the receivers are told carried this node's envelopes ('relay': acked means stored by a relay) */
  pathName: PathName = 'lan',
): Promise<TestNode> {
  const identity = await generateIdentity()
  const { peerId } = identity
  const dir = mkdtempSync(join(tmpdir(), `pigeon-${name}-`))
  const file = join(dir, 'pigeon.db')
  const engineOptions: EngineOptions = {
    store: Store.open(file),
    identity,
    name,
    backoff: FAST_BACKOFF,
    deliveryTimeoutMs: 2_000,
    ...options,
  }
  const {
    messenger,
    paths: [path],
  } = createEngine(engineOptions, (profile) => [network.path(peerId, pathName, profile)])
  // a restart keeps the path, as a process restart keeps the network it is on
  const build = (store: Store): Messenger =>
    createEngine({ ...engineOptions, store }, () => [path]).messenger
  const node: TestNode = {
    peerId,
    name,
    file,
    path,
    store: engineOptions.store,
    messenger,
    async restart() {
      await node.messenger.stop()
      node.store.close()
      node.store = Store.open(file)
      node.messenger = build(node.store)
      await node.messenger.start()
    },
  }
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
  options: Partial<EngineOptions> = {},
): Promise<{ net: MemoryNetwork; alice: TestNode; bob: TestNode }> {
  const net = new MemoryNetwork()
  const alice = await makeNode(t, net, 'alice', options)
  const bob = await makeNode(t, net, 'bob', options)
  net.up(alice.peerId)
  net.up(bob.peerId)
  return { net, alice, bob }
}
