// `npm run bench -- lan`: two Pigeon nodes on a namespace LAN (test/support/netns.ts), each its
// own process. Measures discovery after a start, send→ack round trips, sustained acked messages
// per second, and the same payloads over a raw TCP socket between the same namespaces.
// The receiver here keeps messages in memory (test/support/net-peer.ts): this measures the
// network layer; the engine with its SQLite store may replace it later.
import { encodeEnvelope, newMessageId } from '../../shared/envelope.js'
import { createLan } from '../support/netns.js'
import { PeerProcess } from '../support/peer-process.js'
import { legacyRows } from './legacy-lan.js'
import { percentile, type BenchResult } from './table.js'

const STARTS = 20
const RTT_MESSAGES = 1000
const THROUGHPUT_MESSAGES = 20_000
const TEXT = 'The quick brown fox jumps over the lazy dog'
const RAW_PORT = 7400

export async function run(_args: string[]): Promise<BenchResult> {
  const lan = await createLan({ hosts: 2 })
  const [hostA, hostB] = [lan.hosts[0]!, lan.hosts[1]!]
  const unlimited = { messagesPerSecond: 1e9, burst: 1e9 }
  const a = PeerProcess.start(hostA, 'test/support/net-peer.ts', {
    name: 'a',
    quiet: true,
    limits: unlimited,
  })
  const b = PeerProcess.start(hostB, 'test/support/net-peer.ts', {
    name: 'b',
    quiet: true,
    limits: unlimited,
  })
  try {
    const idA = String((await a.waitForEvent('ready', undefined, 30_000)).peerId)
    const idB = String((await b.waitForEvent('ready', undefined, 30_000)).peerId)
    await b.waitForEvent('online', (e) => e.peerId === idA, 30_000)
    await a.waitForEvent('online', (e) => e.peerId === idB, 30_000)

    // discovery: a restarts (same identity, fresh node); how long until b has it online again
    const discovery: number[] = []
    for (let i = 0; i < STARTS; i++) {
      const seen = b.lines.length
      const seenByA = a.lines.length
      const { startedAt } = await a.request('restart')
      const online = await b.waitFor(
        (e) =>
          b.lines.indexOf(e) >= seen &&
          e.event === 'online' &&
          e.peerId === idA &&
          Number(e.at) >= Number(startedAt),
        30_000,
        'rediscovery',
      )
      discovery.push(Number(online.at) - Number(startedAt))
      await a.waitFor(
        (e) => a.lines.indexOf(e) >= seenByA && e.event === 'online' && e.peerId === idB,
        30_000,
        'a sees b',
      )
    }
    discovery.sort((x, y) => x - y)

    await a.request('send', { to: idB, text: TEXT, count: 2000, concurrent: true }) // warm-up
    const rtts = (
      (await a.request('rtt', { to: idB, text: TEXT, count: RTT_MESSAGES })).times as number[]
    ).sort((x, y) => x - y)
    const burst = await a.request(
      'send',
      { to: idB, text: TEXT, count: THROUGHPUT_MESSAGES, concurrent: true },
      120_000,
    )
    if (burst.delivered !== THROUGHPUT_MESSAGES)
      throw new Error(`only ${String(burst.delivered)} of ${THROUGHPUT_MESSAGES} acked`)
    const msgsPerS = THROUGHPUT_MESSAGES / (Number(burst.ms) / 1000)

    // the reference: same envelope size, same ack size, same window, raw TCP
    const size = encodeEnvelope({
      id: newMessageId(),
      sender: idA,
      to: { peer: idB },
      sentAt: Date.now(),
      kind: 'text',
      text: TEXT,
    }).length
    const server = PeerProcess.start(hostB, 'test/support/raw-tcp-peer.ts', {
      mode: 'server',
      port: RAW_PORT,
    })
    await server.waitForEvent('ready', undefined, 30_000)
    const client = PeerProcess.start(hostA, 'test/support/raw-tcp-peer.ts', {
      mode: 'client',
      host: hostB.address,
      port: RAW_PORT,
      count: THROUGHPUT_MESSAGES,
      size,
      window: 4096,
    })
    const raw = await client.waitForEvent('result', undefined, 120_000)
    server.kill()
    const rawPerS = THROUGHPUT_MESSAGES / (Number(raw.ms) / 1000)
    a.kill()
    b.kill()
    // an IP Messenger user beside them: a real pigeon start --ipmsg and a scripted IPMsg client
    const legacy = await legacyRows(lan)

    const json = {
      discovery_ms_p50: round(percentile(discovery, 50)),
      discovery_ms_p95: round(percentile(discovery, 95)),
      rtt_ms_p50: round(percentile(rtts, 50)),
      rtt_ms_p99: round(percentile(rtts, 99)),
      msgs_per_s: Math.round(msgsPerS),
      raw_tcp_msgs_per_s: Math.round(rawPerS),
      envelope_bytes: size,
      ...legacy.json,
    }
    return {
      title: 'LAN: two Pigeon nodes in separate network namespaces (veth + bridge)',
      columns: ['metric', 'value', 'target', 'reference'],
      rows: [
        ['discovery after start, p50 (ms)', json.discovery_ms_p50, '< 200', `${STARTS} restarts`],
        ['discovery after start, p95 (ms)', json.discovery_ms_p95, '< 1000', ''],
        [
          'send→ack round trip, p50 (ms)',
          json.rtt_ms_p50,
          '< 5',
          `${RTT_MESSAGES} messages, one at a time`,
        ],
        ['send→ack round trip, p99 (ms)', json.rtt_ms_p99, '', ''],
        [
          'acked messages/s, one conversation',
          json.msgs_per_s,
          '≥ 20,000',
          `${THROUGHPUT_MESSAGES} pipelined`,
        ],
        [
          'raw TCP messages/s, same payloads',
          json.raw_tcp_msgs_per_s,
          '',
          `ratio ${(msgsPerS / rawPerS).toFixed(2)}`,
        ],
        ...legacy.rows,
      ],
      notes: [
        `Envelope: ${size} bytes (text of ${TEXT.length} chars), ack 17 bytes + 1 length byte; 4096 in flight.`,
        'Discovery: time from the restarted node calling start() to the other node emitting peer:online: its mDNS announcement, signed TXT checked, listed (docs/protocol.md §16); no connection is needed to be listed.',
        'The receiver stores in memory and has its per-peer rate limit lifted; the engine with SQLite will be slower.',
        'IPMsg rows: the whole node (SQLite store before RECVMSG) against a scripted client, UDP 2425 in the clear (docs/protocol.md §15).',
      ],
      json,
    }
  } finally {
    a.kill()
    b.kill()
    await lan.destroy()
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}
