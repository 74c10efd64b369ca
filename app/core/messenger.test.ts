// The router and engine logic over the in-memory path (real SQLite files). Real libp2p nodes are
// exercised through the CLI and the namespace harness.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { messageIdToString, newMessageId, type Envelope } from '../../shared/envelope.js'
import { isPigeonError } from '../../shared/errors.js'
import { MemoryNetwork } from '../../test/app/support/memory-path.js'
import { makeNode, onlinePair } from '../../test/app/support/messenger-harness.js'
import { until } from '../../test/app/support/wait.js'

const texts = (envelopes: Envelope[]): string[] =>
  envelopes.flatMap((e) => (e.kind === 'text' ? [e.text] : []))

test('a message to an online peer is stored on both sides and delivered by the LAN ack alone', async (t) => {
  const { net, alice, bob } = await onlinePair(t)
  const received: string[] = []
  bob.messenger.on('message', (m) => received.push(m.text ?? ''))

  const sent = alice.messenger.send(bob.peerId, 'hello bob')
  assert.equal(sent.state, 'pending')
  await until(() => alice.store.messages.get(sent.id)?.path === 'lan', 'acked over lan')
  assert.equal(alice.store.messages.get(sent.id)?.state, 'delivered')
  assert.deepEqual(received, ['hello bob'])
  const [inbound] = bob.messenger.history(alice.peerId)
  assert.equal(inbound?.text, 'hello bob')
  assert.equal(inbound?.direction, 'in')
  assert.equal(bob.store.conversations.get(alice.peerId)?.unread, 1)
  // the ack said "stored": no separate 'delivered' receipt travels back, nothing stays queued
  await until(
    () => alice.store.outbox.size() === 0 && bob.store.outbox.size() === 0,
    'empty outboxes',
  )
  assert.equal(
    net.log.some((d) => d.from === bob.peerId && d.envelope.kind === 'receipt'),
    false,
  )
})

test('reading a conversation sends read receipts that move the sender to read', async (t) => {
  const { alice, bob } = await onlinePair(t)
  const one = alice.messenger.send(bob.peerId, 'one')
  const two = alice.messenger.send(bob.peerId, 'two')
  await until(() => bob.messenger.history(alice.peerId).length === 2, 'both at bob')
  const states: string[] = []
  alice.messenger.on('message-state', (m) => states.push(`${m.text}:${m.state}`))
  assert.equal(bob.messenger.markRead(alice.peerId).length, 2)
  assert.equal(bob.store.conversations.get(alice.peerId)?.unread, 0)
  await until(
    () => [one, two].every((m) => alice.store.messages.get(m.id)?.state === 'read'),
    'read at alice',
  )
  assert.ok(states.includes('one:read') && states.includes('two:read'))
})

test('messages to an offline peer wait in the outbox and arrive in order when it comes online', async (t) => {
  const net = new MemoryNetwork()
  const alice = await makeNode(t, net, 'alice')
  const bob = await makeNode(t, net, 'bob')
  net.up(alice.peerId)
  const sent = Array.from({ length: 20 }, (_, i) => alice.messenger.send(bob.peerId, `m${i}`))
  await until(
    () => (alice.store.outbox.head(bob.peerId, 1)[0]?.attempts ?? 0) >= 2,
    'a few retries',
  )
  assert.equal(alice.store.outbox.size(), 20)
  assert.ok(sent.every((m) => alice.store.messages.get(m.id)?.state === 'pending'))

  net.up(bob.peerId)
  await until(
    () => sent.every((m) => alice.store.messages.get(m.id)?.state === 'delivered'),
    'all delivered',
  )
  const arrived = bob.store.db
    .prepare<[], { text: string }>(
      `SELECT text FROM messages WHERE direction = 'in' ORDER BY received_at, rowid`,
    )
    .all()
    .map((r) => r.text)
  assert.deepEqual(
    arrived,
    sent.map((m) => m.text),
  )
  const acked = texts(net.log.filter((d) => d.ok && d.from === alice.peerId).map((d) => d.envelope))
  assert.deepEqual(
    acked,
    sent.map((m) => m.text),
  )
})

test('one in flight: a failed attempt is retried after back-off and nothing overtakes it', async (t) => {
  const { net, alice, bob } = await onlinePair(t, { maxInFlight: 1 })
  alice.path.failNext = 3
  const sent = ['first', 'second', 'third'].map((text) => alice.messenger.send(bob.peerId, text))
  await until(
    () => sent.every((m) => alice.store.messages.get(m.id)?.state === 'delivered'),
    'delivered',
  )
  const attempts = net.log.filter((d) => d.from === alice.peerId && d.envelope.kind === 'text')
  assert.deepEqual(
    attempts.map((d) => `${texts([d.envelope])[0]}:${d.ok}`),
    ['first:false', 'first:false', 'first:false', 'first:true', 'second:true', 'third:true'],
  )
})

