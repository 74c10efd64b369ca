// The legacy rows of `npm run bench -- lan`: a real `pigeon start --ipmsg` and a scripted IP
// Messenger client (test/legacy/ipmsg-client.ts) on the same namespace LAN. Discovery: from the
// client's BR_ENTRY (sent to Pigeon's address) to Pigeon's ANSENTRY (sent once Pigeon has the
// peer online); round trip, at most one text per 70 ms (under the per-source rate limit):
// SENDMSG+SENDCHECKOPT to Pigeon until its RECVMSG (sent after the SQLite store), one at a time.
import type { Lan } from '../support/netns.js'
import { startNsNode } from '../support/ns-node.js'
import { PeerProcess } from '../support/peer-process.js'
import { percentile } from './table.js'

const ENTRIES = 20
const TEXTS = 200

export async function legacyRows(
  lan: Lan,
): Promise<{ rows: (string | number)[][]; json: Record<string, number> }> {
  const [hostA, hostB] = [lan.hosts[0]!, lan.hosts[1]!]
  const pigeon = await startNsNode(hostA, 'Alice', ['--ipmsg', '--no-mdns'])
  const client = PeerProcess.start(hostB, 'test/legacy/ipmsg-client.ts', { user: 'wang' })
  try {
    await client.waitForEvent('ready', undefined, 30_000)
    const discovery: number[] = []
    for (let i = 0; i < ENTRIES; i++) {
      discovery.push(Number((await client.request('enter', { to: hostA.address }, 30_000)).ms))
      await client.request('exit', { to: hostA.address })
    }
    await client.request('enter', { to: hostA.address }, 30_000)
    const times = (
      (
        await client.request(
          'rtt',
          { to: hostA.address, count: TEXTS, text: '你好 bench' },
          120_000,
        )
      ).times as number[]
    ).sort((x, y) => x - y)
    discovery.sort((x, y) => x - y)
    const json = {
      legacy_discovery_ms_p50: round(percentile(discovery, 50)),
      legacy_discovery_ms_p95: round(percentile(discovery, 95)),
      legacy_rtt_ms_p50: round(percentile(times, 50)),
      legacy_rtt_ms_p95: round(percentile(times, 95)),
    }
    return {
      rows: [
        [
          'IPMsg peer discovered (BR_ENTRY→ANSENTRY), p50 (ms)',
          json.legacy_discovery_ms_p50,
          '',
          `${ENTRIES} entries, pigeon start --ipmsg`,
        ],
        ['IPMsg peer discovered, p95 (ms)', json.legacy_discovery_ms_p95, '', ''],
        [
          'IPMsg text round trip (SENDMSG→RECVMSG, stored), p50 (ms)',
          json.legacy_rtt_ms_p50,
          '',
          `${TEXTS} texts, one at a time`,
        ],
        ['IPMsg text round trip, p95 (ms)', json.legacy_rtt_ms_p95, '', ''],
      ],
      json,
    }
  } finally {
    client.kill()
    await pigeon.stop()
    pigeon.cleanup()
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}
