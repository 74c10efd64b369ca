// N Pigeon nodes on one namespaced segment, several per process (test/support/lan-swarm.ts),
// each on its own address of one namespace host: how the scale test and the lan-scale bench
// fit 100 nodes on a small machine. Multicast stays inside the test's namespaces (netns.ts).
import { createLan, type Lan, type LanHost } from './netns.js'
import { PeerProcess } from './peer-process.js'

export interface SwarmOptions {
  nodes: number
  /** processes to spread the nodes over (one per core is plenty) */
  processes: number
  /** between two node starts, across all processes */
  staggerMs: number
}

export interface Swarm {
  readonly lan: Lan
  readonly processes: PeerProcess[]
  /** resolves with, per node, ms from the last start until it saw all the others online */
  allVisible(timeoutMs: number): Promise<number[]>
  /** per node: how many others it has online now */
  onlineCounts(): Promise<number[]>
  /** per node: its libp2p connections now */
  connectionCounts(): Promise<number[]>
  /** mDNS packets heard on the segment so far */
  packets(): Promise<number>
  /** per process: RSS bytes, CPU ms so far, nodes in it */
  usage(): Promise<Array<{ rss: number; cpuMs: number; nodes: number }>>
  stop(): Promise<void>
}

/** Gives the host `count` more addresses on its eth0 (10.77.0.11…), one per simulated node. */
export async function addAddresses(host: LanHost, count: number): Promise<string[]> {
  const addresses = Array.from({ length: count }, (_, i) => `10.77.0.${i + 11}`)
  for (const address of addresses)
    await host.exec('ip', ['addr', 'add', `${address}/24`, 'dev', 'eth0'])
  return addresses
}

export async function startSwarm(options: SwarmOptions): Promise<Swarm> {
  const lan = await createLan({ hosts: 1 })
  const host = lan.hosts[0]!
  const addresses = await addAddresses(host, options.nodes)
  const processes: PeerProcess[] = []
  for (let p = 0; p < options.processes; p++) {
    processes.push(
      PeerProcess.start(host, 'test/support/lan-swarm.ts', {
        addresses: addresses.filter((_, i) => i % options.processes === p),
        total: options.nodes,
        offsetMs: p * options.staggerMs,
        staggerMs: options.staggerMs * options.processes,
        countPackets: p === 0,
      }),
    )
  }
  const report = async (proc: PeerProcess): Promise<Record<string, unknown>> => {
    const before = proc.events('packets').length
    const reply = proc.waitForEvent('packets', (e) => proc.events('packets').indexOf(e) >= before)
    proc.child.stdin!.write(`${JSON.stringify({ cmd: 'packets' })}\n`)
    return reply
  }
  const events = (name: string): Array<Record<string, unknown>> =>
    processes.flatMap((proc) => proc.events(name))
  /** one 'status' line per node, asked now */
  const statuses = async (): Promise<Array<Record<string, unknown>>> => {
    const before = processes.map((proc) => proc.events('status').length)
    for (const proc of processes) proc.child.stdin!.write(`${JSON.stringify({ cmd: 'status' })}\n`)
    const lines: Array<Record<string, unknown>> = []
    for (const [i, proc] of processes.entries()) {
      const want = before[i]! + proc.events('started').length
      const deadline = Date.now() + 30_000
      while (proc.events('status').length < want && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100))
      lines.push(...proc.events('status').slice(before[i]))
    }
    return lines
  }
  return {
    lan,
    processes,
    async allVisible(timeoutMs) {
      const deadline = Date.now() + timeoutMs
      while (events('visible').length < options.nodes) {
        if (Date.now() > deadline) {
          throw new Error(
            `${events('visible').length} of ${options.nodes} nodes saw all the others (${events('started').length} started)`,
          )
        }
        await new Promise((r) => setTimeout(r, 200))
      }
      const lastStart = Math.max(...events('started').map((e) => Number(e.at)))
      return events('visible').map((e) => Math.max(0, Number(e.at) - lastStart))
    },
    async onlineCounts() {
      return (await statuses()).map((e) => Number(e.online))
    },
    async connectionCounts() {
      return (await statuses()).map((e) => Number(e.connections))
    },
    async packets() {
      return Number((await report(processes[0]!)).count)
    },
    async usage() {
      const reports = await Promise.all(processes.map((proc) => report(proc)))
      return reports.map((r) => ({
        rss: Number(r.rss),
        cpuMs: Number(r.cpuMs),
        nodes: Number(r.nodes),
      }))
    },
    async stop() {
      for (const proc of processes) proc.child.stdin!.write(`${JSON.stringify({ cmd: 'stop' })}\n`)
      await Promise.race([
        Promise.all(processes.map((proc) => proc.exited)),
        new Promise((r) => setTimeout(r, 5000)),
      ])
      for (const proc of processes) proc.kill()
      await lan.destroy()
    },
  }
}
