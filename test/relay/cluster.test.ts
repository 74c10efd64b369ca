// Cluster mode: three relay processes sharing a Debian redis-server (started here on a free port,
// own temp dir). A client moves between nodes and keeps its queue; live messages, group
// membership and token replay protection are shared.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import type { MqttClient } from 'mqtt'
import { generateIdentity, type Identity } from '../../shared/identity.js'
import { createRelayToken } from '../../shared/relay-token.js'
import { encodeSignedGroupDocument, signGroupDocument } from '../../shared/group.js'
import { groupMetaTopic, groupTopic, inboxTopic, newGroupId } from '../../shared/topics.js'
import { startRedis } from '../support/brokers.js'
import {
  newDataDir,
  startRelayProcess,
  unthrottled,
  type RelayProcess,
} from '../support/relay-process.js'
import {
  closeAll,
  closed,
  collect,
  connackCode,
  connectAs,
  connectCollecting,
} from '../support/mqtt-clients.js'

// the bursts below are about queue counts, not the rate limit
const FAST = [...unthrottled(), '--max-created-inboxes', '2']
let redis: Awaited<ReturnType<typeof startRedis>>
let nodeA: RelayProcess
let nodeB: RelayProcess
let nodeC: RelayProcess
let alice: Identity
let bob: Identity

before(async () => {
  redis = await startRedis()
  nodeA = await startRelayProcess({ args: ['--redis', redis.url, ...FAST] })
  // every node of one relay shares its identity: copy the key before the second node starts
  const dirB = newDataDir()
  copyFileSync(join(nodeA.dataDir, 'relay.key'), join(dirB, 'relay.key'))
  const dirC = newDataDir()
  copyFileSync(join(nodeA.dataDir, 'relay.key'), join(dirC, 'relay.key'))
  ;[nodeB, nodeC] = await Promise.all([
    startRelayProcess({ dataDir: dirB, args: ['--redis', redis.url, ...FAST] }),
    startRelayProcess({ dataDir: dirC, args: ['--redis', redis.url, ...FAST] }),
  ])
  ;[alice, bob] = await Promise.all([generateIdentity(), generateIdentity()])
})

after(async () => {
  await closeAll()
  await Promise.all([nodeA?.stop(), nodeB?.stop(), nodeC?.stop()])
  nodeA?.cleanup()
  nodeB?.cleanup()
  nodeC?.cleanup()
  await redis?.stop()
})

test('every node presents the same relay id', () => {
  assert.equal(nodeA.relayId, nodeB.relayId)
  assert.equal(nodeA.relayId, nodeC.relayId)
  assert.equal(new Set([nodeA.mqtt, nodeB.mqtt, nodeC.mqtt]).size, 3)
})

test('a client queued on node 1 (from nodes 1 and 2) reconnects to node 3 and gets everything once, each sender in order', async () => {
  const [dana, erin] = await Promise.all([generateIdentity(), generateIdentity()])
  const offline = await connectAs(nodeA.mqtt, dana, nodeA.relayId)
  await offline.subscribeAsync(inboxTopic(dana.peerId), { qos: 1 })
  await offline.endAsync()

  const fromA = await connectAs(nodeA.mqtt, alice, nodeA.relayId)
  const fromB = await connectAs(nodeB.mqtt, erin, nodeB.relayId)
  await Promise.all([
    (async () => {
      for (let i = 0; i < 60; i++)
        await fromA.publishAsync(inboxTopic(dana.peerId), `a${i}`, { qos: 1 })
    })(),
    (async () => {
      for (let i = 0; i < 40; i++)
        await fromB.publishAsync(inboxTopic(dana.peerId), `e${i}`, { qos: 1 })
    })(),
  ])
  await Promise.all([fromA.endAsync(), fromB.endAsync()])

  const { client: moved, inbox } = await connectCollecting(nodeC.mqtt, dana, nodeC.relayId)
  await inbox.waitFor(100)
  await new Promise((r) => setTimeout(r, 500)) // a duplicate would arrive here
  const got = inbox.messages.map((m) => m.payload.toString())
  assert.equal(got.length, 100, 'each message once')
  assert.deepEqual(
    got.filter((p) => p.startsWith('a')),
    Array.from({ length: 60 }, (_, i) => `a${i}`),
  )
  assert.deepEqual(
    got.filter((p) => p.startsWith('e')),
    Array.from({ length: 40 }, (_, i) => `e${i}`),
  )
  await moved.endAsync()
})

