// A Pigeon node is a standard mDNS citizen (RFC 6762/6763, docs/protocol.md §16):
// Debian's python3-zeroconf, in another namespace host of the test's LAN, browses it, finds
// `_pigeon._udp` in the service-type listing and resolves SRV, A and TXT to the node's own port,
// address and PeerId; a query from a port other than 5353 gets a legacy unicast reply (its id
// echoed, TTLs ≤ 10 s) unless it lists the answer as known; a QU question a unicast one.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { createLan } from '../support/netns.js'
import { PeerProcess } from '../support/peer-process.js'

const PROBE = fileURLToPath(new URL('../support/mdns_probe.py', import.meta.url))

interface ProbeResult {
  browsed: string[]
  types: string[]
  port?: number
  server?: string
  addresses?: string[]
  txt?: Record<string, string>
  legacy?: Array<{ id: number; records: Array<[string, number, number]> }>
  legacy_with_known_answer?: number
  qu_unicast?: boolean
}

test('python-zeroconf browses, lists and resolves a Pigeon node; unicast and known answers as RFC 6762 says', async (t) => {
  const lan = await createLan({ hosts: 2 })
  const node = PeerProcess.start(lan.hosts[0]!, 'test/support/net-peer.ts', { name: 'zed' })
  t.after(async () => {
    node.kill()
    await lan.destroy()
  })
  const ready = await node.waitForEvent('ready')
  const peerId = String(ready.peerId)
  const out = await lan.hosts[1]!.exec('/usr/bin/python3', [PROBE, '_pigeon._udp.local.', ''])
  const probe = JSON.parse(out) as ProbeResult
  const instance = `${peerId}._pigeon._udp.local.`

  assert.deepEqual(probe.browsed, [instance])
  assert.ok(probe.types.includes('_pigeon._udp.local.'), `service types: ${probe.types.join(' ')}`)
  assert.equal(probe.port, Number(ready.port), 'SRV port is the node’s TCP port')
  assert.deepEqual(probe.addresses, [lan.hosts[0]!.address], 'A is the node’s address')
  assert.equal(probe.txt?.id, peerId, 'TXT carries the PeerId')
  assert.ok(probe.txt?.dnsaddr?.includes(`/ip4/${lan.hosts[0]!.address}/tcp/${ready.port}`))

  const legacy = probe.legacy ?? []
  assert.ok(legacy.length >= 1, 'a query from an ephemeral port is answered by unicast')
  assert.ok(
    legacy.every((reply) => reply.id === 0x1234),
    'the query id is echoed',
  )
  const records = legacy.flatMap((reply) => reply.records)
  assert.ok(records.some(([name, type]) => name === instance.slice(0, -1) && type === 33))
  assert.ok(
    records.every(([, , ttl]) => ttl <= 10),
    'legacy unicast TTLs are at most 10 s',
  )
  assert.equal(probe.legacy_with_known_answer, 0, 'a listed known answer is not repeated')
  assert.equal(probe.qu_unicast, true, 'a QU question gets a unicast reply')
})
