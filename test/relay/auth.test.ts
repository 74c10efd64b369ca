// CONNECT authentication against a real relay process: every bad token is refused with CONNACK
// 5 "not authorized", counted, and the relay keeps serving good clients.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { generateIdentity, type Identity } from '../../shared/identity.js'
import { createRelayToken } from '../../shared/relay-token.js'
import { inboxTopic } from '../../shared/topics.js'
import { startRelayProcess, type RelayProcess } from '../support/relay-process.js'
import { closeAll, collect, connackCode, connectAs } from '../support/mqtt-clients.js'

let relay: RelayProcess
let alice: Identity
let bob: Identity
let otherRelay: Identity

before(async () => {
  relay = await startRelayProcess()
  ;[alice, bob, otherRelay] = await Promise.all([
    generateIdentity(),
    generateIdentity(),
    generateIdentity(),
  ])
})
after(async () => {
  await closeAll()
  await relay.stop()
  relay.cleanup()
})

const login = (
  id: Identity,
  password: string | undefined,
  extra: Record<string, unknown> = {},
) => ({
  clientId: id.peerId,
  username: id.peerId,
  ...(password === undefined ? {} : { password }),
  clean: false,
  ...extra,
})

test('a fresh token for this relay is accepted and the client can use its inbox', async () => {
  const client = await connectAs(relay.mqtt, alice, relay.relayId)
  const inbox = collect(client)
  await client.subscribeAsync(inboxTopic(alice.peerId), { qos: 1 })
  await client.publishAsync(inboxTopic(alice.peerId), 'hello', { qos: 1 })
  await inbox.waitFor(1)
  assert.equal(inbox.messages[0]?.payload.toString(), 'hello')
  await client.endAsync()
})

test('bad logins are refused with a CONNACK code that says which kind of problem it is', async () => {
  const now = Date.now()
  const replayed = await createRelayToken(bob, relay.relayId)
  assert.equal(await connackCode(relay.mqtt, login(bob, replayed)), 0)
  // 2: not the PeerId (a client bug); 4: no credential for this relay (wrong relay id in the
  // address); 5: a good token, but not now or not this key (clock, replay, invite, will)
  const cases: Array<[string, Record<string, unknown>, number]> = [
    ['no password', login(alice, undefined), 4],
    ['garbage password', login(alice, 'letmein'), 4],
    [
      'expired token',
      login(alice, await createRelayToken(alice, relay.relayId, now - 10 * 60_000)),
      5,
    ],
    [
      'token from the future',
      login(alice, await createRelayToken(alice, relay.relayId, now + 10 * 60_000)),
      5,
    ],
    ['replayed token', login(bob, replayed), 5],
    ["another relay's token", login(alice, await createRelayToken(alice, otherRelay.peerId)), 4],
    ['token made by another key', login(alice, await createRelayToken(bob, relay.relayId)), 4],
    [
      'username is not the client id',
      { ...login(alice, await createRelayToken(alice, relay.relayId)), username: bob.peerId },
      2,
    ],
    [
      'client id is not a PeerId',
      {
        clientId: 'not-a-peer-id',
        username: 'not-a-peer-id',
        password: await createRelayToken(alice, relay.relayId),
      },
      2,
    ],
    [
      'last will on someone else’s presence',
      login(alice, await createRelayToken(alice, relay.relayId), {
        will: {
          topic: `pigeon/v1/presence/${bob.peerId}`,
          payload: Buffer.from('offline'),
          qos: 1,
          retain: true,
        },
      }),
      5,
    ],
  ]
  for (const [name, options, code] of cases) {
    assert.equal(await connackCode(relay.mqtt, options), code, name)
  }
  const metrics = await (await fetch(`${relay.http}/metrics`)).text()
  const refusals = [
    ...metrics.matchAll(/^pigeon_relay_auth_refusals_total\{reason="([^"]+)"\} (\d+)/gm),
  ]
  const total = refusals.reduce((sum, m) => sum + Number(m[2]), 0)
  assert.equal(total, cases.length)
  for (const reason of [
    'no_token',
    'token_malformed',
    'token_expired',
    'token_from_future',
    'token_replayed',
    'token_wrong_relay',
    'token_bad_signature',
    'username_not_client_id',
    'client_id_not_peer_id',
    'will_not_own_presence',
  ]) {
    assert.ok(
      refusals.some((m) => m[1] === reason),
      `counted ${reason}`,
    )
  }
  assert.ok(
    relay.logs.some((l) => l['event'] === 'auth_refused' && l['reason'] === 'token_expired'),
  )
})

