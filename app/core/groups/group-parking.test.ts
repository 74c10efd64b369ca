// Group texts that come through the relay before the change that explains them (docs/protocol.md
// §8): parked, out of sight, and stored once the invitation or the sender's joining arrives, with
// what they were sent with. Over the in-memory path with real SQLite files, as groups.test.ts.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { newMessageId } from '../../../shared/envelope.js'
import { newGroupId } from '../../../shared/topics.js'
import { MemoryNetwork } from '../../../test/app/support/memory-path.js'
import { makeNode, type TestNode } from '../../../test/app/support/messenger-harness.js'
import { until } from '../../../test/app/support/wait.js'

/** The group's history as texts; none while the node does not know the group yet. */
function groupTexts(node: TestNode, ref: string): string[] {
  if (node.store.groups.list().length === 0) return []
  return node.messenger.history(ref, { limit: 500 }).map((m) => m.text ?? '')
}

/** Alice and Bob on a relay-named path, Alice's group changes held back until release(). */
async function relayPairHoldingChanges(t: TestContext) {
  const net = new MemoryNetwork()
  const alice = await makeNode(t, net, 'alice', {}, 'relay')
  const bob = await makeNode(t, net, 'bob', {}, 'relay')
  net.up(alice.peerId)
  net.up(bob.peerId)
  let hold = true
  alice.path.failWhen = (envelope) => hold && envelope.kind === 'group-control'
  return { net, alice, bob, release: () => (hold = false) }
}

test('through the relay, a group message that overtakes its invitation is kept, and shown once it arrives', async (t) => {
  const { net, alice, bob, release } = await relayPairHoldingChanges(t)
  const group = await alice.messenger.createGroup('Overtaken', [bob.peerId])
  const sent = alice.messenger.send(group.groupId, 'before the invitation')
  await until(() => bob.store.groups.parked(group.groupId).length === 1, 'parked at bob')
  assert.equal(bob.store.groups.get(group.groupId), undefined)
  assert.equal(bob.store.messages.get(sent.id), undefined, 'not shown before the invitation')
  assert.equal(alice.store.messages.get(sent.id)?.state, 'sent', 'the relay-named path acked it')

  release()
  await until(() => groupTexts(bob, group.groupId).length === 1, 'shown once the invitation came')
  assert.deepEqual(groupTexts(bob, 'Overtaken'), ['before the invitation'])
  assert.deepEqual(bob.store.groups.parked(group.groupId), [])
  await until(
    () => alice.store.messages.get(sent.id)?.state === 'delivered',
    'bob’s receipt reached alice',
  )
  // a relay PUBACK kept the invitation's and the message's rows queued; bob's receipts end them
  await until(() => alice.store.outbox.size() === 0, 'alice’s outbox empty once bob confirmed')

  // a stranger's message for a group nobody told me about is kept out of sight, not shown
  const stranger = await makeNode(t, net, 'stranger', {}, 'relay')
  net.up(stranger.peerId)
  await stranger.path.deliver(bob.peerId, {
    id: newMessageId(),
    sender: stranger.peerId,
    to: { group: newGroupId() },
    sentAt: Date.now(),
    kind: 'text',
    text: 'spam',
  })
  assert.ok(
    bob.messenger.conversations().every((c) => c.id !== stranger.peerId && c.kind !== 'peer'),
  )
  assert.equal(bob.messenger.search('spam').length, 0)
})

test('a parked group text keeps its reply and mentions: released, it quotes and counts the @ badge', async (t) => {
  const { alice, bob, release } = await relayPairHoldingChanges(t)
  const group = await alice.messenger.createGroup('Quoted', [bob.peerId])
  const first = alice.messenger.send(group.groupId, 'who is in?')
  const reply = alice.messenger.send(group.groupId, 'you are, @bob', {
    replyTo: first.id,
    mentions: [bob.peerId],
  })
  await until(() => bob.store.groups.parked(group.groupId).length === 2, 'both parked at bob')

  release()
  await until(() => groupTexts(bob, group.groupId).length === 2, 'both shown once invited')
  const released = bob.store.messages.get(reply.id)
  assert.deepEqual(released?.replyTo, first.id, 'the quote survives parking')
  assert.deepEqual(released?.mentions, [bob.peerId], 'the mention survives parking')
  const conversation = released?.conversationId ?? ''
  assert.equal(bob.store.conversations.get(conversation)?.mentions, 1, 'the @ badge counts it')
})