test('a client queued on node A collects its queue from node B', async () => {
  const offline = await connectAs(nodeA.mqtt, bob, nodeA.relayId)
  await offline.subscribeAsync(inboxTopic(bob.peerId), { qos: 1 })
  await offline.endAsync()

  const sender = await connectAs(nodeA.mqtt, alice, nodeA.relayId)
  for (let i = 0; i < 50; i++)
    await sender.publishAsync(inboxTopic(bob.peerId), `q${i}`, { qos: 1 })
  await sender.endAsync()

  const { client: moved, inbox } = await connectCollecting(nodeB.mqtt, bob, nodeB.relayId)
  await inbox.waitFor(50)
  await new Promise((r) => setTimeout(r, 300))
  assert.deepEqual(
    inbox.messages.map((m) => m.payload.toString()).sort(),
    Array.from({ length: 50 }, (_, i) => `q${i}`).sort(),
  )
  await moved.endAsync()
})

test('a message published on one node reaches a subscriber on the other live', async () => {
  const receiver = await connectAs(nodeB.mqtt, bob, nodeB.relayId)
  const inbox = collect(receiver)
  await receiver.subscribeAsync(inboxTopic(bob.peerId), { qos: 1 })
  const sender = await connectAs(nodeA.mqtt, alice, nodeA.relayId)
  await sender.publishAsync(inboxTopic(bob.peerId), 'live across nodes', { qos: 1 })
  await inbox.waitFor(1)
  assert.equal(inbox.messages[0]?.payload.toString(), 'live across nodes')
  await receiver.endAsync()
  await sender.endAsync()
})

test("a recipient on node B that acknowledges everything never fills up on node A: the queue count is the cluster's", async () => {
  // regression: each node counted what it queued and only the recipient's own node saw the
  // acknowledgements, so node A called the inbox full after 1,000 messages, and PUBACKed some
  // messages it did not store
  const [carol, dave] = await Promise.all([generateIdentity(), generateIdentity()])
  const receiver = await connectAs(nodeB.mqtt, dave, nodeB.relayId)
  const inbox = collect(receiver)
  await receiver.subscribeAsync(inboxTopic(dave.peerId), { qos: 1 })
  const sender = await connectAs(nodeA.mqtt, carol, nodeA.relayId, { clean: true })
  sender.on('error', () => undefined)
  let refused = false
  // node A closes the connection to refuse a publish
  const gone = new Promise<void>((resolve) =>
    sender.once('close', () => resolve(void (refused = true))),
  )
  const N = 1200
  const window: Array<Promise<unknown>> = []
  // the sender keeps pace with the recipient (as the app's router does, by its delivered
  // receipts), so what stays queued is at most one window: the count is about the queue, and the
  // recipient acknowledges everything
  for (let i = 0; i < N && !refused; i++) {
    window.push(sender.publishAsync(inboxTopic(dave.peerId), `d${i}`, { qos: 1 }))
    if (window.length < 32) continue
    await Promise.race([Promise.all(window.splice(0)), gone])
    await Promise.race([inbox.waitFor(i + 1), gone])
  }
  await Promise.race([Promise.all(window), gone])
  const refusals = async (): Promise<string> =>
    (
      (await (await fetch(`${nodeA.http}/metrics`)).text()).match(
        /^pigeon_relay_acl_refusals_total.*$/gm,
      ) ?? []
    ).join('; ')
  assert.equal(
    refused,
    false,
    `node A refused a publish to an inbox drained on node B: ${await refusals()}`,
  )
  await inbox.waitFor(N, 30_000)
  const texts = inbox.messages.map((m) => m.payload.toString())
  assert.equal(new Set(texts).size, N)
  // and the inbox still takes messages afterwards
  await sender.publishAsync(inboxTopic(dave.peerId), 'one more', { qos: 1 })
  await inbox.waitFor(N + 1)
  const metrics = await (await fetch(`${nodeA.http}/metrics`)).text()
  assert.doesNotMatch(metrics, /reason="(queue_full|share_full)"/)
  await receiver.endAsync()
  await sender.endAsync()
})

/** QoS 1 publishes `texts` from `from` on `node` to `to`'s inbox; resolves with how many were PUBACKed before the node closed the connection. */
async function sendAll(
  node: RelayProcess,
  from: Identity,
  to: Identity,
  texts: string[],
): Promise<number> {
  const client = await connectAs(node.mqtt, from, node.relayId, { clean: true })
  client.on('error', () => undefined)
  let acked = 0
  const all = Promise.allSettled(
    texts.map((text) =>
      client.publishAsync(inboxTopic(to.peerId), text, { qos: 1 }).then(() => acked++),
    ),
  )
  // a refusal closes the connection, and mqtt.js keeps the unacknowledged publishes pending
  await Promise.race([all, closed(client)])
  await client.endAsync(true)
  return acked
}

