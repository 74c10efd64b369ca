// Per-key limits that used to reset or not exist (docs/relay.md "Limits"): the
// publish rate survives a reconnect; subscriptions per client and topics per SUBSCRIBE are capped
// (0x80 past the cap); the SUBACK grants the QoS the relay delivers; a refused topic is not
// stored with a persistent session; groups and retained bytes per owner are bounded.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { Packet } from 'mqtt-packet'
import { generateIdentity, type Identity } from '../../shared/identity.js'
import { encodeSignedGroupDocument, signGroupDocument } from '../../shared/group.js'
import { groupMetaTopic, inboxTopic, newGroupId, presenceTopic } from '../../shared/topics.js'
import { startRelayProcess, type RelayProcess } from '../support/relay-process.js'
import { closeAll, collect, connectAs } from '../support/mqtt-clients.js'
import { bytesOf, rawConnect, type RawClient } from '../support/raw-mqtt.js'

const RATE = 1
const BURST = 20
let relay: RelayProcess
let smallDoc: (owner: Identity) => Promise<Buffer>
let someone: Identity[]

before(async () => {
  someone = await Promise.all(Array.from({ length: 6 }, () => generateIdentity()))
  const member = await generateIdentity()
  smallDoc = async (owner) => {
    const doc = {
      groupId: newGroupId(),
      name: 'g',
      owner: owner.peerId,
      admins: [],
      members: [owner.peerId, member.peerId],
      version: 1,
    }
    return Buffer.from(encodeSignedGroupDocument(await signGroupDocument(doc, owner)))
  }
  const small = (await smallDoc(someone[0]!)).length
  relay = await startRelayProcess({
    args: [
      ...['--publish-rate', String(RATE), '--publish-burst', String(BURST)],
      ...['--max-subscriptions', '5', '--max-subscribe-topics', '3'],
      // three small groups fit in the bytes; a fourth is one group too many; a large one too many bytes
      ...['--max-groups', '3', '--max-retained-bytes', String(3 * small + 100)],
    ],
  })
})

after(async () => {
  await closeAll()
  await relay.stop()
  relay.cleanup()
})

function publishes(topic: string, n: number, from = 1): object[] {
  return Array.from({ length: n }, (_, i) => ({
    cmd: 'publish',
    topic,
    payload: Buffer.from(`p${i}`),
    qos: 1,
    messageId: from + i,
    retain: false,
    dup: false,
  }))
}

async function suback(
  client: RawClient,
  topics: Array<{ topic: string; qos: 0 | 1 | 2 }>,
  messageId: number,
): Promise<number[]> {
  const before = client.received.filter((p) => p.cmd === 'suback').length
  client.write(bytesOf([{ cmd: 'subscribe', messageId, subscriptions: topics }]))
  const acks = await client.waitFor('suback', before + 1)
  const ack = acks.find((p) => (p as { messageId?: number }).messageId === messageId) as
    (Packet & { granted: number[] }) | undefined
  assert.ok(ack !== undefined, 'no SUBACK')
  return ack.granted
}

test('the publish rate is per key: a reconnect does not refill it', async () => {
  const [alice, bob] = [someone[1]!, someone[2]!]
  await (
    await connectAs(relay.mqtt, bob, relay.relayId)
  ).subscribeAsync(inboxTopic(bob.peerId), { qos: 1 })
  // the burst, and as many as may wait up to 5 s for their tokens; the next is refused at once
  const first = await rawConnect(relay.mqtt, alice, relay.relayId)
  first.write(bytesOf(publishes(inboxTopic(bob.peerId), BURST + 10)))
  assert.ok(await first.closed(), 'publishing past the rate was not refused')
  // a fresh connection of the same key starts where the last one left off
  const second = await rawConnect(relay.mqtt, alice, relay.relayId)
  second.write(bytesOf(publishes(inboxTopic(bob.peerId), 5)))
  assert.ok(await second.closed(), 'the reconnected key got a new burst')
  assert.ok(second.received.filter((p) => p.cmd === 'puback').length < 5)
})

test('a SUBSCRIBE asking for QoS 2 is granted QoS 1, what the relay delivers', async () => {
  const carol = someone[3]!
  const client = await rawConnect(relay.mqtt, carol, relay.relayId)
  assert.deepEqual(await suback(client, [{ topic: inboxTopic(carol.peerId), qos: 2 }], 1), [1])
  client.end()
})

