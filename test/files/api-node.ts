// A whole node for the files tests that drive the local API (startNode: real store, real LAN
// node on 127.0.0.1, mDNS off), stopped in t.after, with its ApiClient. Not a test file.
import type { TestContext } from 'node:test'
import { connectToDataDir } from '../../app/api/discover.js'
import { startNode } from '../../app/node/start-node.js'
import { tempDataDir } from '../app/support/cli.js'
import { until } from '../app/support/wait.js'

export async function apiNode(t: TestContext, name: string, connect?: string[]) {
  const running = await startNode({
    mdns: false,
    listenHost: '127.0.0.1',
    dataDir: tempDataDir(t, name),
    name,
    connect,
  })
  t.after(() => running.stop())
  return { running, client: await connectToDataDir(running.dataDir) }
}

/** Ada and Bo, Bo dialled to Ada, once Ada sees Bo online */
export async function apiPair(t: TestContext) {
  const ada = await apiNode(t, 'Ada')
  const bo = await apiNode(t, 'Bo', ada.running.addresses())
  await until(() => ada.running.messenger.peer(bo.running.peerId)?.online.length === 1, 'online')
  return { ada, bo }
}
