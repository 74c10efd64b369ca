// Groups in the engine over the in-memory path (real SQLite files): membership changes travel as
// signed documents through each member's outbox queue, and group messages as one sealed copy per
// member. The real network (libp2p, relay, NAT) is exercised by test/paths/groups.test.ts.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { encodeSignedGroupDocument, signGroupDocument } from '../../../shared/group.js'
import { newMessageId, type Envelope } from '../../../shared/envelope.js'
import { isPigeonError, PigeonError } from '../../../shared/errors.js'
import { generateIdentity } from '../../../shared/identity.js'
import { LIMITS } from '../../../shared/limits.js'
import { newGroupId } from '../../../shared/topics.js'
import { MemoryNetwork } from '../../../test/app/support/memory-path.js'
import { makeNode, type TestNode } from '../../../test/app/support/messenger-harness.js'
import { until } from '../../../test/app/support/wait.js'

async function trio(t: TestContext) {
  const net = new MemoryNetwork()
  const alice = await makeNode(t, net, 'alice')
  const bob = await makeNode(t, net, 'bob')
  const carol = await makeNode(t, net, 'carol')
  return { net, alice, bob, carol }
}

/** The group's history as texts; none while the node does not know the group yet. */
function groupTexts(node: TestNode, ref: string): string[] {
  if (node.store.groups.list().length === 0) return []
  return node.messenger.history(ref, { limit: 500 }).map((m) => m.text ?? '')
}

function code(expected: string): (error: unknown) => boolean {
  return (error) => isPigeonError(error) && error.code === expected
}

test('a group message reaches every member once, in order; one offline gets what it missed when back', async (t) => {
  const { net, alice, bob, carol } = await trio(t)
  net.up(alice.peerId)
  net.up(bob.peerId)
  const group = await alice.messenger.createGroup('Lunch', [bob.peerId, carol.peerId])
  assert.deepEqual(group.members, [alice.peerId, bob.peerId, carol.peerId])
  assert.equal(group.owner, alice.peerId)
  const sent = ['one', 'two', 'three'].map((text) => alice.messenger.send(group.groupId, text))
  assert.ok(sent.every((m) => m.conversationId === `group:${group.groupId}`))

  await until(() => groupTexts(bob, group.groupId).length === 3, 'bob has all three')
  assert.deepEqual(groupTexts(bob, 'Lunch'), ['one', 'two', 'three'])
  assert.equal(bob.messenger.group('Lunch').version, 1)
  // carol is away: the message waits for her copy
  assert.ok(sent.every((m) => alice.store.messages.get(m.id)?.state === 'pending'))

  const bobSays = bob.messenger.send(`group:${group.groupId}`, 'from bob')
  net.up(carol.peerId)
  await until(() => groupTexts(carol, group.groupId).length === 4, 'carol caught up')
  const fromAlice = carol.messenger
    .history(group.groupId)
    .filter((m) => m.sender === alice.peerId)
    .map((m) => m.text)
  assert.deepEqual(fromAlice, ['one', 'two', 'three'])
  await until(
    () => sent.every((m) => alice.store.messages.get(m.id)?.state === 'delivered'),
    'delivered once every member has it',
  )
  await until(() => groupTexts(alice, group.groupId).includes('from bob'), 'alice has bob’s')
  assert.equal(bob.store.messages.get(bobSays.id)?.direction, 'out')
  // each envelope went once per member, never to the sender itself
  const copies = net.log.filter(
    (d) => d.ok && d.envelope.kind === 'text' && d.envelope.text === 'one',
  )
  assert.deepEqual(copies.map((d) => d.to).sort(), [bob.peerId, carol.peerId].sort())
  assert.ok(copies.every((d) => 'group' in d.envelope.to && d.envelope.to.group === group.groupId))
  await until(() => [alice, bob, carol].every((n) => n.store.outbox.size() === 0), 'outboxes empty')
})

