// Reply, recall, mute and mentions in the engine, over the in-memory path (real SQLite files).
// The same through real nodes: test/cli/everyday.test.ts and test/e2e/everyday.test.ts.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { newMessageId } from '../../shared/envelope.js'
import { isPigeonError } from '../../shared/errors.js'
import { LIMITS } from '../../shared/limits.js'
import { MemoryNetwork } from '../../test/app/support/memory-path.js'
import { makeNode, onlinePair } from '../../test/app/support/messenger-harness.js'
import { until } from '../../test/app/support/wait.js'

const code = (c: string) => (error: unknown) => isPigeonError(error) && error.code === c

test('a reply carries the id it answers; the recipient stores it', async (t) => {
  const { alice, bob } = await onlinePair(t)
  const first = alice.messenger.send(bob.peerId, 'lunch?')
  await until(() => bob.store.messages.get(first.id) !== undefined, 'bob has it')
  const reply = bob.messenger.send(alice.peerId, 'yes!', { replyTo: first.id })
  await until(() => alice.store.messages.get(reply.id) !== undefined, 'alice has the reply')
  assert.deepEqual(alice.store.messages.get(reply.id)?.replyTo, first.id)
  assert.throws(
    () => bob.messenger.send(alice.peerId, 'x', { replyTo: newMessageId() }),
    code('MESSAGE_UNKNOWN'),
  )
})

test('a recall replaces the text on both sides and leaves search; too late or not mine is refused', async (t) => {
  let clock = Date.now()
  const { alice, bob } = await onlinePair(t, { now: () => clock })
  const sent = alice.messenger.send(bob.peerId, 'the wrong password is hunter2')
  await until(() => bob.store.messages.get(sent.id)?.text != null, 'bob has it')
  assert.equal(bob.messenger.search('hunter2').length, 1)

  const recalled = alice.messenger.recall(sent.id)
  assert.equal(recalled.text, null)
  assert.notEqual(recalled.recalledAt, null)
  await until(() => bob.store.messages.get(sent.id)?.recalledAt != null, 'recalled at bob')
  assert.equal(bob.store.messages.get(sent.id)?.text, null)
  assert.deepEqual(bob.messenger.search('hunter2'), [])
  assert.deepEqual(alice.messenger.search('hunter2'), [])
  await until(() => alice.store.outbox.size() === 0, 'the recall was acked')

  const theirs = bob.messenger.send(alice.peerId, 'mine')
  await until(() => alice.store.messages.get(theirs.id) !== undefined, 'alice has it')
  assert.throws(() => alice.messenger.recall(theirs.id), code('RECALL_NOT_ALLOWED'))
  const old = alice.messenger.send(bob.peerId, 'two minutes ago')
  clock += LIMITS.recallMs + 60_000
  assert.throws(() => alice.messenger.recall(old.id), code('RECALL_TOO_LATE'))
})

test('a recall for a text still queued replaces it: the recipient never gets the words', async (t) => {
  const net = new MemoryNetwork()
  const alice = await makeNode(t, net, 'alice')
  const bob = await makeNode(t, net, 'bob')
  net.up(alice.peerId) // bob is away
  alice.store.peers.ensure(bob.peerId)
  const sent = alice.messenger.send(bob.peerId, 'never mind')
  alice.messenger.recall(sent.id)
  net.up(bob.peerId)
  await until(() => bob.store.messages.get(sent.id) !== undefined, 'bob has the line')
  const line = bob.store.messages.get(sent.id)
  assert.equal(line?.text, null)
  assert.notEqual(line?.recalledAt, null)
  assert.equal(bob.store.conversations.get(alice.peerId)?.unread, 0)
  assert.equal(
    net.log.some((d) => d.envelope.kind === 'text' && d.to === bob.peerId),
    false,
    'the text itself never travelled',
  )
})

test('a mention counts for the group badge until read; mute is kept per conversation', async (t) => {
  const net = new MemoryNetwork()
  const alice = await makeNode(t, net, 'alice')
  const bob = await makeNode(t, net, 'bob')
  const cy = await makeNode(t, net, 'cy')
  for (const n of [alice, bob, cy]) net.up(n.peerId)
  await until(
    () => ['bob', 'cy'].every((name) => alice.messenger.peers().some((p) => p.name === name)),
    'alice knows both',
  )
  const group = await alice.messenger.createGroup('Team', ['bob', 'cy'])
  const conversation = `group:${group.groupId}`
  await until(() => bob.messenger.groupById(group.groupId) !== undefined, 'bob is in it')
  await until(() => cy.messenger.groupById(group.groupId) !== undefined, 'cy is in it')
  assert.equal(bob.messenger.mute(conversation, true).muted, true)

  const sent = alice.messenger.send(conversation, '@bob can you check?', {
    mentions: [bob.peerId, 'not-a-member'],
  })
  assert.deepEqual(sent.mentions, [bob.peerId])
  await until(() => bob.store.messages.get(sent.id) !== undefined, 'bob has it')
  await until(() => cy.store.messages.get(sent.id) !== undefined, 'cy has it')
  assert.deepEqual(bob.store.messages.get(sent.id)?.mentions, [bob.peerId])
  assert.equal(bob.store.conversations.get(conversation)?.mentions, 1)
  assert.equal(bob.store.conversations.get(conversation)?.muted, true)
  assert.equal(cy.store.conversations.get(conversation)?.mentions, 0)
  bob.messenger.markRead(conversation)
  assert.equal(bob.store.conversations.get(conversation)?.mentions, 0)
  assert.equal(bob.messenger.mute(conversation, false).muted, false)

  // a group text is recalled at every member
  alice.messenger.recall(sent.id)
  await until(() => cy.store.messages.get(sent.id)?.recalledAt != null, 'recalled at cy')
  await until(() => bob.store.messages.get(sent.id)?.recalledAt != null, 'recalled at bob')
})
