// Two `pigeon-relay` processes as one cluster on a Debian redis-server of the test's own
// (docs/relay.md "Cluster mode"): both share the relay key, so they present one relay id.
import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { startRedis } from './brokers.js'
import { closeAll } from './mqtt-clients.js'
import { newDataDir, startRelayProcess, type RelayProcess } from './relay-process.js'

export interface RelayCluster {
  nodeA: RelayProcess
  nodeB: RelayProcess
  /** closes the test's MQTT clients, stops both nodes and Redis, removes the data dirs */
  stop(): Promise<void>
}

export async function startRelayCluster(args: string[] = []): Promise<RelayCluster> {
  const redis = await startRedis()
  const nodeA = await startRelayProcess({ args: ['--redis', redis.url, ...args] })
  // every node of one relay shares its identity: copy the key before the second node starts
  const dirB = newDataDir()
  copyFileSync(join(nodeA.dataDir, 'relay.key'), join(dirB, 'relay.key'))
  const nodeB = await startRelayProcess({ dataDir: dirB, args: ['--redis', redis.url, ...args] })
  return {
    nodeA,
    nodeB,
    async stop() {
      await closeAll()
      await Promise.all([nodeA.stop(), nodeB.stop()])
      nodeA.cleanup()
      nodeB.cleanup()
      await redis.stop()
    },
  }
}

/** `count` relay processes on one Redis (bench: 1 node vs 3 nodes); all share the first's key */
export async function startRelayNodes(
  count: number,
  args: string[] = [],
): Promise<{ nodes: RelayProcess[]; stop(): Promise<void> }> {
  const redis = await startRedis()
  const first = await startRelayProcess({
    args: ['--redis', redis.url, ...args],
    timeoutMs: 30_000,
  })
  const rest = await Promise.all(
    Array.from({ length: count - 1 }, () => {
      const dir = newDataDir()
      copyFileSync(join(first.dataDir, 'relay.key'), join(dir, 'relay.key'))
      return startRelayProcess({
        dataDir: dir,
        args: ['--redis', redis.url, ...args],
        timeoutMs: 30_000,
      })
    }),
  )
  const nodes = [first, ...rest]
  return {
    nodes,
    async stop() {
      await Promise.all(nodes.map((n) => n.stop()))
      for (const n of nodes) n.cleanup()
      await redis.stop()
    },
  }
}