test('with a window, a refused message is retried before anything queued after the window', async (t) => {
  const { net, alice, bob } = await onlinePair(t)
  await until(() => alice.messenger.peer(bob.peerId)?.name === 'bob', 'greeting done')
  let refuse = true
  alice.path.failWhen = (e) => refuse && e.kind === 'text' && e.text === 'second'
  const window = ['first', 'second', 'third'].map((text) => alice.messenger.send(bob.peerId, text))
  await until(
    () => (alice.store.outbox.head(bob.peerId, 1)[0]?.attempts ?? 0) >= 1,
    'second failed once',
  )
  refuse = false
  const fourth = alice.messenger.send(bob.peerId, 'fourth')
  await until(
    () => [...window, fourth].every((m) => alice.store.messages.get(m.id)?.state === 'delivered'),
    'all delivered',
  )
  const acked = texts(net.log.filter((d) => d.ok && d.from === alice.peerId).map((d) => d.envelope))
  assert.deepEqual(acked, ['first', 'third', 'second', 'fourth'])
  assert.deepEqual(
    bob.messenger.history(alice.peerId).map((m) => m.text),
    ['first', 'second', 'third', 'fourth'],
  )
})

test('a lost ack makes the sender retry; the receiver keeps one copy and acks the duplicate', async (t) => {
  const { net, alice, bob } = await onlinePair(t)
  let shown = 0
  bob.messenger.on('message', () => shown++)
  // the greeting profiles must be through first, or they would take the lost acks
  await until(
    () =>
      bob.messenger.peer(alice.peerId)?.name === 'alice' &&
      alice.messenger.peer(bob.peerId)?.name === 'bob',
    'profiles',
  )
  alice.path.dropAckNext = 2
  bob.path.failNext = 1_000_000 // hold bob's receipts back, so only the resends can settle it
  const sent = alice.messenger.send(bob.peerId, 'once only')
  await until(() => alice.store.messages.get(sent.id)?.state === 'delivered', 'delivered')
  bob.path.failNext = 0
  await until(() => bob.store.outbox.size() === 0, 'receipt sent at last')
  const deliveries = net.log.filter((d) => d.from === alice.peerId && d.envelope.kind === 'text')
  assert.equal(deliveries.length, 3)
  assert.equal(shown, 1)
  assert.equal(bob.messenger.history(alice.peerId).length, 1)
  assert.equal(bob.store.conversations.get(alice.peerId)?.unread, 1)
})

test('a receipt that cannot be sent stays queued and reaches the sender when it returns', async (t) => {
  const { net, alice, bob } = await onlinePair(t)
  const sent = alice.messenger.send(bob.peerId, 'are you there?')
  await until(() => alice.store.messages.get(sent.id)?.state === 'delivered', 'delivered')
  bob.messenger.markRead(alice.peerId)
  net.down(alice.peerId)
  await alice.messenger.stop()
  await until(
    () =>
      bob.store.outbox.size() === 0 ||
      (bob.store.outbox.head(alice.peerId, 1)[0]?.attempts ?? 0) > 0,
    'bob tried',
  )
  await alice.restart()
  net.up(alice.peerId)
  await until(() => alice.store.messages.get(sent.id)?.state === 'read', 'read after return')
  await until(() => bob.store.outbox.size() === 0, 'bob outbox empty')
})

test('a restart resumes the outbox from the store', async (t) => {
  const net = new MemoryNetwork()
  const alice = await makeNode(t, net, 'alice')
  const bob = await makeNode(t, net, 'bob')
  net.up(alice.peerId)
  const sent = [alice.messenger.send(bob.peerId, 'a'), alice.messenger.send(bob.peerId, 'b')]
  await alice.restart()
  assert.equal(alice.store.outbox.size(), 2)
  net.up(bob.peerId)
  await until(
    () => bob.messenger.history(alice.peerId).length === 2,
    'both delivered after restart',
  )
  assert.deepEqual(
    bob.messenger.history(alice.peerId).map((m) => messageIdToString(m.id)),
    sent.map((m) => messageIdToString(m.id)),
  )
})

test('the same envelope arriving twice (two paths, or a resend) is shown once', async (t) => {
  const { alice, bob } = await onlinePair(t)
  let shown = 0
  bob.messenger.on('message', () => shown++)
  const envelope: Envelope = {
    id: newMessageId(),
    sender: alice.peerId,
    to: { peer: bob.peerId },
    sentAt: Date.now(),
    kind: 'text',
    text: 'twice',
  }
  await alice.path.deliver(bob.peerId, envelope)
  await alice.path.deliver(bob.peerId, envelope)
  assert.equal(shown, 1)
  assert.equal(bob.messenger.history(alice.peerId).length, 1)
})

