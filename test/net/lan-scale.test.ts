// 24 Pigeon nodes on one namespaced segment (two processes, each node on its own address) all
// come to see each other online: listed by their signed mDNS records, with known-answer
// suppression, and with no connection at all — the mesh of connections that did not converge is
// gone (docs/protocol.md §16).
// No wall-time assert: the deadline is only there so a failure ends.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { startSwarm } from '../support/swarm.js'

const NODES = 24

test(`${NODES} nodes on one segment all see each other online`, async (t) => {
  const swarm = await startSwarm({ nodes: NODES, processes: 2, staggerMs: 100 })
  t.after(() => swarm.stop())
  const times = await swarm.allVisible(75_000)
  assert.equal(times.length, NODES)
  // every node saw every other one, not just the count: each process says so per node
  const started = swarm.processes.flatMap((p) => p.events('started').map((e) => e.address))
  const visible = swarm.processes.flatMap((p) => p.events('visible').map((e) => e.address))
  assert.deepEqual(new Set(visible), new Set(started))
  const connections = await swarm.connectionCounts()
  assert.deepEqual(connections, Array<number>(NODES).fill(0), 'listed without connecting')
})
