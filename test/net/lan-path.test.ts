// The LAN DeliveryPath between two real libp2p nodes over TCP on 127.0.0.1 (no mDNS here: this
// runs in the root namespace), dialled through the known-peer cache.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { createLanNetwork, type LanNetwork, type LanNetworkInit } from '../../app/core/net/index.js'
import { isPigeonError, PigeonError, type PigeonErrorCode } from '../../shared/errors.js'
import { newMessageId, type Envelope } from '../../shared/envelope.js'
import { generateIdentity } from '../../shared/identity.js'

async function lanNode(
  t: { after: (fn: () => Promise<void>) => void },
  init: Partial<LanNetworkInit> = {},
): Promise<LanNetwork> {
  const lan = createLanNetwork({
    identity: await generateIdentity(),
    listenHost: '127.0.0.1',
    mdns: false,
    profile: { name: 'n', color: 0, status: 'online' },
    ...init,
  })
  await lan.start()
  t.after(() => lan.stop())
  return lan
}

function text(from: LanNetwork, to: LanNetwork, body = 'hi'): Envelope {
  return {
    id: newMessageId(),
    sender: from.peerId,
    to: { peer: to.peerId },
    sentAt: Date.now(),
    kind: 'text',
    text: body,
  }
}

async function rejectsWith(promise: Promise<unknown>, code: PigeonErrorCode): Promise<void> {
  await assert.rejects(promise, (e) => isPigeonError(e) && e.code === code)
}

test('deliver resolves only after the receiver stored the envelope', async (t) => {
  const a = await lanNode(t)
  const b = await lanNode(t)
  const stored: Envelope[] = []
  b.onInbound(async (envelope, via) => {
    await new Promise((resolve) => setTimeout(resolve, 20))
    assert.equal(via, 'lan')
    stored.push(envelope)
  })
  await a.dialKnown(b.peerId, b.addresses())
  assert.ok(a.canReach(b.peerId))
  const envelope = text(a, b, 'stored first')
  await a.deliver(b.peerId, envelope)
  assert.equal(stored.length, 1)
  assert.deepEqual([...stored[0]!.id], [...envelope.id])
})

test('an inbound handler that fails means DELIVERY_REFUSED, and the next message still goes', async (t) => {
  const a = await lanNode(t)
  const b = await lanNode(t)
  let fail = true
  b.onInbound(async () => {
    if (fail) throw new Error('disk full')
  })
  await a.dialKnown(b.peerId, b.addresses())
  await rejectsWith(a.deliver(b.peerId, text(a, b)), 'DELIVERY_REFUSED')
  fail = false
  await a.deliver(b.peerId, text(a, b))
})

test('a receiver that never acks means DELIVERY_TIMEOUT, and the silent peer is hung up on', async (t) => {
  // it answers pings, so it counts as busy until maxAckWaitMs; then it is given up on
  const a = await lanNode(t, { limits: { ackTimeoutMs: 300, maxAckWaitMs: 900 } })
  const b = await lanNode(t)
  b.onInbound(() => new Promise(() => undefined))
  await a.dialKnown(b.peerId, b.addresses())
  const offline = new Promise((resolve) => a.on('peer:offline', resolve))
  await rejectsWith(a.deliver(b.peerId, text(a, b)), 'DELIVERY_TIMEOUT')
  await offline // the router's next attempt goes to another path, not into the same silence
  assert.equal(a.canReach(b.peerId), false)
})

test('a busy receiver (acks later than the ack timeout, still answers pings) is not hung up on', async (t) => {
  const a = await lanNode(t, { limits: { ackTimeoutMs: 300 } })
  const b = await lanNode(t)
  // its store takes 5 ack timeouts: what a node with a saturated CPU or disk looks like
  b.onInbound(() => new Promise((resolve) => setTimeout(resolve, 1500)))
  await a.dialKnown(b.peerId, b.addresses())
  let wentOffline = false
  a.on('peer:offline', () => (wentOffline = true))
  await a.deliver(b.peerId, text(a, b))
  assert.equal(wentOffline, false)
  assert.equal(a.canReach(b.peerId), true)
})