test('an overlong client id is rejected by the broker itself (identifier rejected)', async () => {
  const long = `${alice.peerId}${'x'.repeat(20)}`
  const code = await connackCode(relay.mqtt, {
    clientId: long,
    username: long,
    password: await createRelayToken(alice, relay.relayId),
  })
  assert.ok(code === 2 || code === 5, `code ${code}`)
})

test('invite-only: a key connects only after redeeming an admin invite with a token', async () => {
  const closed = await startRelayProcess({ args: ['--invite-only'] })
  try {
    const carol = await generateIdentity()
    assert.equal(
      await connackCode(closed.mqtt, login(carol, await createRelayToken(carol, closed.relayId))),
      5,
    )

    const noAdmin = await fetch(`${closed.http}/admin/invites`, { method: 'POST' })
    assert.equal(noAdmin.status, 401)
    const created = (await (
      await fetch(`${closed.http}/admin/invites`, {
        method: 'POST',
        headers: { authorization: `Bearer ${closed.adminToken}` },
      })
    ).json()) as { code: string }

    const redeem = async (peer: Identity, signer: Identity, code: string) =>
      await fetch(`${closed.http}/invites/redeem`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          peerId: peer.peerId,
          code,
          token: await createRelayToken(signer, closed.relayId),
        }),
      })
    assert.equal(
      (await redeem(carol, bob, created.code)).status,
      403,
      'a token from another key proves nothing',
    )
    assert.equal((await redeem(carol, carol, 'made-up-code')).status, 403)
    assert.equal((await redeem(carol, carol, created.code)).status, 200)
    assert.equal((await redeem(bob, bob, created.code)).status, 403, 'codes are single-use')

    assert.equal(
      await connackCode(closed.mqtt, login(carol, await createRelayToken(carol, closed.relayId))),
      0,
    )
    assert.equal(
      await connackCode(closed.mqtt, login(bob, await createRelayToken(bob, closed.relayId))),
      5,
    )
  } finally {
    await closed.stop()
    closed.cleanup()
  }
})

test('a spent token stays spent across a restart and a crash of the relay', async () => {
  const first = await startRelayProcess()
  const dataDir = first.dataDir
  const dave = await generateIdentity()
  const beforeStop = await createRelayToken(dave, first.relayId)
  assert.equal(await connackCode(first.mqtt, login(dave, beforeStop)), 0)
  assert.equal(await first.stop(), 0)

  const second = await startRelayProcess({ dataDir })
  assert.equal(
    await connackCode(second.mqtt, login(dave, beforeStop)),
    5,
    'replayed after a restart',
  )
  const beforeCrash = await createRelayToken(dave, second.relayId)
  assert.equal(await connackCode(second.mqtt, login(dave, beforeCrash)), 0)
  await second.kill9() // right after the CONNACK: the spend was on disk before it

  const third = await startRelayProcess({ dataDir })
  try {
    assert.equal(
      await connackCode(third.mqtt, login(dave, beforeCrash)),
      5,
      'replayed after a crash',
    )
    assert.equal(await connackCode(third.mqtt, login(dave, beforeStop)), 5)
    assert.equal(
      await connackCode(third.mqtt, login(dave, await createRelayToken(dave, third.relayId))),
      0,
    )
  } finally {
    await third.stop()
    third.cleanup()
  }
})