test('rename, add, remove and leave reach every member; the removed stop hearing and cannot send', async (t) => {
  const { net, alice, bob, carol } = await trio(t)
  for (const n of [alice, bob, carol]) net.up(n.peerId)
  const group = await alice.messenger.createGroup('Team', [bob.peerId])
  await until(() => bob.store.groups.get(group.groupId) !== undefined, 'bob invited')
  assert.throws(() => carol.messenger.group(group.groupId), code('GROUP_UNKNOWN'))

  await alice.messenger.renameGroup('Team', 'Team Pigeon')
  await alice.messenger.addToGroup(group.groupId, [carol.peerId])
  await until(() => carol.store.groups.get(group.groupId)?.version === 3, 'carol added')
  await until(() => bob.store.groups.get(group.groupId)?.version === 3, 'bob sees carol')
  assert.equal(carol.messenger.group('Team Pigeon').members.length, 3)

  // a member is not an admin: it may not add or remove, only leave
  const dave = await generateIdentity()
  await assert.rejects(
    bob.messenger.addToGroup(group.groupId, [dave.peerId]),
    code('GROUP_NOT_AUTHORIZED'),
  )
  await assert.rejects(
    bob.messenger.removeFromGroup(group.groupId, [carol.peerId]),
    code('GROUP_NOT_AUTHORIZED'),
  )
  await assert.rejects(alice.messenger.leaveGroup(group.groupId), code('GROUP_OWNER_LEAVES'))

  await alice.messenger.removeFromGroup(group.groupId, [carol.peerId])
  await until(
    () => carol.store.groups.get(group.groupId)?.joined === false,
    'carol told she is out',
  )
  assert.throws(() => carol.messenger.send(group.groupId, 'still here?'), code('GROUP_NOT_MEMBER'))
  alice.messenger.send(group.groupId, 'after carol left')
  await until(() => groupTexts(bob, group.groupId).includes('after carol left'), 'bob has it')
  assert.equal(groupTexts(carol, group.groupId).includes('after carol left'), false)
  assert.equal(
    net.log.some((d) => d.to === carol.peerId && d.envelope.kind === 'text'),
    false,
    'nothing sent to carol after her removal',
  )

  await bob.messenger.leaveGroup('Team Pigeon')
  await until(
    () => alice.store.groups.get(group.groupId)?.members.length === 1,
    'alice sees bob leave',
  )
  assert.equal(bob.messenger.group(group.groupId).joined, false)
  assert.throws(() => alice.messenger.send(group.groupId, 'anyone?'), code('GROUP_EMPTY'))
  // history stays with everyone
  assert.ok(groupTexts(bob, group.groupId).includes('after carol left'))
})

test('a forged group change and a message from a non-member are refused; the group stays as it was', async (t) => {
  const { net, alice, bob } = await trio(t)
  net.up(alice.peerId)
  net.up(bob.peerId)
  const group = await alice.messenger.createGroup('Safe', [bob.peerId])
  await until(() => bob.store.groups.get(group.groupId) !== undefined, 'bob invited')
  const mallory = await generateIdentity()
  const malloryNode = await makeNode(t, net, 'mallory')
  net.up(malloryNode.peerId)

  // mallory signs a version 2 that adds herself: bob checks it against version 1 and refuses
  const doc = await signGroupDocument(
    {
      groupId: group.groupId,
      name: 'Hijacked',
      owner: alice.peerId,
      admins: [],
      members: [alice.peerId, bob.peerId, mallory.peerId],
      version: 2,
    },
    mallory,
  )
  const forged: Envelope = {
    id: newMessageId(),
    sender: malloryNode.peerId,
    to: { group: group.groupId },
    sentAt: Date.now(),
    kind: 'group-control',
    control: {
      op: 'add',
      groupId: group.groupId,
      name: 'Hijacked',
      members: doc.members,
      version: 2,
      document: encodeSignedGroupDocument(doc),
    },
  }
  await malloryNode.path.deliver(bob.peerId, forged) // acked: sending it again cannot help
  assert.equal(bob.messenger.group(group.groupId).name, 'Safe')
  assert.equal(bob.messenger.group(group.groupId).version, 1)

  // an invitation to a new group signed by someone who is not its owner is not taken either
  const otherId = newGroupId()
  const fake = await signGroupDocument(
    {
      groupId: otherId,
      name: 'Fake',
      owner: alice.peerId,
      admins: [],
      members: [alice.peerId, bob.peerId],
      version: 1,
    },
    mallory,
  )
  await malloryNode.path.deliver(bob.peerId, {
    ...forged,
    id: newMessageId(),
    to: { group: otherId },
    control: {
      op: 'create',
      groupId: otherId,
      name: 'Fake',
      members: fake.members,
      version: 1,
      document: encodeSignedGroupDocument(fake),
    },
  })
  assert.equal(bob.store.groups.get(otherId), undefined)

  // a text to the group from someone outside it is refused (not acked), and not stored
  const intruder: Envelope = {
    id: newMessageId(),
    sender: malloryNode.peerId,
    to: { group: group.groupId },
    sentAt: Date.now(),
    kind: 'text',
    text: 'let me in',
  }
  await assert.rejects(malloryNode.path.deliver(bob.peerId, intruder), () => true)
  assert.equal(groupTexts(bob, group.groupId).includes('let me in'), false)
})

test('group changes and messages queued for an offline member survive a restart of the sender', async (t) => {
  const { net, alice, bob } = await trio(t)
  net.up(alice.peerId)
  const group = await alice.messenger.createGroup('Later', [bob.peerId])
  alice.messenger.send(group.groupId, 'first')
  alice.messenger.send(group.groupId, 'second')
  await alice.restart()
  assert.equal(alice.store.outbox.size(), 3)
  net.up(bob.peerId)
  await until(() => groupTexts(bob, group.groupId).length === 2, 'bob got both after the restart')
  assert.deepEqual(groupTexts(bob, 'Later'), ['first', 'second'])
  assert.equal(bob.messenger.group('Later').owner, alice.peerId)
})

