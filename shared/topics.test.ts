import assert from 'node:assert/strict'
import { test } from 'node:test'
import { generateIdentity } from './identity.js'
import {
  groupMetaTopic,
  groupTopic,
  inboxTopic,
  mayPublish,
  maySubscribe,
  newGroupId,
  parseTopic,
  presenceTopic,
  type GroupMembership,
} from './topics.js'

const alice = (await generateIdentity()).peerId
const bob = (await generateIdentity()).peerId
const group = newGroupId()
const members: GroupMembership = { isMember: (g, p) => g === group && p === alice }

test('topics round-trip through parseTopic', () => {
  assert.deepEqual(parseTopic(inboxTopic(alice)), { kind: 'inbox', peerId: alice })
  assert.deepEqual(parseTopic(presenceTopic(bob)), { kind: 'presence', peerId: bob })
  assert.deepEqual(parseTopic(groupTopic(group)), { kind: 'group', groupId: group })
  assert.deepEqual(parseTopic(groupMetaTopic(group)), { kind: 'group-meta', groupId: group })
})

test('anything else is not a Pigeon topic', () => {
  for (const topic of [
    '',
    'pigeon',
    'pigeon/v1/inbox',
    `pigeon/v1/inbox/${alice}/x`,
    'pigeon/v1/inbox/alice',
    `pigeon/v2/inbox/${alice}`,
    'pigeon/v1/group/short',
    `pigeon/v1/other/${alice}`,
  ]) {
    assert.equal(parseTopic(topic), undefined, topic)
  }
})

test('only the owner reads an inbox; anyone may write to it', () => {
  assert.equal(maySubscribe(alice, inboxTopic(alice), members).ok, true)
  assert.equal(maySubscribe(bob, inboxTopic(alice), members).ok, false)
  assert.equal(mayPublish(bob, inboxTopic(alice), members).ok, true)
})

test('only the owner publishes its presence; anyone reads it', () => {
  assert.equal(mayPublish(alice, presenceTopic(alice), members).ok, true)
  assert.equal(mayPublish(bob, presenceTopic(alice), members).ok, false)
  assert.equal(maySubscribe(bob, presenceTopic(alice), members).ok, true)
})

test('only members read and write a group', () => {
  assert.equal(maySubscribe(alice, groupTopic(group), members).ok, true)
  assert.equal(mayPublish(alice, groupTopic(group), members).ok, true)
  assert.equal(maySubscribe(bob, groupTopic(group), members).ok, false)
  assert.equal(mayPublish(bob, groupTopic(group), members).ok, false)
  assert.equal(maySubscribe(bob, groupMetaTopic(group), members).ok, false)
})

test('wildcards, $SYS and foreign topics are refused with a reason', () => {
  for (const topic of [
    '#',
    '+/+/+/+',
    'pigeon/v1/inbox/+',
    'pigeon/v1/#',
    '$SYS/#',
    '$SYS/broker/clients',
    'other/topic',
  ]) {
    const decision = maySubscribe(alice, topic, members)
    assert.equal(decision.ok, false, topic)
    if (!decision.ok) assert.ok(decision.reason.length > 0)
    assert.equal(mayPublish(alice, topic, members).ok, false, topic)
  }
})
