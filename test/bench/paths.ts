// `npm run bench -- paths`: the same two hosts (a1, a2 on LAN-A) talking directly and through the
// relay on the public segment (test/support/topology.ts): send → delivered latency on each path,
// the time from cutting their LAN link to the first message delivered through the relay, and
// from restoring it to the first message delivered directly again. Real nodes, real relay.
import { percentile, type BenchResult } from './table.js'
import { startNsNode, type NsNode } from '../support/ns-node.js'
import { startRelayProcess } from '../support/relay-process.js'
import { createTopology, PUBLIC_RELAY_ADDRESS } from '../support/topology.js'

interface Timed {
  id: string
  ms: number
  path: 'lan' | 'relay' | null
  at: number
}

const N = 200

async function sendTimed(from: NsNode, to: NsNode, text: string): Promise<Timed> {
  return await (
    from.api as unknown as { sendTimed: (p: string, t: string) => Promise<Timed> }
  ).sendTimed(to.peerId, text)
}

async function latencies(
  from: NsNode,
  to: NsNode,
  label: string,
  path: 'lan' | 'relay',
): Promise<number[]> {
  const out: number[] = []
  for (let i = 0; i < N; i++) {
    const timed = await sendTimed(from, to, `${label} ${i}`)
    if (timed.path !== path) throw new Error(`expected the ${path} path, got ${timed.path}`)
    out.push(timed.ms)
  }
  return out.sort((a, b) => a - b)
}

/**
 * Sends a message every 100 ms from `since`, until one arrives at the receiver over `path`;
 * returns ms from `since` to that arrival (the receiver's receivedAt; same machine clock).
 */
async function firstArrivalOver(
  from: NsNode,
  to: NsNode,
  path: 'lan' | 'relay',
  since: number,
  label: string,
): Promise<number> {
  const deadline = since + 120_000
  const sent = new Set<string>()
  const sending: Array<Promise<unknown>> = []
  for (let i = 0; Date.now() < deadline; i++) {
    sending.push(from.api.send(to.peerId, `${label} ${i}`).then((m) => sent.add(m.id)))
    await new Promise((resolve) => setTimeout(resolve, 100))
    const arrived = (await to.api.history(from.peerId, { limit: 100 })).filter(
      (m) => sent.has(m.id) && m.path === path,
    )
    if (arrived.length > 0) {
      await Promise.all(sending)
      return Math.min(...arrived.map((m) => m.receivedAt ?? Number.POSITIVE_INFINITY)) - since
    }
  }
  throw new Error(`nothing arrived over ${path} within 120 s`)
}

/** Sends one message at once and returns ms from `since` to its arrival at the receiver, and its path. */
async function oneArrival(
  from: NsNode,
  to: NsNode,
  since: number,
  text: string,
): Promise<{ ms: number; path: string | null }> {
  const sent = await from.api.send(to.peerId, text)
  const deadline = Date.now() + 120_000
  while (Date.now() < deadline) {
    const arrived = (await to.api.history(from.peerId, { limit: 20 })).find((m) => m.id === sent.id)
    if (arrived !== undefined)
      return { ms: (arrived.receivedAt ?? Number.NaN) - since, path: arrived.path }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  throw new Error('the message did not arrive within 120 s')
}

/** Waits until everything sent so far is delivered, so the next measurement starts clean. */
async function drained(from: NsNode, to: NsNode): Promise<void> {
  while (
    (await from.api.history(to.peerId, { limit: 200 })).some(
      (m) => m.state === 'pending' || m.state === 'sent',
    )
  ) {
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

export async function run(): Promise<BenchResult> {
  const net = await createTopology()
  const relay = await startRelayProcess({
    host: net.pub,
    args: ['--host', PUBLIC_RELAY_ADDRESS, '--mqtt-port', '1883'],
  })
  const url = `mqtt://${PUBLIC_RELAY_ADDRESS}:1883#${relay.relayId}`
  const nodes: NsNode[] = []
  try {
    const a1 = await startNsNode(net.a1, 'Ada', ['--relay', url])
    nodes.push(a1)
    const a2 = await startNsNode(net.a2, 'Alan', ['--relay', url])
    nodes.push(a2)
    while (
      !(await a1.api.peers()).some(
        (p) => p.peerId === a2.peerId && p.paths.includes('lan') && p.paths.includes('relay'),
      )
    ) {
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    for (let i = 0; i < 20; i++) await sendTimed(a1, a2, `warm-up ${i}`)
    const direct = await latencies(a1, a2, 'direct', 'lan')

    const cutAt = Date.now()
    await net.cutDirect()
    // the first message after the cut: tried on the dead LAN link until its ack times out, then relayed
    const first = await oneArrival(a1, a2, cutAt, 'failover')
    if (first.path !== 'relay')
      throw new Error(`after the cut a message arrived over ${first.path}`)
    const failover = first.ms
    await drained(a1, a2)
    const relayed = await latencies(a1, a2, 'relayed', 'relay')

    const restoredAt = Date.now()
    await net.restoreDirect()
    const recover = await firstArrivalOver(a1, a2, 'lan', restoredAt, 'recover')

    const p = (values: number[], q: number): number => Number(percentile(values, q).toFixed(2))
    return {
      title: `paths: a1 → a2 send → delivered, direct vs through the relay (${N} messages each)`,
      columns: ['measure', 'p50 ms', 'p99 ms'],
      rows: [
        ['direct (LAN, libp2p)', p(direct, 50), p(direct, 99)],
        ['through the relay (sealed, MQTT QoS 1, both ways)', p(relayed, 50), p(relayed, 99)],
        ['failover: link cut → first message arrives via the relay', failover, ''],
        ['recovery: link back → first message arrives directly', recover, ''],
      ],
      notes: [
        'Latency: send → delivered, i.e. the receiver stored it and its ack (direct) or delivered receipt (relay) came back; measured through the local API.',
        'Targets: relay p50 within 2 ms of direct; failover under 3 s.',
      ],
      json: {
        direct_p50_ms: p(direct, 50),
        direct_p99_ms: p(direct, 99),
        relay_p50_ms: p(relayed, 50),
        relay_p99_ms: p(relayed, 99),
        failover_ms: failover,
        recover_ms: recover,
      },
    }
  } finally {
    for (const node of nodes) await node.stop().catch(() => undefined)
    await relay.stop().catch(() => undefined)
    await net.destroy()
    for (const node of nodes) node.cleanup()
    relay.cleanup()
  }
}