test('topics past the per-SUBSCRIBE cap and subscriptions past the per-client cap get 0x80', async () => {
  const dave = someone[4]!
  const client = await rawConnect(relay.mqtt, dave, relay.relayId)
  const others = someone
    .slice(0, 4)
    .map((p) => ({ topic: presenceTopic(p.peerId), qos: 1 as const }))
  // four topics, three allowed per packet
  assert.deepEqual(
    await suback(client, [{ topic: inboxTopic(dave.peerId), qos: 1 }, ...others.slice(0, 3)], 1),
    [1, 1, 1, 128],
  )
  // three held; two more fit under five, the third does not
  const more = [someone[3]!, someone[5]!, await generateIdentity()].map((p) => ({
    topic: presenceTopic(p.peerId),
    qos: 1 as const,
  }))
  assert.deepEqual(await suback(client, more, 2), [1, 1, 128])
  client.end()
})

test('a topic refused in a persistent SUBSCRIBE is not stored with the session', async () => {
  // regression: aedes stored the packet's whole topic list for each granted topic, the refused
  // ones too, so another's inbox was queued for the attacker and delivered on its reconnect
  const [mallory, victim, sender] = await Promise.all([
    generateIdentity(),
    generateIdentity(),
    generateIdentity(),
  ])
  await (
    await connectAs(relay.mqtt, victim, relay.relayId)
  ).subscribeAsync(inboxTopic(victim.peerId), { qos: 1 })
  const raw = await rawConnect(relay.mqtt, mallory, relay.relayId, { clean: false })
  assert.deepEqual(
    await suback(
      raw,
      [
        { topic: inboxTopic(mallory.peerId), qos: 1 },
        { topic: inboxTopic(victim.peerId), qos: 1 },
      ],
      1,
    ),
    [1, 128],
  )
  raw.end()
  await new Promise((r) => setTimeout(r, 200))
  const from = await connectAs(relay.mqtt, sender, relay.relayId, { clean: true })
  await from.publishAsync(inboxTopic(victim.peerId), 'for the victim only', { qos: 1 })
  await from.publishAsync(inboxTopic(mallory.peerId), 'for mallory', { qos: 1 })
  const back = await connectAs(relay.mqtt, mallory, relay.relayId)
  const seen = collect(back)
  await seen.waitFor(1)
  await new Promise((r) => setTimeout(r, 300))
  assert.deepEqual(
    seen.messages.map((m) => m.payload.toString()),
    ['for mallory'],
  )
})

test('one key owns a bounded number of groups and bytes of group documents', async () => {
  const [owner, other] = [someone[5]!, await generateIdentity()]
  const client = await rawConnect(relay.mqtt, owner, relay.relayId)
  const retained = async (who: RawClient, payload: Buffer, messageId: number): Promise<boolean> => {
    const topic = groupMetaTopic(JSON.parse(payload.toString()).groupId as string)
    who.write(
      bytesOf([{ cmd: 'publish', topic, payload, qos: 1, messageId, retain: true, dup: false }]),
    )
    const acks = await who.waitFor('puback', messageId)
    return acks.some((p) => (p as { messageId?: number }).messageId === messageId)
  }
  for (let i = 1; i <= 3; i++)
    assert.equal(await retained(client, await smallDoc(owner), i), true, `group ${i} was refused`)
  assert.equal(
    await retained(client, await smallDoc(owner), 4),
    false,
    'a fourth group was accepted',
  )
  assert.ok(await client.closed())

  // one document larger than the bytes one key may keep
  const big = {
    groupId: newGroupId(),
    name: 'big',
    owner: other.peerId,
    admins: [],
    members: [other.peerId, ...someone.map((p) => p.peerId)],
    version: 1,
  }
  const members = await Promise.all(Array.from({ length: 60 }, () => generateIdentity()))
  big.members.push(...members.map((p) => p.peerId))
  const otherClient = await rawConnect(relay.mqtt, other, relay.relayId)
  assert.equal(
    await retained(
      otherClient,
      Buffer.from(encodeSignedGroupDocument(await signGroupDocument(big, other))),
      1,
    ),
    false,
    'an oversize group document was kept',
  )
  const text = await (await fetch(`${relay.http}/metrics`)).text()
  assert.match(text, /^pigeon_relay_acl_refusals_total\{reason="group_limit"\} 2$/m)
})
