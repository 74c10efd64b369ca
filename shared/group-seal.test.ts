import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { newMessageId, type Envelope } from './envelope.js'
import { isPigeonError } from './errors.js'
import { generateIdentity } from './identity.js'
import { openGroupPayload, sealForGroup } from './group-seal.js'
import { ReplayGuard } from './seal.js'
import { newGroupId } from './topics.js'

const [alice, bob, carol, mallory] = await Promise.all([generateIdentity(), generateIdentity(), generateIdentity(), generateIdentity()])
const members = [alice.peerId, bob.peerId, carol.peerId]
const group = newGroupId()

function groupText(text: string): Envelope {
  return { id: newMessageId(), sender: alice.peerId, to: { group }, sentAt: Date.now(), kind: 'text', text }
}

test('every other member opens its own copy; the sender seals none for itself', () => {
  const envelope = groupText('晚上一起吃饭吗？')
  const payload = sealForGroup(envelope, alice, members)
  assert.deepEqual(openGroupPayload(payload, bob), envelope)
  assert.deepEqual(openGroupPayload(payload, carol), envelope)
  assert.throws(() => openGroupPayload(payload, alice), (e) => isPigeonError(e) && e.code === 'SEAL_WRONG_RECIPIENT')
})

test('a non-member finds no copy', () => {
  const payload = sealForGroup(groupText('members only'), alice, members)
  assert.throws(() => openGroupPayload(payload, mallory), (e) => isPigeonError(e) && e.code === 'SEAL_WRONG_RECIPIENT')
})

test('a replayed group message is refused', () => {
  const replay = new ReplayGuard()
  const payload = sealForGroup(groupText('once'), alice, members)
  openGroupPayload(payload, bob, { replay })
  assert.throws(() => openGroupPayload(payload, bob, { replay }), (e) => isPigeonError(e) && e.code === 'SEAL_REPLAY')
})

test('any bit flip or truncation is refused with a typed error', () => {
  const payload = sealForGroup(groupText('tamper with me'), alice, members)
  fc.assert(
    fc.property(fc.integer({ min: 0, max: payload.length * 8 - 1 }), (bit) => {
      const flipped = payload.slice()
      flipped[bit >> 3]! ^= 1 << (bit & 7)
      try {
        const opened = openGroupPayload(flipped, bob)
        // a flip inside carol's copy leaves bob's intact: that is fine, and must be the original
        assert.equal(opened.kind === 'text' && opened.text, 'tamper with me')
      } catch (error) {
        assert.ok(isPigeonError(error) && error.code.startsWith('SEAL_'), String(error))
      }
    }),
    { numRuns: 1_000 },
  )
  for (let length = 0; length < 40; length++) {
    assert.throws(() => openGroupPayload(payload.subarray(0, length), bob), (e) => isPigeonError(e) && e.code.startsWith('SEAL_'))
  }
})

test('a one-to-one envelope cannot be sent as a group payload', () => {
  const direct: Envelope = { id: newMessageId(), sender: alice.peerId, to: { peer: bob.peerId }, sentAt: Date.now(), kind: 'text', text: 'x' }
  assert.throws(() => sealForGroup(direct, alice, members), (e) => isPigeonError(e) && e.code === 'ENVELOPE_INVALID_FIELD')
})