test('names that match both a peer and a group, or no group, say so', async (t) => {
  const { net, alice, bob } = await trio(t)
  net.up(alice.peerId)
  net.up(bob.peerId)
  await until(() => alice.messenger.peer(bob.peerId)?.name === 'bob', 'bob’s profile')
  await alice.messenger.createGroup('bob', [bob.peerId])
  assert.throws(() => alice.messenger.send('bob', 'which one?'), code('PEER_AMBIGUOUS'))
  assert.throws(() => alice.messenger.group('nobody'), code('GROUP_UNKNOWN'))
  assert.throws(() => alice.messenger.history('nothing by that name'), code('PEER_UNKNOWN'))
  await assert.rejects(alice.messenger.createGroup('   ', [bob.peerId]), code('API_BAD_REQUEST'))
  await assert.rejects(alice.messenger.createGroup('Alone', []), code('GROUP_EMPTY'))
})

test('removing a member who never got a message lets the message count as delivered to the rest', async (t) => {
  const { net, alice, bob, carol } = await trio(t)
  net.up(alice.peerId)
  net.up(bob.peerId)
  const group = await alice.messenger.createGroup('Shrinking', [bob.peerId, carol.peerId])
  const sent = alice.messenger.send(group.groupId, 'carol is away')
  await until(() => groupTexts(bob, group.groupId).length === 1, 'bob has it')
  assert.equal(alice.store.messages.get(sent.id)?.state, 'pending', 'still waiting for carol')
  const states: string[] = []
  alice.messenger.on('message-state', (m) => states.push(m.state))

  await alice.messenger.removeFromGroup(group.groupId, [carol.peerId])
  assert.equal(alice.store.messages.get(sent.id)?.state, 'delivered')
  assert.deepEqual(states, ['delivered'])
  // carol's copy of the message is no longer queued; the news of her removal is
  const toCarol = alice.store.outbox.head(carol.peerId, 10)
  assert.deepEqual(
    toCarol.map((r) => r.kind),
    ['control', 'control'],
  )
})

test('a member added back hears a message that overtakes the news of it, once the news arrives', async (t) => {
  const { net, alice, bob, carol } = await trio(t)
  for (const n of [alice, bob, carol]) net.up(n.peerId)
  const group = await alice.messenger.createGroup('Again', [bob.peerId, carol.peerId])
  await alice.messenger.removeFromGroup(group.groupId, [carol.peerId])
  await until(() => carol.store.groups.get(group.groupId)?.joined === false, 'carol out')
  await until(() => bob.store.groups.get(group.groupId)?.version === 2, 'bob saw it')

  // alice adds carol back, but the news to carol is held up; bob, who heard, writes at once
  let holdNews = true
  const deliver = alice.path.deliver.bind(alice.path)
  alice.path.deliver = async (peerId, envelope) => {
    if (holdNews && peerId === carol.peerId && envelope.kind === 'group-control') {
      throw new PigeonError('PEER_UNREACHABLE', 'held up on the way to carol')
    }
    await deliver(peerId, envelope)
  }
  await alice.messenger.addToGroup(group.groupId, [carol.peerId])
  await until(() => bob.store.groups.get(group.groupId)?.version === 3, 'bob saw carol come back')
  const hello = bob.messenger.send(group.groupId, 'welcome back, carol')
  await until(
    () => net.log.some((d) => d.to === carol.peerId && !d.ok && d.envelope.kind === 'text'),
    'carol refused it for now',
  )
  assert.equal(carol.store.messages.get(hello.id), undefined)

  holdNews = false
  await until(() => carol.store.groups.get(group.groupId)?.joined === true, 'carol back in')
  await until(
    () => carol.store.messages.get(hello.id)?.text === 'welcome back, carol',
    'bob’s retry reached her',
  )
})

test('a group name longer than the envelope carries is refused when the group is made, not retried forever', async (t) => {
  const { alice, bob } = await trio(t)
  // 65 to 100 characters passed the old name check but no group-control envelope could carry them
  for (const length of [LIMITS.groupNameChars + 1, 100]) {
    await assert.rejects(alice.messenger.createGroup('g'.repeat(length), [bob.peerId]), (error) => {
      assert.ok(isPigeonError(error) && error.code === 'API_BAD_REQUEST')
      assert.match(error.message, new RegExp(`1 to ${LIMITS.groupNameChars} characters`))
      return true
    })
  }
  assert.equal(alice.store.groups.list().length, 0)
  assert.equal(alice.store.outbox.size(), 0, 'nothing queued that could never be sent')
  // the longest allowed name (in characters, not UTF-16 units) goes out and arrives
  const name = '鸽'.repeat(LIMITS.groupNameChars - 1) + '🕊'
  const group = await alice.messenger.createGroup(name, [bob.peerId])
  const renamed = alice.messenger.renameGroup(group.groupId, 'x'.repeat(LIMITS.groupNameChars + 1))
  await assert.rejects(renamed, code('API_BAD_REQUEST'))
  assert.equal(alice.messenger.group(group.groupId).name, name)
})
