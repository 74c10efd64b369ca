// A real node with its IPMsg bridge on loopback for the bridge tests (test/legacy/bridge*.test.ts):
// UDP and TCP on an ephemeral port of 127.0.0.1, announcing only to the test client's port —
// never a broadcast from the host's namespace.
import { startNode, type RunningNode } from '../../app/node/start-node.js'

export async function startLoopbackNode(
  dataDir: string,
  clientPort: number,
  port = 0,
): Promise<RunningNode> {
  return await startNode({
    dataDir,
    name: 'Alice',
    listenHost: '127.0.0.1',
    mdns: false,
    ipmsg: {
      enabled: true,
      port,
      host: '127.0.0.1',
      announceTo: [{ address: '127.0.0.1', port: clientPort }],
    },
  })
}
