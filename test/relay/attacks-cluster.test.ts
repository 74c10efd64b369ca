// The authentication window across cluster nodes (docs/relay.md "Authentication"): Bob is connected to node A;
// on node B, refused CONNECTs with publishes and subscribes pipelined behind them must reach
// nothing, while Alice's messages through node B still arrive. Two relay processes on one Debian
// redis-server (test/support/relay-cluster.ts).
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { generateIdentity, type Identity } from '../../shared/identity.js'
import { createRelayToken } from '../../shared/relay-token.js'
import { inboxTopic } from '../../shared/topics.js'
import { collect, connackCode, connectAs } from '../support/mqtt-clients.js'
import { connectBytes, pipelinedBehind, SIXTY_FOUR_KIB } from '../support/raw-mqtt.js'
import { startRelayCluster, type RelayCluster } from '../support/relay-cluster.js'
import type { RelayProcess } from '../support/relay-process.js'

let cluster: RelayCluster
let nodeA: RelayProcess
let nodeB: RelayProcess

before(async () => {
  cluster = await startRelayCluster(['--invite-only'])
  ;({ nodeA, nodeB } = cluster)
})

after(async () => {
  await cluster?.stop()
})

/** admits a key through node B, and returns the token it spent there */
async function admit(identity: Identity): Promise<string> {
  const created = await fetch(`${nodeA.http}/admin/invites`, {
    method: 'POST',
    headers: { authorization: `Bearer ${nodeA.adminToken}` },
  })
  const { code } = (await created.json()) as { code: string }
  // redeemed on the other node: invites and spent tokens are the cluster's
  const token = await createRelayToken(identity, nodeB.relayId)
  const redeemed = await fetch(`${nodeB.http}/invites/redeem`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      peerId: identity.peerId,
      code,
      token,
    }),
  })
  assert.equal(redeemed.status, 200)
  return token
}

test('refused CONNECTs on node B with packets pipelined behind them reach nothing of Bob’s on node A', async () => {
  const [alice, bob, stranger] = await Promise.all([
    generateIdentity(),
    generateIdentity(),
    generateIdentity(),
  ])
  const spentOnB = await admit(alice)
  await admit(bob)
  const login = {
    clientId: alice.peerId,
    username: alice.peerId,
    password: spentOnB,
    protocolVersion: 4 as const,
  }
  assert.equal(
    await connackCode(nodeA.mqtt, login),
    5,
    'a token that redeemed an invite on B opens nothing on A',
  )
  const receiver = await connectAs(nodeA.mqtt, bob, nodeA.relayId)
  const inbox = collect(receiver)
  await receiver.subscribeAsync(inboxTopic(bob.peerId), { qos: 1 })

  const connect = (password?: string) => async () =>
    connectBytes({
      clientId: stranger.peerId,
      username: stranger.peerId,
      password: password ?? (await createRelayToken(stranger, nodeB.relayId)),
      totalBytes: SIXTY_FOUR_KIB,
    })
  assert.equal(
    await pipelinedBehind(nodeB.mqtt, connect('letmein'), bob.peerId),
    'connack 4, closed',
    'a bad token',
  )
  assert.equal(
    await pipelinedBehind(nodeB.mqtt, connect(), bob.peerId),
    'connack 5, closed',
    'a key never invited',
  )

  // Alice, through node B, after the attacks: her message arrives, and it is the only one
  const sender = await connectAs(nodeB.mqtt, alice, nodeB.relayId)
  await sender.publishAsync(inboxTopic(bob.peerId), 'from alice', { qos: 1 })
  await inbox.waitFor(1)
  assert.deepEqual(
    inbox.messages.map((m) => m.payload.toString()),
    ['from alice'],
  )
})
