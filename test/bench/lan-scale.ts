// `npm run bench -- lan-scale [--nodes 100] [--processes 2] [--stagger 300] [--steady 0]`: N Pigeon nodes on
// one namespaced segment, several per process, each on its own address (test/support/swarm.ts),
// started `--stagger` ms apart. Measures, per node, the time from the last start until it sees
// all the others online (p50/p95), and the mDNS packets on the segment from the first start
// until all are visible, per second per node (and with --steady S, over S seconds after that: the
// settled LAN's refresh queries and answers). In the same run, IP Messenger's pattern over the
// same addresses and stagger (test/support/ipmsg-pattern.ts: a BR_ENTRY broadcast per host, an
// ANSENTRY unicast from each host already there) as the reference.
import { parseArgs } from 'node:util'
import { createLan } from '../support/netns.js'
import { addAddresses, startSwarm } from '../support/swarm.js'
import { percentile, type BenchResult } from './table.js'

export async function run(argv: string[]): Promise<BenchResult> {
  const { values } = parseArgs({
    args: argv,
    options: {
      nodes: { type: 'string', default: '100' },
      processes: { type: 'string', default: '2' },
      stagger: { type: 'string', default: '300' },
      steady: { type: 'string', default: '0' },
    },
    strict: false,
  })
  const nodes = Number(values.nodes)
  const processes = Number(values.processes)
  const staggerMs = Number(values.stagger)
  const steadyS = Number(values.steady)
  let steadyPerNode = NaN
  /** the fewest others a node still had online at the end of the settled period */
  let steadyMinOnline = NaN

  const startedAt = Date.now()
  const swarm = await startSwarm({ nodes, processes, staggerMs })
  let times: number[] = []
  let missing = ''
  let packets: number
  let windowS: number
  let usage: Awaited<ReturnType<typeof swarm.usage>>
  let firstStartCpuMs: number
  let connections: number
  try {
    try {
      times = (await swarm.allVisible(nodes * staggerMs + 180_000)).sort((a, b) => a - b)
    } catch (error) {
      // not all converged within the deadline: say how far each node got instead
      const counts = (await swarm.onlineCounts()).sort((a, b) => a - b)
      missing = `${(error as Error).message}; others online per node: min ${counts[0]}, median ${percentile(counts, 50)}, of ${nodes - 1}`
    }
    windowS = (Date.now() - startedAt) / 1000
    packets = await swarm.packets()
    if (steadyS > 0 && missing === '') {
      await new Promise((r) => setTimeout(r, steadyS * 1000))
      steadyPerNode = ((await swarm.packets()) - packets) / steadyS / nodes
      steadyMinOnline = Math.min(...(await swarm.onlineCounts()))
    }
    usage = await swarm.usage()
    const starts = swarm.processes.flatMap((p) => p.events('started'))
    const first = starts.reduce((a, b) => (Number(a.at) <= Number(b.at) ? a : b))
    firstStartCpuMs = Number(first.startCpuMs)
    connections = (await swarm.connectionCounts()).reduce((sum, n) => sum + n, 0)
  } finally {
    await swarm.stop()
  }
  const ipmsg = await ipmsgReference(nodes, staggerMs)

  const p50 = times.length === nodes ? percentile(times, 50) / 1000 : NaN
  const p95 = times.length === nodes ? percentile(times, 95) / 1000 : NaN
  const perNode = packets / windowS / nodes
  const ipmsgPerNode = ipmsg.packets / (ipmsg.window_ms / 1000) / nodes
  const rss = usage.reduce((sum, u) => sum + u.rss, 0) / nodes / 2 ** 20
  const cpu = usage.reduce((sum, u) => sum + u.cpuMs, 0) / nodes / 1000
  return {
    title: `LAN scale: ${nodes} nodes on one segment, ${processes} processes, started ${staggerMs} ms apart`,
    columns: ['pattern', 'all visible p50 (s)', 'p95 (s)', 'packets', 'pkts/s per node'],
    rows: [
      ['Pigeon mDNS (RFC 6762) + libp2p', p50, p95, packets, perNode],
      [
        'IP Messenger BR_ENTRY/ANSENTRY',
        ipmsg.all_known_ms / 1000,
        ipmsg.all_known_ms / 1000,
        ipmsg.packets,
        ipmsgPerNode,
      ],
    ],
    notes: [
      ...(missing === '' ? [] : [`NOT all visible: ${missing}.`]),
      `"visible" for Pigeon is online: listed by its signed mDNS TXT record (docs/protocol.md §16), no connection needed (libp2p connections at the end: ${connections}); for IP Messenger, an entry heard.`,
      ...(steadyS > 0
        ? [
            `settled, over the ${steadyS} s after all were visible: ${steadyPerNode.toFixed(3)} mDNS pkts/s per node; at its end every node still had at least ${steadyMinOnline} of ${nodes - 1} online.`,
          ]
        : []),
      `per node, whole run: ${cpu.toFixed(2)} s CPU, ${rss.toFixed(1)} MiB RSS (process RSS / nodes); the first node's start took ${firstStartCpuMs.toFixed(0)} ms CPU.`,
    ],
    json: {
      peers: nodes,
      all_visible_s_p50: p50,
      all_visible_s_p95: p95,
      mdns_pkts_per_s_per_node: perNode,
      mdns_packets: packets,
      ipmsg_packets: ipmsg.packets,
      ipmsg_pkts_per_s_per_node: ipmsgPerNode,
      cpu_s_per_node: cpu,
      rss_mib_per_node: rss,
      first_start_cpu_ms: firstStartCpuMs,
      libp2p_connections: connections,
      steady_mdns_pkts_per_s_per_node: steadyPerNode,
      steady_min_online: steadyMinOnline,
    },
  }
}

async function ipmsgReference(
  nodes: number,
  staggerMs: number,
): Promise<{ packets: number; all_known_ms: number; window_ms: number }> {
  const lan = await createLan({ hosts: 1 })
  try {
    const host = lan.hosts[0]!
    const addresses = await addAddresses(host, nodes)
    const out = await host.exec(process.execPath, [
      '--import',
      'tsx',
      'test/support/ipmsg-pattern.ts',
      JSON.stringify({ addresses, broadcast: '10.77.0.255', staggerMs }),
    ])
    return JSON.parse(out) as { packets: number; all_known_ms: number; window_ms: number }
  } finally {
    await lan.destroy()
  }
}
