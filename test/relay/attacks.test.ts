// The attack table (docs/architecture.md §6, "Attacks and fuzzing"): one row per attack on a real
// `pigeon-relay` process (invite-only, so a never-admitted key is one of the attackers), each
// asserting how it is refused — while a legitimate pair, Alice → Bob, exchanges QoS 1 messages
// throughout and loses none: every message Alice got a PUBACK for must reach Bob, and Bob's
// session is never taken over or closed. One file, over 350 lines, because it is the table: the
// rows share one relay process and one legitimate pair, and read as one list of attacks.
//
// Raw rows write their bytes in ONE write over a plain TCP socket (test/support/raw-mqtt.ts), so
// that packets pipelined behind a CONNECT reach the relay while that CONNECT is being checked
// (docs/relay.md "Authentication"); client rows use mqtt.js the way a real client would.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import type { MqttClient } from 'mqtt'
import { generateIdentity, type Identity } from '../../shared/identity.js'
import { createRelayToken } from '../../shared/relay-token.js'
import {
  groupMetaTopic,
  groupTopic,
  inboxTopic,
  newGroupId,
  presenceTopic,
} from '../../shared/topics.js'
import { encodeSignedGroupDocument, signGroupDocument } from '../../shared/group.js'
import { closeAll, collect, connackCode, connectAs } from '../support/mqtt-clients.js'
import {
  connectBytes,
  encode,
  exchangeRaw,
  intrusion,
  pipelinedBehind,
  SIXTY_FOUR_KIB,
  summary,
} from '../support/raw-mqtt.js'
import { startRelayProcess, type RelayProcess } from '../support/relay-process.js'
import { request as httpRequest } from 'node:http'
import { blobAuth, blobRequest, createBlob, putPiece } from '../support/blob-client.js'

let relay: RelayProcess
let alice: Identity
let bob: Identity
let mallory: Identity // admitted, and attacks from inside
let stranger: Identity // never admitted
let otherRelay: Identity
let groupId: string // a group of Alice and Bob; Mallory is not in it
let blobId: string // a complete 64-byte blob Alice uploaded for Bob

async function admit(identity: Identity): Promise<void> {
  const created = await fetch(`${relay.http}/admin/invites`, {
    method: 'POST',
    headers: { authorization: `Bearer ${relay.adminToken}` },
  })
  const { code } = (await created.json()) as { code: string }
  const redeemed = await redeem(identity, code, await createRelayToken(identity, relay.relayId))
  assert.equal(redeemed.status, 200)
}

function redeem(identity: Identity, code: string, token: string): Promise<Response> {
  return fetch(`${relay.http}/invites/redeem`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ peerId: identity.peerId, code, token }),
  })
}

/** a CONNECT as `identity`, with its own fresh token unless one is given */
const login = async (
  identity: Identity,
  token?: string,
  extra: Partial<Parameters<typeof connectBytes>[0]> = {},
): Promise<Buffer> =>
  connectBytes({
    clientId: identity.peerId,
    username: identity.peerId,
    password: token ?? (await createRelayToken(identity, relay.relayId)),
    ...extra,
  })

/** the packets in one write */
const raw = async (packets: Buffer[]): Promise<string> =>
  summary(await exchangeRaw(relay.mqtt, [Buffer.concat(packets)]))
/** a good CONNECT as Mallory, and `bytes` only once the relay accepted it */
const afterLogin = async (bytes: Buffer): Promise<string> =>
  summary(await exchangeRaw(relay.mqtt, [await login(mallory)], { afterConnack: bytes }))

/** a refused CONNECT with the intrusion into Bob's inbox and presence behind it (raw-mqtt.ts) */
const pipelined = async (connect: () => Promise<Buffer>): Promise<string> =>
  await pipelinedBehind(relay.mqtt, connect, bob.peerId)

async function subscribeGrant(topic: string): Promise<string> {
  const client = await connectAs(relay.mqtt, mallory, relay.relayId, { clean: true })
  try {
    // mqtt.js rejects a SUBSCRIBE refused with 0x80 and carries the SUBACK on the error
    const granted = await client.subscribeAsync(topic, { qos: 1 }).then(
      (grants) => grants.map((g) => g.qos),
      (error: { packet?: { granted?: number[] } }) => error.packet?.granted ?? [],
    )
    return `suback ${granted.join(',')}`
  } finally {
    await client.endAsync(true)
  }
}

