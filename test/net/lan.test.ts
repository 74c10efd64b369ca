// Three Pigeon nodes on a namespace LAN (plus a hostile one): they find each other by mDNS, chat
// with acks, shrug off a hostile peer, and see a peer that stops go offline.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createLan, type Lan } from '../support/netns.js'
import { PeerProcess, type PeerEvent } from '../support/peer-process.js'

let lan: Lan
const peers: PeerProcess[] = []
const ids: string[] = []
const names = ['alice', 'bob', 'carol']

before(async () => {
  lan = await createLan({ hosts: 4 })
  // bob's limits are small so that a flood is visibly cut off
  const limits = [{}, { messagesPerSecond: 100, burst: 300, maxStrikes: 1000 }, {}]
  for (let i = 0; i < 3; i++) {
    peers.push(
      PeerProcess.start(lan.hosts[i]!, 'test/support/net-peer.ts', {
        name: names[i],
        limits: limits[i],
      }),
    )
  }
  for (const peer of peers) ids.push(String((await peer.waitForEvent('ready')).peerId))
})

after(async () => {
  for (const peer of peers) peer.kill()
  await lan?.destroy()
})

const onlineWith = (peerId: string) => (e: PeerEvent) => e.peerId === peerId

test('three hosts discover each other both ways and exchange profiles', async () => {
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      if (i === j) continue
      const online = await peers[i]!.waitForEvent('online', onlineWith(ids[j]!))
      const addresses = online.addresses as string[]
      assert.ok(
        addresses.some((a) => a.includes(`/ip4/${lan.hosts[j]!.address}/tcp/`)),
        `${names[i]} knows ${names[j]}'s LAN address`,
      )
      const profile = await peers[i]!.waitForEvent('profile', (e) => e.peerId === ids[j])
      assert.equal(profile.name, names[j])
    }
  }
})

test('a message is delivered, acked, and arrives once with its sender', async () => {
  const result = await peers[0]!.request('send', { to: ids[1], text: 'hello bob' })
  assert.equal(result.delivered, 1)
  const inbound = await peers[1]!.waitForEvent('inbound', (e) => e.text === 'hello bob')
  assert.equal(inbound.sender, ids[0])
  assert.equal(peers[1]!.events('inbound').filter((e) => e.text === 'hello bob').length, 1)
})

test('a burst of 200 pipelined messages arrives complete and in order', async () => {
  const result = await peers[2]!.request('send', {
    to: ids[0],
    text: 'burst',
    count: 200,
    concurrent: true,
  })
  assert.equal(result.delivered, 200)
  const texts = peers[0]!
    .events('inbound')
    .filter((e) => e.sender === ids[2])
    .map((e) => e.text)
  assert.deepEqual(
    texts,
    Array.from({ length: 200 }, (_, i) => `burst ${i}`),
  )
})

test('a profile change reaches the others', async () => {
  await peers[2]!.request('profile', { name: 'carol (away)', color: 0xff0000, status: 'away' })
  for (const i of [0, 1]) {
    const profile = await peers[i]!.waitForEvent(
      'profile',
      (e) => e.peerId === ids[2] && e.status === 'away',
    )
    assert.equal(profile.name, 'carol (away)')
  }
})

test('a hostile peer is refused (malformed, spoofed, flood, oversize) while the others keep chatting', async (t) => {
  const hostile = PeerProcess.start(lan.hosts[3]!, 'test/support/hostile-peer.ts')
  t.after(() => hostile.kill())
  const hostileId = String((await hostile.waitForEvent('ready')).peerId)
  await hostile.request('connect', {
    addr: `/ip4/${lan.hosts[1]!.address}/tcp/${await portOf(peers[1]!)}/p2p/${ids[1]}`,
  })

  const malformed = await hostile.request('malformed', { count: 50 })
  assert.equal(malformed.acked, 0)
  assert.deepEqual(malformed.nacks, { 1: 50 }, 'every malformed frame gets a NACK "malformed"')

  const spoofed = await hostile.request('spoof', { count: 5, to: ids[1], claim: ids[0] })
  assert.equal(spoofed.acked, 0)
  assert.deepEqual(spoofed.nacks, { 2: 5 }, 'an envelope claiming to be from alice is refused')

  // alice chats with bob while the flood runs
  const [flood, chat] = await Promise.all([
    hostile.request('flood', { count: 3000, to: ids[1] }),
    peers[0]!.request('send', { to: ids[1], text: 'during the flood', count: 20 }),
  ])
  assert.ok(Number(flood.acked) >= 1, 'the first messages of the flood are within the allowance')
  assert.ok(Number(flood.acked) < 3000, 'the flood is cut off')
  assert.equal(
    (flood.nacks as Record<string, number>)[3],
    3000 - Number(flood.acked),
    'the rest is refused as rate-limited',
  )
  assert.equal(chat.delivered, 20, 'alice is not limited by the flooder')

  const oversize = await hostile.request('oversize')
  assert.equal(oversize.closed, true, 'an oversize frame closes the stream')
  assert.equal(oversize.acked, 0)

  // bob is alive, still chatting, never took the hostile node for a Pigeon peer, and logged it
  assert.ok(peers[1]!.alive)
  const after = await peers[2]!.request('send', { to: ids[1], text: 'after the attack' })
  assert.equal(after.delivered, 1)
  await peers[1]!.waitForEvent('inbound', (e) => e.text === 'after the attack')
  assert.equal(peers[1]!.events('online').filter((e) => e.peerId === hostileId).length, 0)
  assert.equal(
    peers[1]!.events('inbound').filter((e) => e.sender === hostileId).length,
    Number(flood.acked),
  )
  const warnings = peers[1]!.events('log').map((e) => String(e.message))
  assert.ok(warnings.some((m) => m.includes('malformed')))
  assert.ok(warnings.some((m) => m.includes('rate')))
})

test('a peer that stops cleanly goes offline at the others', async () => {
  await peers[2]!.request('stop')
  assert.equal(await peers[2]!.exited, 0)
  for (const i of [0, 1]) await peers[i]!.waitForEvent('offline', (e) => e.peerId === ids[2])
  const result = await peers[0]!.request('send', { to: ids[2], text: 'are you there?' })
  assert.equal(result.delivered, 0)
  assert.deepEqual(Object.keys(result.errors as object), ['PEER_UNREACHABLE'])
})

async function portOf(peer: PeerProcess): Promise<number> {
  return Number((await peer.waitForEvent('ready')).port)
}