test('an envelope addressed to someone else is refused for good, so the path does not ack it', async (t) => {
  const net = new MemoryNetwork()
  const alice = await makeNode(t, net, 'alice')
  const bob = await makeNode(t, net, 'bob')
  const carol = await makeNode(t, net, 'carol')
  for (const n of [alice, bob, carol]) net.up(n.peerId)
  const envelope: Envelope = {
    id: newMessageId(),
    sender: alice.peerId,
    to: { peer: carol.peerId },
    sentAt: Date.now(),
    kind: 'text',
    text: 'misrouted',
  }
  await assert.rejects(
    alice.path.deliver(bob.peerId, envelope),
    // permanent: retrying cannot make it Bob's (the LAN NACKs it with reason 5)
    (e) => isPigeonError(e) && e.code === 'DELIVERY_REJECTED',
  )
  assert.equal(bob.messenger.history(alice.peerId).length, 0)
})

test('peers go online and offline with path events; typing is passed on, never stored', async (t) => {
  const { net, alice, bob } = await onlinePair(t)
  assert.deepEqual(alice.messenger.peer(bob.peerId)?.online, ['lan'])
  assert.deepEqual(alice.messenger.peer(bob.peerId)?.addresses, [`/memory/${bob.peerId}`])
  const typing: boolean[] = []
  bob.messenger.on('typing', (e) => typing.push(e.typing))
  await alice.messenger.typing(bob.peerId, true)
  assert.deepEqual(typing, [true])
  assert.equal(bob.store.messages.history(alice.peerId, { limit: 5 }).length, 0)
  net.down(bob.peerId)
  assert.deepEqual(alice.messenger.peer(bob.peerId)?.online, [])
  // a path that can still carry it (a relay queues for offline peers) gets no typing flag either
  net.up(bob.peerId)
  alice.path.emit('peer:offline', { peerId: bob.peerId })
  assert.equal(alice.path.canReach(bob.peerId), true)
  const attempts = net.log.length
  await alice.messenger.typing(bob.peerId, false)
  assert.equal(net.log.length, attempts, 'no typing flag is sent to a peer that is not online')
  assert.ok((alice.messenger.peer(bob.peerId)?.lastSeen ?? 0) > 0)
})

test('profile and status changes bump the version and reach online peers; older ones lose', async (t) => {
  const { alice, bob } = await onlinePair(t)
  const before = alice.messenger.me().version
  const me = await alice.messenger.setStatus('busy')
  assert.ok(me.version > before)
  assert.equal(bob.messenger.peer(alice.peerId)?.status, 'busy')
  const renamed = await alice.messenger.setProfile({ name: 'Alice L.', color: 0x336699 })
  assert.ok(renamed.version > me.version)
  assert.equal(bob.messenger.peer(alice.peerId)?.name, 'Alice L.')
  const stale: Envelope = {
    id: newMessageId(),
    sender: alice.peerId,
    to: { peer: bob.peerId },
    sentAt: 0,
    kind: 'profile',
    profile: { name: 'old', color: 0, status: 'online', version: 1 },
  }
  await alice.path.deliver(bob.peerId, stale)
  assert.equal(bob.messenger.peer(alice.peerId)?.name, 'Alice L.')
  // unchanged profile: no new version
  assert.equal((await alice.messenger.setStatus('busy')).version, renamed.version)
})

test('peers are named by PeerId or by a unique display name', async (t) => {
  const net = new MemoryNetwork()
  const alice = await makeNode(t, net, 'alice')
  const bob = await makeNode(t, net, 'bob')
  const bob2 = await makeNode(t, net, 'bob')
  const carol = await makeNode(t, net, 'carol')
  for (const n of [alice, bob, bob2, carol]) net.up(n.peerId)
  for (const n of [bob, bob2, carol]) await n.messenger.setStatus('away')
  assert.equal(alice.messenger.resolvePeer('Carol'), carol.peerId)
  assert.equal(alice.messenger.resolvePeer(bob.peerId), bob.peerId)
  assert.throws(
    () => alice.messenger.resolvePeer('bob'),
    (e) => isPigeonError(e) && e.code === 'PEER_AMBIGUOUS',
  )
  assert.throws(
    () => alice.messenger.send('dave', 'hi'),
    (e) => isPigeonError(e) && e.code === 'PEER_UNKNOWN',
  )
  assert.throws(
    () => alice.messenger.send(carol.peerId, 'x'.repeat(16 * 1024 + 1)),
    (e) => isPigeonError(e) && e.code === 'MESSAGE_TOO_LONG',
  )
  assert.equal(alice.store.outbox.size(), 0)
})