async function connackFor(
  clientId: string,
  username: string,
  password: string,
  will?: { topic: string; payload: Buffer; qos: 0 | 1; retain: boolean },
): Promise<string> {
  return `connack ${await connackCode(relay.mqtt, { clientId, username, password, clean: false, ...(will === undefined ? {} : { will }) })}`
}

/** CONNECT as Mallory herself: her own key, with this token (fresh by default) and will */
const asMallory = async (
  token?: string,
  will?: Parameters<typeof connackFor>[3],
): Promise<string> =>
  await connackFor(
    mallory.peerId,
    mallory.peerId,
    token ?? (await createRelayToken(mallory, relay.relayId)),
    will,
  )

/** a good CONNECT as Mallory with a QoS 1 PUBLISH pipelined behind it */
const malloryPublishes = async (topic: string, retain: boolean): Promise<string> =>
  await raw([
    await login(mallory),
    encode({
      cmd: 'publish',
      topic,
      payload: Buffer.from('x'),
      qos: 1,
      messageId: 1,
      retain,
      dup: false,
    }),
  ])

/** `http <status> <code>` of a blob store answer */
const httpRefusal = async (response: Response): Promise<string> =>
  `http ${response.status} ${((await response.json()) as { code: string }).code}`

/** a PUT announcing `length` bytes, answered before any body byte is sent */
const announcedPiece = async (length: number): Promise<string> => {
  const auth = await blobAuth(relay, alice)
  return await new Promise((resolve, reject) => {
    const put = httpRequest(`${relay.http}/blobs/${blobId}?offset=0`, {
      method: 'PUT',
      headers: {
        authorization: auth,
        'content-type': 'application/octet-stream',
        'content-length': length,
      },
    })
    put.on('response', (response) => {
      let text = ''
      response.on('data', (data: Buffer) => (text += data.toString()))
      response.on('end', () => {
        put.destroy()
        resolve(`http ${response.statusCode} ${(JSON.parse(text) as { code: string }).code}`)
      })
    })
    put.on('error', reject)
    put.flushHeaders()
  })
}

interface Attack {
  name: string
  /** what the attacker sends, in words */
  sends: string
  /** how the relay must answer (see summary()) */
  refusal: string
  run: () => Promise<string>
}

