// The ACL attack table (docs/relay.md "ACL"): each attack is refused — SUBACK 0x80 for a subscription,
// a closed connection for a publish [MQTT-3.3.5-2], a CONNACK refusal for a login — while a victim
// on the same relay keeps sending and receiving, and nothing of the victim's reaches the attacker.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { MqttClient } from 'mqtt'
import { generateIdentity, type Identity } from '../../shared/identity.js'
import { createRelayToken } from '../../shared/relay-token.js'
import {
  encodeSignedGroupDocument,
  signGroupDocument,
  type GroupDocument,
} from '../../shared/group.js'
import {
  groupMetaTopic,
  groupTopic,
  inboxTopic,
  newGroupId,
  presenceTopic,
} from '../../shared/topics.js'
import { startRelayProcess, type RelayProcess } from '../support/relay-process.js'
import { closeAll, closed, collect, connackCode, connectAs } from '../support/mqtt-clients.js'

const MAX_PACKET = 4096
let relay: RelayProcess
let victim: Identity
let friend: Identity
let attacker: Identity
let victimClient: MqttClient
let victimInbox: ReturnType<typeof collect>
const groupId = newGroupId()
let groupV1: Uint8Array
let groupV2: Uint8Array
let probe = 0

before(async () => {
  relay = await startRelayProcess({
    args: [
      '--max-packet-bytes',
      String(MAX_PACKET),
      '--publish-rate',
      '20',
      '--publish-burst',
      '60',
    ],
  })
  ;[victim, friend, attacker] = await Promise.all([
    generateIdentity(),
    generateIdentity(),
    generateIdentity(),
  ])
  victimClient = await connectAs(relay.mqtt, victim, relay.relayId)
  victimInbox = collect(victimClient)
  await victimClient.subscribeAsync(inboxTopic(victim.peerId), { qos: 1 })
  const doc: GroupDocument = {
    groupId,
    name: 'Team',
    owner: victim.peerId,
    admins: [],
    members: [victim.peerId, friend.peerId],
    version: 1,
  }
  groupV1 = encodeSignedGroupDocument(await signGroupDocument(doc, victim))
  groupV2 = encodeSignedGroupDocument(
    await signGroupDocument({ ...doc, name: 'Team 2', version: 2 }, victim),
  )
  await victimClient.publishAsync(groupMetaTopic(groupId), Buffer.from(groupV1), {
    qos: 1,
    retain: true,
  })
  await victimClient.publishAsync(groupMetaTopic(groupId), Buffer.from(groupV2), {
    qos: 1,
    retain: true,
  })
  const granted = await victimClient.subscribeAsync(groupTopic(groupId), { qos: 1 })
  assert.equal(granted[0]?.qos, 1)
})

after(async () => {
  await closeAll()
  await relay.stop()
  relay.cleanup()
})

