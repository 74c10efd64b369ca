// Many Pigeon LAN nodes in one process, each listening on its own address of the namespace it
// runs in (test/net/lan-scale.test.ts, test/bench/lan-scale.ts): a real LanNetwork per node,
// real mDNS on the namespace's segment. Driven by JSON lines like net-peer.ts.
//
//   argv[2] JSON: { addresses, total, offsetMs?, staggerMs?, countPackets? } (see SwarmArgs)
//   stdout: {event:'started', address, peerId, at}      a node is up
//           {event:'visible', address, at}               it sees all `total - 1` others online
//           {event:'packets', count, at, rss, cpuMs, nodes}   (on 'packets') mDNS packets heard, usage
//           {event:'status', address, online, known, connections}  (on 'status') per node
//   stdin:  {cmd:'packets'} {cmd:'status'} {cmd:'stop'}
import '../../shared/polyfills.js'
import { createInterface } from 'node:readline'
import multicastDns from 'multicast-dns'
import { createLanNetwork, type LanNetwork } from '../../app/core/net/index.js'
import { generateIdentity } from '../../shared/identity.js'

interface SwarmArgs {
  addresses: string[]
  total: number
  /** wait before the first node, then this long between nodes */
  offsetMs?: number
  staggerMs?: number
  /** count every mDNS packet on the segment (one extra listener) */
  countPackets?: boolean
}

const args = JSON.parse(process.argv[2] ?? '{}') as SwarmArgs
const out = (line: object): void => {
  process.stdout.write(`${JSON.stringify(line)}\n`)
}

let packets = 0
const counter = args.countPackets === true ? multicastDns({ bind: '0.0.0.0' }) : undefined
counter?.on('packet', () => packets++)

const nodes: LanNetwork[] = []

async function startOne(address: string): Promise<void> {
  const cpu = process.cpuUsage()
  const lan = createLanNetwork({
    identity: await generateIdentity(),
    listenHost: address,
    mdns: true,
    profile: { name: address, color: 0x336699, status: 'online' },
  })
  let visible = false
  const check = (): void => {
    if (visible) return
    const online = lan.peers().filter((p) => p.online).length
    if (online >= args.total - 1) {
      visible = true
      out({ event: 'visible', address, at: Date.now() })
    }
  }
  lan.on('peer:online', check)
  lan.onInbound(async () => undefined)
  await lan.start()
  nodes.push(lan)
  const used = process.cpuUsage(cpu)
  // CPU of this start, identity included (and of whatever else ran meanwhile: exact only for
  // the first node)
  const startCpuMs = (used.user + used.system) / 1000
  out({ event: 'started', address, peerId: lan.peerId, at: Date.now(), startCpuMs })
  check()
}

await new Promise((r) => setTimeout(r, args.offsetMs ?? 0))
for (const address of args.addresses) {
  await startOne(address)
  if (args.staggerMs !== undefined) await new Promise((r) => setTimeout(r, args.staggerMs))
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const command = JSON.parse(line) as { cmd: string }
  if (command.cmd === 'status') {
    for (const lan of nodes) {
      const peers = lan.peers()
      out({
        event: 'status',
        address: lan.profile.name,
        online: peers.filter((p) => p.online).length,
        known: peers.length,
        connections: lan.libp2p.getConnections().length,
      })
    }
  }
  if (command.cmd === 'packets') {
    const cpu = process.cpuUsage()
    out({
      event: 'packets',
      count: packets,
      at: Date.now(),
      rss: process.memoryUsage().rss,
      cpuMs: (cpu.user + cpu.system) / 1000,
      nodes: nodes.length,
    })
  }
  if (command.cmd === 'stop') {
    void Promise.all(nodes.map((n) => n.stop())).then(() => {
      counter?.destroy()
      process.exit(0)
    })
  }
})