test('an unknown or stopped peer is PEER_UNREACHABLE', async (t) => {
  const a = await lanNode(t, { limits: { dialTimeoutMs: 1000 } })
  const b = await lanNode(t)
  const stranger = await generateIdentity()
  assert.equal(a.canReach(stranger.peerId), false)
  await rejectsWith(
    a.deliver(stranger.peerId, { ...text(a, b), to: { peer: stranger.peerId } }),
    'PEER_UNREACHABLE',
  )

  b.onInbound(async () => undefined)
  await a.dialKnown(b.peerId, b.addresses())
  const offline = new Promise((resolve) => a.on('peer:offline', resolve))
  await b.stop()
  await offline
  await rejectsWith(a.deliver(b.peerId, text(a, b)), 'PEER_UNREACHABLE')
})

test('profiles are exchanged on connect, and a change is sent to connected peers', async (t) => {
  const a = await lanNode(t, { profile: { name: 'Ada', color: 0x112233, status: 'online' } })
  const b = await lanNode(t, { profile: { name: 'Bob', color: 0x445566, status: 'busy' } })
  const seenByB = new Promise((resolve) => b.on('profile', resolve))
  const online = new Promise((resolve) => b.on('peer:online', resolve))
  await a.dialKnown(b.peerId, b.addresses())
  await online
  assert.deepEqual(await seenByB, {
    peerId: a.peerId,
    name: 'Ada',
    color: 0x112233,
    status: 'online',
    version: a.profile.version,
  })
  const changed = new Promise((resolve) =>
    b.on('profile', (p) => p.status === 'away' && resolve(p)),
  )
  await a.setProfile({ name: 'Ada', color: 0x112233, status: 'away' })
  await changed
  assert.equal(b.peerProfile(a.peerId)?.status, 'away')
  assert.equal(b.peers().find((p) => p.peerId === a.peerId)?.online, true)
  assert.equal(a.peerProfile(b.peerId)?.name, 'Bob')
})

test('a taken listen port falls back to a free one', async (t) => {
  const blocker = createServer()
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
  t.after(() => new Promise<void>((resolve) => blocker.close(() => resolve())))
  const taken = (blocker.address() as { port: number }).port
  const lan = await lanNode(t, { listenPort: taken })
  assert.notEqual(lan.listenPort, taken)
  assert.ok(lan.listenPort > 0)
  assert.ok(lan.addresses().every((a) => a.includes(`/tcp/${lan.listenPort}/`)))
})

test('an envelope too large for a frame is refused before it is sent', async (t) => {
  const a = await lanNode(t, { limits: { maxFrameBytes: 200 } })
  const b = await lanNode(t)
  b.onInbound(async () => undefined)
  await a.dialKnown(b.peerId, b.addresses())
  // permanent: the router marks the message failed rather than retrying it forever
  await rejectsWith(a.deliver(b.peerId, text(a, b, 'x'.repeat(500))), 'ENVELOPE_OVERSIZE')
})

test('an envelope addressed to someone else is refused for good (NACK 5), not as a store failure to retry', async (t) => {
  const a = await lanNode(t)
  const b = await lanNode(t)
  const stored: Envelope[] = []
  b.onInbound(async (envelope) => {
    stored.push(envelope)
  })
  await a.dialKnown(b.peerId, b.addresses())
  const stranger = await generateIdentity()
  await rejectsWith(
    a.deliver(b.peerId, { ...text(a, b), to: { peer: stranger.peerId } }),
    'DELIVERY_REJECTED',
  )
  // and a handler's own permanent refusal is passed on as permanent too
  b.onInbound(async () => {
    throw new PigeonError('DELIVERY_REJECTED', 'not for me')
  })
  await rejectsWith(a.deliver(b.peerId, text(a, b)), 'DELIVERY_REJECTED')
  assert.equal(stored.length, 0)
})
