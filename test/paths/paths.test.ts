// One conversation over any path (docs/architecture.md §3): real `pigeon start` nodes on two NATed LANs and a
// real pigeon-relay on the public segment between them (test/support/topology.ts).
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { MessageView } from '../../app/api/contract.js'
import { eventually } from '../app/support/wait.js'
import { startNsNode, type NsNode } from '../support/ns-node.js'
import { startRelayProcess, type RelayProcess } from '../support/relay-process.js'
import { createTopology, PUBLIC_RELAY_ADDRESS, type Topology } from '../support/topology.js'

const RELAY_PORT = '1883'
let net: Topology
let relay: RelayProcess
let a1: NsNode
let a2: NsNode
let b1: NsNode

async function startRelay(dataDir?: string): Promise<RelayProcess> {
  return await startRelayProcess({
    host: net.pub,
    dataDir,
    args: ['--host', PUBLIC_RELAY_ADDRESS, '--mqtt-port', RELAY_PORT],
  })
}

before(async () => {
  net = await createTopology()
  relay = await startRelay()
  const relayUrl = `mqtt://${PUBLIC_RELAY_ADDRESS}:${RELAY_PORT}#${relay.relayId}`
  ;[a1, a2, b1] = await Promise.all([
    startNsNode(net.a1, 'Ada', ['--relay', relayUrl]),
    startNsNode(net.a2, 'Alan', ['--relay', relayUrl]),
    startNsNode(net.b1, 'Bea', ['--relay', relayUrl]),
  ])
})

after(async () => {
  for (const node of [a1, a2, b1]) await node?.stop().catch(() => undefined)
  await relay?.stop().catch(() => undefined)
  await net?.destroy()
  for (const node of [a1, a2, b1]) node?.cleanup()
  relay?.cleanup()
})

async function history(node: NsNode, peer: NsNode): Promise<MessageView[]> {
  return await node.api.history(peer.peerId, { limit: 500 })
}

function texts(messages: MessageView[]): string[] {
  return messages.map((m) => m.text ?? '')
}

async function sendAll(from: NsNode, to: NsNode, lines: string[]): Promise<string[]> {
  const ids: string[] = []
  for (const line of lines) ids.push((await from.api.send(to.peerId, line)).id)
  return ids
}

test('a1 and a2 on one LAN find each other and chat directly', async () => {
  await eventually(
    async () =>
      (await a1.api.peers()).some((p) => p.peerId === a2.peerId && p.paths.includes('lan')),
    'a1 sees a2 on the LAN',
  )
  const [id] = await sendAll(a1, a2, ['hello over the LAN'])
  await eventually(
    async () => (await history(a1, a2)).find((m) => m.id === id)?.state === 'delivered',
    'delivered',
  )
  const received = (await history(a2, a1)).find((m) => m.id === id)
  assert.equal(received?.text, 'hello over the LAN')
  assert.equal(received?.path, 'lan')
})

test('a1 and b1, behind different NATs, talk through the relay only', async () => {
  const ids = await sendAll(a1, b1, ['你好 from LAN A', 'second'])
  await eventually(async () => (await history(b1, a1)).length >= 2, 'b1 received both')
  const atB = await history(b1, a1)
  assert.deepEqual(texts(atB), ['你好 from LAN A', 'second'])
  assert.ok(atB.every((m) => m.path === 'relay'))
  await eventually(
    async () => (await history(a1, b1)).every((m) => m.state === 'delivered'),
    'the receipts came back through the relay',
  )
  const reply = await b1.api.send(a1.peerId, 'hi back')
  await eventually(
    async () => (await history(a1, b1)).some((m) => m.id === reply.id),
    'reply arrived',
  )
  assert.deepEqual(ids.length, 2)
})

test('b1 offline while a1 writes: everything arrives when b1 is back, in order, once', async () => {
  await b1.stop()
  const lines = Array.from({ length: 20 }, (_, i) => `while you were away ${i}`)
  const ids = await sendAll(a1, b1, lines)
  await eventually(
    async () =>
      (await history(a1, b1)).filter((m) => ids.includes(m.id)).every((m) => m.state === 'sent'),
    'the relay holds them all',
  )
  await b1.restart()
  await eventually(
    async () => (await history(b1, a1)).filter((m) => ids.includes(m.id)).length === ids.length,
    'all arrived',
  )
  const atB = (await history(b1, a1)).filter((m) => ids.includes(m.id))
  assert.deepEqual(texts(atB), lines)
  assert.equal(new Set(atB.map((m) => m.id)).size, ids.length)
})