test('an inbox never seen, started by publishes on both nodes at once, is one session: its owner gets every message once', async () => {
  const [carol, erin] = await Promise.all([generateIdentity(), generateIdentity()])
  const fromA = Array.from({ length: 20 }, (_, i) => `a${i}`)
  const fromB = Array.from({ length: 20 }, (_, i) => `b${i}`)
  const acked = await Promise.all([
    sendAll(nodeA, alice, erin, fromA),
    sendAll(nodeB, carol, erin, fromB),
  ])
  assert.deepEqual(acked, [20, 20], 'a publish to an inbox nobody has a session for was refused')
  // erin's first connect, as the app makes it, on either node
  const owner = await connectAs(nodeB.mqtt, erin, nodeB.relayId)
  const inbox = collect(owner)
  await owner.subscribeAsync(inboxTopic(erin.peerId), { qos: 1 })
  await inbox.waitFor(40)
  await new Promise((r) => setTimeout(r, 300))
  const texts = inbox.messages.map((m) => m.payload.toString())
  assert.deepEqual([...texts].sort(), [...fromA, ...fromB].sort())
  // each node's messages in the order they were sent
  assert.deepEqual(
    texts.filter((t) => t.startsWith('a')),
    fromA,
  )
  assert.deepEqual(
    texts.filter((t) => t.startsWith('b')),
    fromB,
  )
  await owner.endAsync()
  const again = await connectAs(nodeA.mqtt, erin, nodeA.relayId)
  const redelivered = collect(again)
  await again.subscribeAsync(inboxTopic(erin.peerId), { qos: 1 })
  await new Promise((r) => setTimeout(r, 300))
  assert.equal(redelivered.messages.length, 0, 'the queue was delivered twice')
  await again.endAsync()
})

test("the inboxes one sender started count across the cluster's nodes", async () => {
  const [mallory, i1, i2, i3] = await Promise.all([
    generateIdentity(),
    generateIdentity(),
    generateIdentity(),
    generateIdentity(),
  ])
  assert.equal(await sendAll(nodeA, mallory, i1, ['x']), 1)
  assert.equal(await sendAll(nodeB, mallory, i2, ['x']), 1)
  assert.equal(await sendAll(nodeA, mallory, i1, ['again']), 1, 'a started inbox is charged once')
  assert.equal(
    await sendAll(nodeB, mallory, i3, ['x']),
    0,
    'node B let a sender start a third inbox nobody claimed (limit 2 across the cluster)',
  )
  const metrics = await (await fetch(`${nodeB.http}/metrics`)).text()
  assert.match(metrics, /^pigeon_relay_acl_refusals_total\{reason="inbox_create_limit"\} 1$/m)
})

test('a group created on node A is enforced on node B', async () => {
  const groupId = newGroupId()
  const owner = await connectAs(nodeA.mqtt, alice, nodeA.relayId)
  const doc = await signGroupDocument(
    {
      groupId,
      name: 'c',
      owner: alice.peerId,
      admins: [],
      members: [alice.peerId, bob.peerId],
      version: 1,
    },
    alice,
  )
  await owner.publishAsync(groupMetaTopic(groupId), Buffer.from(encodeSignedGroupDocument(doc)), {
    qos: 1,
    retain: true,
  })

  const outsider = await generateIdentity()
  const stranger = await connectAs(nodeB.mqtt, outsider, nodeB.relayId, { clean: true })
  const deadline = Date.now() + 10_000
  let granted: number | undefined
  const member = await connectAs(nodeB.mqtt, bob, nodeB.relayId)
  // the document reaches node B through Redis pub/sub; wait for it
  while (granted !== 1) {
    assert.ok(Date.now() < deadline, 'node B never learnt the group')
    granted = await grantedQos(member, groupTopic(groupId))
    if (granted !== 1) await new Promise((r) => setTimeout(r, 100))
  }
  assert.equal(await grantedQos(stranger, groupTopic(groupId)), 128)
  const seen = collect(member)
  await owner.publishAsync(groupTopic(groupId), 'hello group', { qos: 1 })
  await seen.waitFor(1)
  assert.equal(seen.messages[0]?.payload.toString(), 'hello group')
})

/** mqtt.js rejects a SUBACK 0x80 as an error; report it as the code */
async function grantedQos(client: MqttClient, topic: string): Promise<number | undefined> {
  try {
    return (await client.subscribeAsync(topic, { qos: 1 }))[0]?.qos
  } catch {
    return 128
  }
}

test('a token used on one node cannot be replayed on the other', async () => {
  const carol = await generateIdentity()
  const token = await createRelayToken(carol, nodeA.relayId)
  const login = { clientId: carol.peerId, username: carol.peerId, password: token }
  assert.equal(await connackCode(nodeA.mqtt, login), 0)
  assert.equal(await connackCode(nodeB.mqtt, login), 5)
})
