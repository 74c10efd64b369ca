// For the relay-path file tests (test/files/relay-*.test.ts, group-*.test.ts): a real relay
// process, stopped after the test, and whole nodes in this process (startNode: real store, LAN
// on 127.0.0.1, mDNS off) that use it and find its blob store on its HTTP port. Not a test file.
import type { TestContext } from 'node:test'
import { startNode, type RunningNode } from '../../app/node/start-node.js'
import { tempDataDir } from '../app/support/cli.js'
import {
  startRelayProcess,
  type RelayProcess,
  type StartRelayOptions,
} from '../support/relay-process.js'

export async function startTestRelay(
  t: TestContext,
  options?: StartRelayOptions,
): Promise<RelayProcess & { address: string }> {
  const relay = await startRelayProcess(options)
  t.after(async () => {
    await relay.stop()
    relay.cleanup()
  })
  return Object.assign(relay, { address: `${relay.mqtt}#${relay.relayId}` })
}

/** A node on the relay; `connect`: LAN addresses to dial (as mDNS would have found them). */
export async function relayNode(
  t: TestContext,
  relay: RelayProcess & { address: string },
  name: string,
  options: { dataDir?: string; connect?: string[]; keep?: boolean } = {},
): Promise<RunningNode> {
  const running = await startNode({
    mdns: false,
    listenHost: '127.0.0.1',
    dataDir: options.dataDir ?? tempDataDir(t, name),
    name,
    relay: relay.address,
    connect: options.connect,
  })
  if (options.keep !== true) t.after(() => running.stop())
  running.store.settings.set('files.relayBlobUrl', relay.http)
  return running
}

/** whether the relay holds no blob (its Prometheus gauge) */
export async function relayHasNoBlob(relay: RelayProcess): Promise<boolean> {
  return /^pigeon_relay_blobs 0$/m.test(await (await fetch(`${relay.http}/metrics`)).text())
}
