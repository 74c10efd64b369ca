// Peers listed by their signed mDNS records, connected only on first use (docs/protocol.md §16):
// two nodes on a namespace LAN see each other online with name, host, workgroup and status and
// no libp2p connection between them; a message connects and is delivered; the idle connection
// is closed again while both stay listed; forged TXT records list nobody; a killed node leaves
// the list when its records expire (a short TTL here, 120 s by default).
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createLan, type Lan } from '../support/netns.js'
import { PeerProcess, type PeerEvent } from '../support/peer-process.js'

const RECORD_TTL_S = 6
let lan: Lan
let a: PeerProcess
let b: PeerProcess
let idA: string
let idB: string

before(async () => {
  lan = await createLan({ hosts: 3 })
  const options = { recordTtl: RECORD_TTL_S, idleCloseMs: 1_500, mdnsInterval: 2_000 }
  a = PeerProcess.start(lan.hosts[0]!, 'test/support/net-peer.ts', {
    name: 'Ada',
    workgroup: 'R&D',
    host: 'ada-pc',
    ...options,
  })
  b = PeerProcess.start(lan.hosts[1]!, 'test/support/net-peer.ts', {
    name: 'Bob',
    workgroup: 'Sales',
    host: 'bob-laptop',
    ...options,
  })
  idA = String((await a.waitForEvent('ready')).peerId)
  idB = String((await b.waitForEvent('ready')).peerId)
})

after(async () => {
  a?.kill()
  b?.kill()
  await lan?.destroy()
})

const of = (peerId: string) => (e: PeerEvent) => e.peerId === peerId

async function peerView(of: PeerProcess, peerId: string): Promise<{ online: boolean } & object> {
  const reply = await of.request('peers')
  const peers = reply.peers as Array<{ peerId: string; online: boolean }>
  return peers.find((p) => p.peerId === peerId) ?? { online: false }
}

async function connections(of: PeerProcess): Promise<number> {
  return Number((await of.request('peers')).connections)
}

async function noConnections(of: PeerProcess): Promise<void> {
  const deadline = Date.now() + 30_000
  while ((await connections(of)) > 0) {
    assert.ok(Date.now() < deadline, 'the idle connection was closed')
    await new Promise((r) => setTimeout(r, 250))
  }
}

test('two nodes list each other with name, host, workgroup and status, with no connection', async () => {
  await a.waitForEvent('online', of(idB))
  await b.waitForEvent('online', of(idA))
  const bob = await a.waitForEvent('profile', of(idB))
  assert.deepEqual(
    { name: bob.name, host: bob.host, workgroup: bob.workgroup, status: bob.status },
    { name: 'Bob', host: 'bob-laptop', workgroup: 'Sales', status: 'online' },
  )
  const ada = await b.waitForEvent('profile', of(idA))
  assert.equal(ada.workgroup, 'R&D')
  assert.equal((await peerView(a, idB)).online, true)
  assert.equal(await connections(a), 0, 'a lists b without a libp2p connection')
  assert.equal(await connections(b), 0)

  // a status change is announced again (RFC 6762 §8.4) and reaches a without a connection
  await b.request('profile', { name: 'Bob', color: 0x336699, status: 'busy', workgroup: 'Sales' })
  await a.waitForEvent('profile', (e) => e.peerId === idB && e.status === 'busy')
  assert.equal(await connections(a), 0)
})

test('a message connects on first use and is delivered; the idle connection closes, both stay listed', async () => {
  const sent = await a.request('send', { to: idB, text: 'first use' })
  assert.equal(sent.delivered, 1)
  await b.waitForEvent('inbound', (e) => e.text === 'first use')
  assert.ok((await connections(a)) > 0, 'the message made the connection')

  await noConnections(a)
  await noConnections(b)
  assert.equal(a.events('offline').filter(of(idB)).length, 0, 'b stayed online at a')
  assert.equal(b.events('offline').filter(of(idA)).length, 0, 'a stayed online at b')
  assert.equal((await peerView(b, idA)).online, true)

  const again = await b.request('send', { to: idA, text: 'after the idle close' })
  assert.equal(again.delivered, 1)
  await a.waitForEvent('inbound', (e) => e.text === 'after the idle close')
})

test('forged TXT records (wrong signature, another node id, unsigned) list nobody', async (t) => {
  const forger = PeerProcess.start(lan.hosts[2]!, 'test/support/mdns-forger.ts', {
    victim: idB,
    address: lan.hosts[2]!.address,
    port: 9,
  })
  t.after(() => forger.kill())
  const ready = await forger.waitForEvent('ready')
  // the honest record of the same forger is listed: its packets were heard
  await a.waitForEvent('online', of(String(ready.honest)))
  await new Promise((r) => setTimeout(r, 1_500)) // several announcements of each forged one
  const reply = await a.request('peers')
  const listed = (
    reply.peers as Array<{ peerId: string; online: boolean; profile?: { name: string } }>
  ).filter((p) => p.online)
  for (const forged of (ready.forged as string[]).filter((id) => id !== idB))
    assert.equal(
      listed.some((p) => p.peerId === forged),
      false,
      `${forged} is not listed`,
    )
  assert.equal(
    listed.find((p) => p.peerId === idB)?.profile?.name,
    'Bob',
    'the record claiming b\u2019s id did not replace b\u2019s profile',
  )
  const warnings = a.events('log').map((e) => String(e.message))
  assert.ok(
    warnings.some((m) => m.includes('mDNS TXT record')),
    'the refusal is logged',
  )
})

test('a killed node leaves the list when its records expire', async () => {
  // no connection to lose: only the records' expiry can tell a that b is gone
  await noConnections(a)
  b.kill('SIGKILL')
  await b.exited
  const gone = await a.waitForEvent('offline', of(idB), RECORD_TTL_S * 1000 + 30_000)
  assert.ok(gone)
  assert.equal((await peerView(a, idB)).online, false)
})