const attacks: Attack[] = [
  // --- the authentication window (docs/relay.md "Authentication") ---
  {
    name: 'bad token, 64 KiB CONNECT, packets pipelined behind it',
    sends:
      'CONNECT of exactly 64 KiB with a garbage password, then 10 QoS 0 + 10 QoS 1 PUBLISHes to Bob’s inbox and SUBSCRIBEs to his presence and inbox, in the same write or right behind it',
    refusal: 'connack 4, closed',
    run: async () =>
      await pipelined(() => login(stranger, 'letmein', { totalBytes: SIXTY_FOUR_KIB })),
  },
  {
    name: 'bad token, small CONNECT, packets pipelined behind it',
    sends: 'the same packets behind an ordinary CONNECT with a garbage password',
    refusal: 'connack 4, closed',
    run: async () => await pipelined(() => login(stranger, 'letmein')),
  },
  {
    name: 'never-invited key, 64 KiB CONNECT, packets pipelined behind it',
    sends:
      'a valid token from a key that never redeemed an invite, in a 64 KiB CONNECT, then the same packets',
    refusal: 'connack 5, closed',
    run: async () =>
      await pipelined(() => login(stranger, undefined, { totalBytes: SIXTY_FOUR_KIB })),
  },
  {
    name: 'never-invited key, packets pipelined behind it',
    sends: 'a valid token from a never-invited key in an ordinary CONNECT, then the same packets',
    refusal: 'connack 5, closed',
    run: async () => await pipelined(() => login(stranger)),
  },
  {
    name: 'Bob’s id with a bad token, 64 KiB, packets pipelined behind it',
    sends:
      'CONNECT as Bob (client id and user name) with a token signed by Mallory, 64 KiB, then the same packets',
    refusal: 'connack 4, closed',
    run: async () =>
      await pipelined(
        async () =>
          await login(bob, await createRelayToken(mallory, relay.relayId), {
            totalBytes: SIXTY_FOUR_KIB,
          }),
      ),
  },
  {
    name: 'PUBLISH before any CONNECT',
    sends: 'PUBLISHes and SUBSCRIBEs with no CONNECT first [MQTT-3.1.0-1]',
    refusal: 'closed',
    run: async () => await raw(intrusion(bob.peerId)),
  },
  // --- tokens ---
  {
    name: 'forged token',
    sends: 'CONNECT as Bob with a token Mallory signed for this relay',
    refusal: 'connack 4',
    run: async () =>
      await connackFor(bob.peerId, bob.peerId, await createRelayToken(mallory, relay.relayId)),
  },
  {
    name: 'expired token',
    sends: 'Mallory’s own token dated 10 minutes ago',
    refusal: 'connack 5',
    run: async () =>
      await asMallory(await createRelayToken(mallory, relay.relayId, Date.now() - 600_000)),
  },
  {
    name: 'token from the future',
    sends: 'Mallory’s own token dated 10 minutes ahead',
    refusal: 'connack 5',
    run: async () =>
      await asMallory(await createRelayToken(mallory, relay.relayId, Date.now() + 600_000)),
  },
  {
    name: 'replayed token',
    sends: 'a token that already opened a connection, again',
    refusal: 'connack 5',
    run: async () => {
      const token = await createRelayToken(mallory, relay.relayId)
      assert.equal(await asMallory(token), 'connack 0')
      return await asMallory(token)
    },
  },
  {
    name: 'token spent on an invite, then on CONNECT',
    sends: 'POST /invites/redeem with a token, then CONNECT with the same token',
    refusal: 'connack 5',
    run: async () => {
      const token = await createRelayToken(mallory, relay.relayId)
      assert.equal((await redeem(mallory, 'any-code', token)).status, 200) // already admitted: nothing to spend but the token
      return await connackFor(mallory.peerId, mallory.peerId, token)
    },
  },
  {
    name: 'token spent on CONNECT, then on an invite',
    sends: 'CONNECT with a token, then POST /invites/redeem with the same token',
    refusal: 'http 403 TOKEN_REPLAYED',
    run: async () => {
      const token = await createRelayToken(stranger, relay.relayId)
      assert.equal(await connackFor(stranger.peerId, stranger.peerId, token), 'connack 5') // not invited, but the token is spent
      const created = await fetch(`${relay.http}/admin/invites`, {
        method: 'POST',
        headers: { authorization: `Bearer ${relay.adminToken}` },
      })
      const response = await redeem(
        stranger,
        ((await created.json()) as { code: string }).code,
        token,
      )
      return `http ${response.status} ${((await response.json()) as { code: string }).code}`
    },
  },
  {
    name: 'cross-relay token',
    sends: 'Mallory’s token bound to another relay’s id',
    refusal: 'connack 4',
    run: async () => await asMallory(await createRelayToken(mallory, otherRelay.peerId)),
  },
  {
    name: 'garbage password',
    sends: 'a password that is not a token',
    refusal: 'connack 4',
    run: async () => await asMallory('v1.AAAA'),
  },
  // --- session takeover ---
  {
    name: 'takeover with a bad token',
    sends: 'a second CONNECT with Bob’s client id and a garbage password while Bob is connected',
    refusal: 'connack 4',
    run: async () => await connackFor(bob.peerId, bob.peerId, 'letmein'),
  },
  {
    name: 'takeover with a good token for another key',
    sends: 'CONNECT with Bob’s client id, Mallory’s user name and Mallory’s valid token',
    refusal: 'connack 2',
    run: async () =>
      await connackFor(bob.peerId, mallory.peerId, await createRelayToken(mallory, relay.relayId)),
  },
  {
    name: 'takeover by a second CONNECT on an accepted connection',
    sends: 'Mallory’s good CONNECT, then a CONNECT as Bob on the same connection [MQTT-3.1.0-2]',
    refusal: 'connack 0, closed',
    run: async () =>
      await raw([
        await login(mallory),
        await login(bob, await createRelayToken(mallory, relay.relayId)),
      ]),
  },
  // --- wills ---
  {
    name: 'will on a foreign presence',
    sends: 'Mallory’s good token with a last will on Bob’s presence',
    refusal: 'connack 5',
    run: async () =>
      await asMallory(undefined, {
        topic: presenceTopic(bob.peerId),
        payload: Buffer.from('offline'),
        qos: 1,
        retain: true,
      }),
  },
  {
    name: 'will to a foreign inbox',
    sends: 'Mallory’s good token with a last will on Bob’s inbox',
    refusal: 'connack 5',
    run: async () =>
      await asMallory(undefined, {
        topic: inboxTopic(bob.peerId),
        payload: Buffer.from('x'),
        qos: 1,
        retain: false,
      }),
  },
  // --- wildcard and foreign subscriptions (an admitted attacker) ---
  {
    name: 'subscribe #',
    sends: 'SUBSCRIBE "#"',
    refusal: 'suback 128',
    run: async () => await subscribeGrant('#'),
  },
  {
    name: 'subscribe +',
    sends: 'SUBSCRIBE "pigeon/v1/inbox/+"',
    refusal: 'suback 128',
    run: async () => await subscribeGrant('pigeon/v1/inbox/+'),
  },
  {
    name: 'subscribe +/+/+/+',
    sends: 'SUBSCRIBE "+/+/+/+"',
    refusal: 'suback 128',
    run: async () => await subscribeGrant('+/+/+/+'),
  },
  {
    name: 'subscribe $SYS',
    sends: 'SUBSCRIBE "$SYS/#"',
    refusal: 'suback 128',
    run: async () => await subscribeGrant('$SYS/#'),
  },
  {
    name: 'subscribe to Bob’s inbox',
    sends: 'SUBSCRIBE Bob’s inbox as Mallory',
    refusal: 'suback 128',
    run: async () => await subscribeGrant(inboxTopic(bob.peerId)),
  },
  {
    name: 'subscribe to a foreign group',
    sends: 'SUBSCRIBE to a group Mallory is not in',
    refusal: 'suback 128',
    run: async () => await subscribeGrant(groupTopic(groupId)),
  },
  {
    name: 'subscribe to a foreign group’s document',
    sends: 'SUBSCRIBE to its group-meta topic',
    refusal: 'suback 128',
    run: async () => await subscribeGrant(groupMetaTopic(groupId)),
  },
  // --- foreign publishes: refused by closing without PUBACK [MQTT-3.3.5-2] ---
  {
    name: 'publish on Bob’s presence',
    sends: 'a retained QoS 1 PUBLISH on Bob’s presence (a fake "Bob is online")',
    refusal: 'connack 0, closed',
    run: async () => await malloryPublishes(presenceTopic(bob.peerId), true),
  },
  {
    name: 'publish to a foreign group',
    sends: 'a QoS 1 PUBLISH to a group Mallory is not in',
    refusal: 'connack 0, closed',
    run: async () => await malloryPublishes(groupTopic(groupId), false),
  },
  {
    name: 'publish on $SYS',
    sends: 'a QoS 1 PUBLISH on $SYS/broker',
    refusal: 'connack 0, closed',
    run: async () => await malloryPublishes('$SYS/broker', false),
  },
  {
    name: 'retained message in an inbox',
    sends: 'a retained QoS 1 PUBLISH to Bob’s inbox (it would be kept forever)',
    refusal: 'connack 0, closed',
    run: async () => await malloryPublishes(inboxTopic(bob.peerId), true),
  },
  // --- oversize and malformed packets ---
  {
    name: 'oversize PUBLISH',
    sends: 'a PUBLISH of 200 KB to Bob’s inbox (the limit is 96 KiB + 512)',
    refusal: 'connack 0, closed',
    run: async () =>
      await afterLogin(
        encode({
          cmd: 'publish',
          topic: inboxTopic(bob.peerId),
          payload: Buffer.alloc(200_000),
          qos: 1,
          messageId: 1,
          retain: false,
          dup: false,
        }),
      ),
  },
  {
    name: 'PUBLISH announcing 256 MiB',
    sends: 'a PUBLISH header with remaining length 268,435,455 and no body',
    refusal: 'connack 0, closed',
    run: async () => await afterLogin(Buffer.from([0x32, 0xff, 0xff, 0xff, 0x7f])),
  },
  {
    name: 'reserved packet type',
    sends: 'packet type 0 after a good CONNECT',
    refusal: 'connack 0, closed',
    run: async () => await afterLogin(Buffer.from([0x00, 0x00])),
  },
  {
    name: 'PUBLISH with QoS 3',
    sends: 'a PUBLISH whose QoS bits are 11',
    refusal: 'connack 0, closed',
    run: async () => await afterLogin(Buffer.from([0x36, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01])),
  },
  {
    name: 'SUBSCRIBE with bad flags',
    sends: 'a SUBSCRIBE whose fixed-header flags are 0000 instead of 0010 [MQTT-3.8.1-1]',
    refusal: 'connack 0, closed',
    run: async () =>
      await afterLogin(Buffer.from([0x80, 0x06, 0x00, 0x01, 0x00, 0x01, 0x23, 0x01])),
  },
  {
    name: 'CONNECT with a wrong protocol name',
    sends: 'a CONNECT saying "MQTX"',
    refusal: 'closed',
    run: async () => {
      const bytes = await login(mallory)
      bytes.write('MQTX', 4, 'latin1')
      return await raw([bytes, ...intrusion(bob.peerId)])
    },
  },
  // --- the file blob store (docs/relay.md "File blobs") ---
  {
    name: 'blob upload without a token',
    sends: 'POST /blobs with no Authorization header',
    refusal: 'http 401 BLOB_UNAUTHORIZED',
    run: async () =>
      await httpRefusal(
        await fetch(`${relay.http}/blobs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ size: 64, recipients: [bob.peerId] }),
        }),
      ),
  },
  {
    name: 'blob upload by a never-invited key',
    sends: 'POST /blobs with a valid token from a key that never redeemed an invite',
    refusal: 'http 403 RELAY_NOT_INVITED',
    run: async () => await httpRefusal(await createBlob(relay, stranger, 64, [bob.peerId])),
  },
  {
    name: 'blob download by a non-recipient',
    sends: 'GET of a blob Alice uploaded for Bob, as Mallory with her own good token',
    refusal: 'http 403 BLOB_FORBIDDEN',
    run: async () => await httpRefusal(await blobRequest(relay, mallory, `/blobs/${blobId}`)),
  },
  {
    name: 'blob download as Bob with a forged token',
    sends: 'GET of Bob’s blob claiming to be Bob, with a token Mallory signed',
    refusal: 'http 403 TOKEN_BAD_SIGNATURE',
    run: async () =>
      await httpRefusal(
        await fetch(`${relay.http}/blobs/${blobId}`, {
          headers: {
            authorization: `Pigeon ${bob.peerId} ${await createRelayToken(mallory, relay.relayId)}`,
          },
        }),
      ),
  },
  {
    name: 'blob download with a token spent on CONNECT',
    sends: 'CONNECT as Mallory with a token, then GET /blobs/… with the same token',
    refusal: 'http 403 TOKEN_REPLAYED',
    run: async () => {
      const token = await createRelayToken(mallory, relay.relayId)
      assert.equal(await asMallory(token), 'connack 0')
      return await httpRefusal(
        await fetch(`${relay.http}/blobs/${blobId}`, {
          headers: { authorization: `Pigeon ${mallory.peerId} ${token}` },
        }),
      )
    },
  },
  {
    name: 'blob piece into another key’s blob',
    sends: 'PUT of bytes into Alice’s blob, as Mallory',
    refusal: 'http 403 BLOB_FORBIDDEN',
    run: async () =>
      await httpRefusal(await putPiece(relay, mallory, blobId, 64, new Uint8Array(8))),
  },
  {
    name: 'blob id with a path in it',
    sends: 'GET /blobs/..%2F..%2Fadmin-token (the relay’s admin token file)',
    refusal: 'http 400 BLOB_BAD_REQUEST',
    run: async () =>
      await httpRefusal(await blobRequest(relay, alice, '/blobs/..%2F..%2Fadmin-token')),
  },
  {
    name: 'blob piece over the per-request limit',
    sends: 'a PUT announcing a 17 MiB body (the limit is 16 MiB), refused before the body',
    refusal: 'http 413 BLOB_TOO_LARGE',
    run: async () => await announcedPiece(17 * 1_048_576),
  },
  {
    name: 'blob overwrite',
    sends:
      'a PUT at offset 0 into Alice’s complete 64-byte blob, as Alice (stored bytes are never rewritten)',
    refusal: 'http 409 BLOB_OFFSET_MISMATCH',
    run: async () => await httpRefusal(await putPiece(relay, alice, blobId, 0, new Uint8Array(8))),
  },
  {
    name: 'blob range outside the blob',
    sends: 'GET with Range: bytes=64- of a 64-byte blob',
    refusal: 'http 416 BLOB_RANGE_INVALID',
    run: async () =>
      await httpRefusal(
        await blobRequest(relay, bob, `/blobs/${blobId}`, { headers: { range: 'bytes=64-' } }),
      ),
  },
]

// --- the legitimate pair -----------------------------------------------------------------------

let sender: MqttClient
let receiver: MqttClient
let inbox: ReturnType<typeof collect>
const acked: string[] = []
let receiverClosed = false
let traffic: Promise<void> | undefined
let stopTraffic = false

before(async () => {
  relay = await startRelayProcess({ args: ['--invite-only'] })
  ;[alice, bob, mallory, stranger, otherRelay] = await Promise.all([
    generateIdentity(),
    generateIdentity(),
    generateIdentity(),
    generateIdentity(),
    generateIdentity(),
  ])
  for (const identity of [alice, bob, mallory]) await admit(identity)
  blobId = ((await (await createBlob(relay, alice, 64, [bob.peerId])).json()) as { id: string }).id
  assert.equal((await putPiece(relay, alice, blobId, 0, new Uint8Array(64))).status, 200)

  const owner = await connectAs(relay.mqtt, alice, relay.relayId, { clean: true })
  groupId = newGroupId()
  const doc = await signGroupDocument(
    {
      groupId,
      name: 'pair',
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
  await owner.endAsync()

  receiver = await connectAs(relay.mqtt, bob, relay.relayId)
  receiver.on('close', () => (receiverClosed = true))
  inbox = collect(receiver)
  await receiver.subscribeAsync(inboxTopic(bob.peerId), { qos: 1 })
  sender = await connectAs(relay.mqtt, alice, relay.relayId)
  traffic = (async () => {
    // paced well below the publish rate (50/s): the pair must never be the one refused
    for (let i = 0; !stopTraffic; i++) {
      await sender.publishAsync(inboxTopic(bob.peerId), `legit-${i}`, { qos: 1 })
      acked.push(`legit-${i}`)
      await new Promise((resolve) => setTimeout(resolve, 25))
    }
  })()
})

after(async () => {
  stopTraffic = true
  await traffic?.catch(() => undefined)
  await closeAll()
  await relay.stop()
  relay.cleanup()
})

/** resolves once the pair has exchanged another message: every attack overlaps live traffic */
async function pairKeepsTalking(): Promise<void> {
  const target = acked.length + 1
  while (acked.length < target && !stopTraffic)
    await new Promise((resolve) => setTimeout(resolve, 10))
}

for (const attack of attacks) {
  test(`${attack.name}: ${attack.sends} → ${attack.refusal}`, async () => {
    const outcome = attack.run()
    await pairKeepsTalking()
    assert.equal(await outcome, attack.refusal)
  })
}

test('the legitimate pair lost nothing and Bob’s session survived every attack', async () => {
  stopTraffic = true
  await traffic
  assert.ok(
    acked.length >= attacks.length,
    `the pair exchanged ${acked.length} messages during ${attacks.length} attacks`,
  )
  // an end marker: everything Alice sent before it was handled by the relay before it
  await sender.publishAsync(inboxTopic(bob.peerId), 'legit-end', { qos: 1 })
  acked.push('legit-end')
  const got = () => new Set(inbox.messages.map((m) => m.payload.toString()))
  while (!got().has('legit-end')) await inbox.waitFor(inbox.messages.length + 1)
  const received = got()
  assert.deepEqual(
    acked.filter((m) => !received.has(m)),
    [],
    'every PUBACKed message reached Bob',
  )
  assert.deepEqual(
    [...received].filter((m) => !m.startsWith('legit-')),
    [],
    'nothing from an attacker reached Bob',
  )
  assert.equal(receiverClosed, false, 'Bob was never disconnected')
  assert.ok(receiver.connected)
})
