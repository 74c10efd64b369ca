// The legacy rows of `npm run bench -- lan`: a real `pigeon start --ipmsg` and a scripted IP
// Messenger client (test/legacy/ipmsg-client.ts) on the same namespace LAN. Discovery: from the
// client's BR_ENTRY (sent to Pigeon's address) to Pigeon's ANSENTRY (sent once Pigeon has the
// peer online); round trip, at most one text per 70 ms (under the per-source rate limit):
// SENDMSG+SENDCHECKOPT to Pigeon until its RECVMSG (sent after the SQLite store), one at a time.
// File: a 16 MiB file Pigeon sends to the client, which pulls it with GETFILEDATA over TCP 2425
// (in the clear, no hashes: docs/protocol.md §15 "Files"), timed from its request to Pigeon's close.
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Lan } from '../support/netns.js'
import { startNsNode } from '../support/ns-node.js'
import { PeerProcess } from '../support/peer-process.js'
import { percentile } from './table.js'

const ENTRIES = 20
const TEXTS = 200
const FILE_BYTES = 16 * 1024 * 1024

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
    const file = await fileThroughput(pigeon, client, hostA.address)
    const json = {
      legacy_discovery_ms_p50: round(percentile(discovery, 50)),
      legacy_discovery_ms_p95: round(percentile(discovery, 95)),
      legacy_rtt_ms_p50: round(percentile(times, 50)),
      legacy_rtt_ms_p95: round(percentile(times, 95)),
      legacy_file_mib_s: round(file),
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
        [
          'IPMsg file to a legacy client, GETFILEDATA (MiB/s)',
          json.legacy_file_mib_s,
          '',
          '16 MiB, one TCP connection, in the clear',
        ],
      ],
      json,
    }
  } finally {
    client.kill()
    await pigeon.stop()
    pigeon.cleanup()
  }
}

/** MiB/s of one 16 MiB file Pigeon offers and the client pulls */
async function fileThroughput(
  pigeon: Awaited<ReturnType<typeof startNsNode>>,
  client: PeerProcess,
  address: string,
): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'pigeon-bench-ipmsg-'))
  try {
    writeFileSync(join(dir, 'bench.bin'), randomBytes(FILE_BYTES))
    const peer = (await pigeon.api.peers()).find((p) => p.legacy === true)
    if (peer === undefined) throw new Error('the IPMsg client is not online in Pigeon')
    const fetched = client.request('fetch', { to: address }, 120_000)
    await pigeon.api.sendFiles(peer.peerId, [join(dir, 'bench.bin')])
    const { ms, bytes } = (await fetched) as unknown as { ms: number; bytes: number }
    if (bytes !== FILE_BYTES) throw new Error(`the client got ${bytes} of ${FILE_BYTES} bytes`)
    return FILE_BYTES / (1024 * 1024) / (ms / 1000)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}