test('the a1–a2 link cut mid-conversation: messages go through the relay, none lost or doubled, and go direct again when it returns', async () => {
  const before = Array.from({ length: 5 }, (_, i) => `before the cut ${i}`)
  const during = Array.from({ length: 10 }, (_, i) => `during the cut ${i}`)
  const afterCut = Array.from({ length: 5 }, (_, i) => `after the repair ${i}`)
  const ids = await sendAll(a1, a2, before)
  await eventually(
    async () => (await history(a2, a1)).filter((m) => ids.includes(m.id)).length === before.length,
    'before: arrived',
  )

  await net.cutDirect()
  const duringIds = await sendAll(a1, a2, during)
  ids.push(...duringIds)
  await eventually(
    async () =>
      (await history(a2, a1)).filter((m) => duringIds.includes(m.id)).length === during.length,
    'during: arrived through the relay',
    90_000,
  )
  const duringAtA2 = (await history(a2, a1)).filter((m) => duringIds.includes(m.id))
  assert.ok(
    duringAtA2.some((m) => m.path === 'relay'),
    'some went through the relay',
  )

  await net.restoreDirect()
  await eventually(
    async () =>
      (await a1.api.peers()).some((p) => p.peerId === a2.peerId && p.paths.includes('lan')),
    'a2 back on the LAN',
    90_000,
  )
  const afterIds = await sendAll(a1, a2, afterCut)
  ids.push(...afterIds)
  await eventually(
    async () =>
      (await history(a2, a1)).filter((m) => afterIds.includes(m.id)).length === afterCut.length,
    'after: arrived',
  )
  const all = (await history(a2, a1)).filter((m) => ids.includes(m.id))
  assert.deepEqual(texts(all), [...before, ...during, ...afterCut], 'in order, each once')
  assert.ok(
    all.filter((m) => afterIds.includes(m.id)).every((m) => m.path === 'lan'),
    'direct again',
  )
})

test('a group of a1, a2 and b1 with b1 offline: b1 gets what it missed in order, once; a1–a2 copies go direct', async () => {
  const group = await a1.api.createGroup('Trip', [a2.peerId, b1.peerId])
  await eventually(async () => (await a2.api.groups()).some((g) => g.id === group.id), 'a2 invited')
  await eventually(
    async () => (await b1.api.groups()).some((g) => g.id === group.id),
    'b1 invited through the relay',
  )
  await b1.stop()
  const fromA1 = Array.from({ length: 8 }, (_, i) => `trip plan ${i}`)
  const ids: string[] = []
  for (const line of fromA1) ids.push((await a1.api.send(group.conversation, line)).id)
  const fromA2 = await a2.api.send(group.conversation, 'count me in')
  await a1.api.renameGroup(group.id, 'Trip 2027')
  await eventually(
    async () =>
      (await a2.api.history(group.conversation, { limit: 500 })).filter((m) => ids.includes(m.id))
        .length === ids.length,
    'a2 has a1’s messages',
  )
  const atA2 = (await a2.api.history(group.conversation, { limit: 500 })).filter((m) =>
    ids.includes(m.id),
  )
  assert.ok(
    atA2.every((m) => m.path === 'lan'),
    'a1 → a2 went direct',
  )
  await eventually(
    async () =>
      (await a1.api.history(group.conversation, { limit: 500 }))
        .filter((m) => ids.includes(m.id))
        .every((m) => m.state === 'sent'),
    'every copy is with a2 or the relay',
  )

  await b1.restart()
  const all = [...ids, fromA2.id]
  await eventually(
    async () =>
      (await b1.api.history(group.conversation, { limit: 500 })).filter((m) => all.includes(m.id))
        .length === all.length,
    'b1 caught up',
    120_000,
  )
  const atB1 = (await b1.api.history(group.conversation, { limit: 500 })).filter((m) =>
    all.includes(m.id),
  )
  assert.deepEqual(texts(atB1.filter((m) => m.from === a1.peerId)), fromA1, 'in order')
  assert.equal(new Set(atB1.map((m) => m.id)).size, all.length, 'once')
  assert.ok(
    atB1.every((m) => m.path === 'relay'),
    'across the NATs only through the relay',
  )
  await eventually(
    async () => (await b1.api.groups()).find((g) => g.id === group.id)?.name === 'Trip 2027',
    'b1 has the rename',
  )
  await eventually(
    async () =>
      (await a1.api.history(group.conversation, { limit: 500 }))
        .filter((m) => ids.includes(m.id))
        .every((m) => m.state === 'delivered'),
    'b1’s receipts reached a1',
  )
  const reply = await b1.api.send(group.conversation, 'back online')
  for (const node of [a1, a2]) {
    await eventually(
      async () =>
        (await node.api.history(group.conversation, { limit: 500 })).some((m) => m.id === reply.id),
      `${node.name} has b1’s reply`,
    )
  }
})

test('the relay killed (-9) and restarted mid-conversation loses nothing', async () => {
  const first = await sendAll(a1, b1, ['before the crash'])
  await eventually(
    async () => (await history(b1, a1)).some((m) => m.id === first[0]),
    'first arrived',
  )
  await relay.kill9()
  const lines = Array.from({ length: 10 }, (_, i) => `across the crash ${i}`)
  const ids = await sendAll(a1, b1, lines)
  relay = await startRelay(relay.dataDir)
  await eventually(
    async () => (await history(b1, a1)).filter((m) => ids.includes(m.id)).length === ids.length,
    'all arrived after the restart',
    120_000,
  )
  const atB = (await history(b1, a1)).filter((m) => ids.includes(m.id))
  assert.deepEqual(texts(atB), lines)
})