/** The victim still reaches itself through the relay. */
async function victimStillServed(): Promise<void> {
  const text = `probe ${++probe}`
  await victimClient.publishAsync(inboxTopic(victim.peerId), text, { qos: 1 })
  const deadline = Date.now() + 10_000
  while (!victimInbox.messages.some((m) => m.payload.toString() === text)) {
    assert.ok(Date.now() < deadline, `victim did not get ${text}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}

async function attackerClient(): Promise<{ client: MqttClient; seen: ReturnType<typeof collect> }> {
  const client = await connectAs(relay.mqtt, attacker, relay.relayId, { clean: true })
  return { client, seen: collect(client) }
}

async function subscribeRefused(topic: string): Promise<void> {
  const { client, seen } = await attackerClient()
  let refused: boolean
  try {
    const granted = await client.subscribeAsync(topic, { qos: 1 })
    refused = granted[0]?.qos === 128
  } catch {
    refused = true // the broker closed the connection
  }
  assert.ok(refused, `subscription to ${topic.slice(0, 60)} was granted`)
  await victimStillServed()
  assert.equal(seen.messages.length, 0, 'the attacker received something')
  await client.endAsync(true)
}

async function publishRefused(
  topic: string,
  payload: Buffer | string,
  options: { qos?: 0 | 1; retain?: boolean } = {},
): Promise<void> {
  const { client } = await attackerClient()
  const gone = closed(client)
  client.publish(
    topic,
    payload,
    { qos: options.qos ?? 1, retain: options.retain ?? false },
    () => undefined,
  )
  assert.ok(await gone, `publish to ${topic.slice(0, 60)} did not close the connection`)
  await victimStillServed()
}

async function loginRefused(options: Record<string, unknown>): Promise<void> {
  const code = await connackCode(relay.mqtt, options)
  assert.ok(code === 2 || code === 4 || code === 5, `login accepted (code ${code})`)
  await victimStillServed()
}

const nested = Array.from({ length: 40 }, (_, i) => `l${i}`).join('/')

const attacks: Array<[string, () => Promise<void>]> = [
  ["subscribe to another's inbox", () => subscribeRefused(inboxTopic(victim.peerId))],
  ['subscribe to #', () => subscribeRefused('#')],
  ['subscribe to every inbox with +', () => subscribeRefused('pigeon/v1/inbox/+')],
  ['subscribe with a leading +', () => subscribeRefused(`+/v1/inbox/${victim.peerId}`)],
  ['subscribe to pigeon/v1/#', () => subscribeRefused('pigeon/v1/#')],
  ['subscribe to $SYS/#', () => subscribeRefused('$SYS/#')],
  ['subscribe to a group as a non-member', () => subscribeRefused(groupTopic(groupId))],
  ["subscribe to a group's meta as a non-member", () => subscribeRefused(groupMetaTopic(groupId))],
  ['subscribe to a foreign topic', () => subscribeRefused('foo/bar')],
  ['subscribe to a deeply nested topic', () => subscribeRefused(nested)],
  [
    "forge another's presence",
    () => publishRefused(presenceTopic(victim.peerId), 'offline', { retain: true }),
  ],
  [
    "clear another's retained presence",
    () => publishRefused(presenceTopic(victim.peerId), '', { retain: true }),
  ],
  [
    'retain a message in an inbox',
    () => publishRefused(inboxTopic(victim.peerId), 'stay forever', { retain: true }),
  ],
  ['publish to a group as a non-member', () => publishRefused(groupTopic(groupId), 'spam')],
  [
    'forge a group document that adds oneself',
    async () => {
      const forged = await signGroupDocument(
        {
          groupId,
          name: 'Mine',
          owner: victim.peerId,
          admins: [],
          members: [victim.peerId, friend.peerId, attacker.peerId],
          version: 9,
        },
        attacker,
      )
      await publishRefused(
        groupMetaTopic(groupId),
        Buffer.from(encodeSignedGroupDocument(forged)),
        { retain: true },
      )
    },
  ],
  [
    'replay an older group document',
    () => publishRefused(groupMetaTopic(groupId), Buffer.from(groupV1), { retain: true }),
  ],
  [
    'publish garbage as a group document',
    () => publishRefused(groupMetaTopic(groupId), '{"groupId":1}', { retain: true }),
  ],
  [
    'publish a group document without retain',
    () => publishRefused(groupMetaTopic(groupId), Buffer.from(groupV2)),
  ],
  ['publish to $SYS', () => publishRefused('$SYS/broker/uptime', 'x')],
  ['publish to a foreign topic', () => publishRefused('foo/bar', 'x')],
  ['publish to a deeply nested topic', () => publishRefused(nested, 'x')],
  [
    'publish an oversize packet',
    () => publishRefused(inboxTopic(victim.peerId), Buffer.alloc(MAX_PACKET * 4, 1)),
  ],
  [
    'flood faster than the publish rate',
    async () => {
      const { client } = await attackerClient()
      const gone = closed(client, 20_000)
      for (let i = 0; i < 400; i++) client.publish(inboxTopic(attacker.peerId), 'flood', { qos: 0 })
      assert.ok(await gone, 'the flood was not cut off')
      await victimStillServed()
    },
  ],
  [
    'log in with a replayed token',
    async () => {
      const token = await createRelayToken(attacker, relay.relayId)
      assert.equal(
        await connackCode(relay.mqtt, {
          clientId: attacker.peerId,
          username: attacker.peerId,
          password: token,
        }),
        0,
      )
      await loginRefused({ clientId: attacker.peerId, username: attacker.peerId, password: token })
    },
  ],
  [
    "log in with another relay's token",
    async () => {
      const other = await generateIdentity()
      await loginRefused({
        clientId: attacker.peerId,
        username: attacker.peerId,
        password: await createRelayToken(attacker, other.peerId),
      })
    },
  ],
  [
    'log in as the victim with a token from another key',
    async () => {
      await loginRefused({
        clientId: victim.peerId,
        username: victim.peerId,
        password: await createRelayToken(attacker, relay.relayId),
      })
    },
  ],
  [
    'log in with an overlong client id',
    async () => {
      const id = `${attacker.peerId}${'A'.repeat(200)}`
      await loginRefused({
        clientId: id,
        username: id,
        password: await createRelayToken(attacker, relay.relayId),
      })
    },
  ],
]

test(`the attack table (${attacks.length} cases) is refused while the victim keeps working`, async (t) => {
  assert.ok(attacks.length >= 20)
  const before = await aclRefusals()
  for (const [name, attack] of attacks) {
    await t.test(name, attack)
  }
  // the victim was never kicked off by any of it
  assert.ok(victimClient.connected)
  const after = await aclRefusals()
  assert.ok(after - before >= 20, `only ${after - before} ACL refusals counted`)
  const text = await (await fetch(`${relay.http}/metrics`)).text()
  const reasons = new Set(
    [...text.matchAll(/^pigeon_relay_acl_refusals_total\{reason="([^"]+)"\}/gm)].map((m) => m[1]),
  )
  for (const reason of [
    'subscribe_denied',
    'topic_invalid',
    'publish_denied',
    'retain_denied',
    'group_not_authorized',
    'group_version_stale',
    'group_doc_invalid',
    'group_doc_not_retained',
    'packet_too_large',
    'rate_limited',
  ]) {
    assert.ok(reasons.has(reason), `no refusal counted as ${reason}: ${[...reasons].join(', ')}`)
  }
})

test('a member still uses the group after the attacks', async () => {
  const member = await connectAs(relay.mqtt, friend, relay.relayId)
  const seen = collect(member)
  await member.subscribeAsync(groupTopic(groupId), { qos: 1 })
  await victimClient.publishAsync(groupTopic(groupId), 'to the team', { qos: 1 })
  await seen.waitFor(1)
  assert.equal(seen.messages[0]?.payload.toString(), 'to the team')
})

async function aclRefusals(): Promise<number> {
  const text = await (await fetch(`${relay.http}/metrics`)).text()
  return [...text.matchAll(/^pigeon_relay_acl_refusals_total\{[^}]*\} (\d+)/gm)].reduce(
    (sum, m) => sum + Number(m[1]),
    0,
  )
}
