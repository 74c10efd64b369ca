// Groups on the relay: membership follows signed documents on the group-meta topic; the relay
// enforces it on the group topic, a removed member stops receiving at once, an offline member
// gets what it missed, and a member reads the current document (the member list) on subscribe.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { MqttClient } from 'mqtt'
import { generateIdentity, type Identity } from '../../shared/identity.js'
import {
  decodeSignedGroupDocument,
  encodeSignedGroupDocument,
  signGroupDocument,
  type GroupDocument,
} from '../../shared/group.js'
import { groupMetaTopic, groupTopic, newGroupId } from '../../shared/topics.js'
import { startRelayProcess, type RelayProcess } from '../support/relay-process.js'
import { closeAll, closed, collect, connectAs } from '../support/mqtt-clients.js'

let relay: RelayProcess
let owner: Identity
let admin: Identity
let carol: Identity
let dave: Identity
let ownerClient: MqttClient

before(async () => {
  relay = await startRelayProcess()
  ;[owner, admin, carol, dave] = await Promise.all([
    generateIdentity(),
    generateIdentity(),
    generateIdentity(),
    generateIdentity(),
  ])
  ownerClient = await connectAs(relay.mqtt, owner, relay.relayId)
})
after(async () => {
  await closeAll()
  await relay.stop()
  relay.cleanup()
})

async function publishDoc(client: MqttClient, doc: GroupDocument, signer: Identity): Promise<void> {
  const signed = await signGroupDocument(doc, signer)
  await client.publishAsync(
    groupMetaTopic(doc.groupId),
    Buffer.from(encodeSignedGroupDocument(signed)),
    { qos: 1, retain: true },
  )
}

test('create, add by an admin, rename, remove, leave — each signed change takes effect', async () => {
  const groupId = newGroupId()
  const base: GroupDocument = {
    groupId,
    name: 'Ops',
    owner: owner.peerId,
    admins: [admin.peerId],
    members: [owner.peerId, admin.peerId],
    version: 1,
  }
  await publishDoc(ownerClient, base, owner)

  // the admin adds carol; carol can now subscribe and receive
  const adminClient = await connectAs(relay.mqtt, admin, relay.relayId)
  await publishDoc(
    adminClient,
    { ...base, members: [...base.members, carol.peerId], version: 2 },
    admin,
  )
  const carolClient = await connectAs(relay.mqtt, carol, relay.relayId)
  const carolSeen = collect(carolClient)
  await carolClient.subscribeAsync([groupTopic(groupId), groupMetaTopic(groupId)], { qos: 1 })
  await carolSeen.waitFor(1) // the retained document: the current member list
  const listed = decodeSignedGroupDocument(carolSeen.messages[0]!.payload)
  assert.equal(listed.version, 2)
  assert.deepEqual(listed.members, [owner.peerId, admin.peerId, carol.peerId])

  await ownerClient.publishAsync(groupTopic(groupId), 'one', { qos: 1 })
  await carolSeen.waitFor(2)

  // the owner renames and removes carol: she stops receiving at once, though still subscribed
  await publishDoc(ownerClient, { ...base, name: 'Ops 2', version: 3 }, owner)
  await ownerClient.publishAsync(groupTopic(groupId), 'two', { qos: 1 })
  await new Promise((r) => setTimeout(r, 300))
  const texts = carolSeen.messages
    .filter((m) => m.topic === groupTopic(groupId))
    .map((m) => m.payload.toString())
  assert.deepEqual(texts, ['one'])

  // and she can no longer write there
  const gone = closed(carolClient)
  carolClient.publish(groupTopic(groupId), 'still here?', { qos: 1 })
  assert.ok(await gone)

  // the admin leaves by signing a document without itself
  await publishDoc(
    adminClient,
    { ...base, name: 'Ops 2', admins: [], members: [owner.peerId], version: 4 },
    admin,
  )
  const adminGone = closed(adminClient)
  adminClient.publish(groupTopic(groupId), 'after leaving', { qos: 1 })
  assert.ok(await adminGone, 'a member that left can still write')
})

test('a member offline while the group talked gets what it missed', async () => {
  const groupId = newGroupId()
  await publishDoc(
    ownerClient,
    {
      groupId,
      name: 'Late',
      owner: owner.peerId,
      admins: [],
      members: [owner.peerId, dave.peerId],
      version: 1,
    },
    owner,
  )
  const daveClient = await connectAs(relay.mqtt, dave, relay.relayId)
  await daveClient.subscribeAsync(groupTopic(groupId), { qos: 1 })
  await daveClient.endAsync()
  for (let i = 0; i < 5; i++)
    await ownerClient.publishAsync(groupTopic(groupId), `missed ${i}`, { qos: 1 })
  const back = await connectAs(relay.mqtt, dave, relay.relayId)
  const seen = collect(back)
  await seen.waitFor(5)
  assert.deepEqual(
    seen.messages.map((m) => m.payload.toString()),
    [0, 1, 2, 3, 4].map((i) => `missed ${i}`),
  )
})

test('the group documents survive a restart of the relay', async () => {
  const groupId = newGroupId()
  await publishDoc(
    ownerClient,
    {
      groupId,
      name: 'Durable',
      owner: owner.peerId,
      admins: [],
      members: [owner.peerId, carol.peerId],
      version: 1,
    },
    owner,
  )
  await closeAll()
  const dataDir = relay.dataDir
  assert.equal(await relay.stop(), 0)
  relay = await startRelayProcess({ dataDir })
  ownerClient = await connectAs(relay.mqtt, owner, relay.relayId)
  const carolClient = await connectAs(relay.mqtt, carol, relay.relayId, { clean: true })
  const granted = await carolClient.subscribeAsync(groupTopic(groupId), { qos: 1 })
  assert.equal(granted[0]?.qos, 1)
})
