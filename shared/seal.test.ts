import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { isPigeonError, type PigeonErrorCode } from './errors.js'
import { newMessageId, type Envelope } from './envelope.js'
import { generateIdentity, type Identity } from './identity.js'
import { openSealed, ReplayGuard, seal, SEAL_OVERHEAD } from './seal.js'

const alice = await generateIdentity()
const bob = await generateIdentity()
const carol = await generateIdentity()

function code(expected: PigeonErrorCode) {
  return (error: unknown) => isPigeonError(error) && error.code === expected
}

function message(from: Identity, to: string, text = 'meet at the usual place, 7pm'): Envelope {
  return { id: newMessageId(), sender: from.peerId, to: { peer: to }, sentAt: Date.now(), kind: 'text', text }
}

test('the recipient opens what the sender sealed, and learns who sent it', () => {
  const original = message(alice, bob.peerId)
  const opened = openSealed(seal(original, alice, bob.peerId), bob)
  assert.deepEqual(opened, original)
})

test('sealing adds a fixed 65 bytes and is fresh every time', () => {
  const original = message(alice, bob.peerId)
  const a = seal(original, alice, bob.peerId)
  const b = seal(original, alice, bob.peerId)
  assert.equal(SEAL_OVERHEAD, 65)
  assert.notDeepEqual(a, b)
  assert.equal(a.length, b.length)
})

test('nobody but the recipient can open it', () => {
  const sealed = seal(message(alice, bob.peerId), alice, bob.peerId)
  assert.throws(() => openSealed(sealed, carol), code('SEAL_TAMPERED'))
  assert.throws(() => openSealed(sealed, alice), code('SEAL_TAMPERED'))
})

test('an envelope addressed to someone else is refused even when sealed to me', () => {
  const forwarded = seal(message(alice, carol.peerId), alice, bob.peerId)
  assert.throws(() => openSealed(forwarded, bob), code('SEAL_WRONG_RECIPIENT'))
})

test('a sender who claims to be someone else is refused', () => {
  // Carol's secret key behind Alice's name: the static-static MAC cannot match.
  const impostor: Identity = { privateKey: carol.privateKey, peerId: alice.peerId, publicKey: alice.publicKey }
  const forged = seal(message(alice, bob.peerId), impostor, bob.peerId)
  assert.throws(() => openSealed(forged, bob), code('SEAL_TAMPERED'))
})

test('any single-bit flip anywhere is refused', () => {
  const sealed = seal(message(alice, bob.peerId), alice, bob.peerId)
  fc.assert(
    fc.property(fc.integer({ min: 0, max: sealed.length * 8 - 1 }), (bit) => {
      const flipped = sealed.slice()
      flipped[bit >> 3]! ^= 1 << (bit & 7)
      assert.throws(() => openSealed(flipped, bob), (e) => isPigeonError(e) && e.code.startsWith('SEAL_'))
    }),
    { numRuns: 2_000 },
  )
})

test('truncated, empty, foreign-version and random input are refused with typed errors', () => {
  const sealed = seal(message(alice, bob.peerId), alice, bob.peerId)
  assert.throws(() => openSealed(new Uint8Array(0), bob), code('SEAL_TRUNCATED'))
  assert.throws(() => openSealed(sealed.subarray(0, SEAL_OVERHEAD), bob), code('SEAL_TRUNCATED'))
  assert.throws(() => openSealed(sealed.subarray(0, sealed.length - 1), bob), code('SEAL_TAMPERED'))
  const future = sealed.slice()
  future[0] = 2
  assert.throws(() => openSealed(future, bob), code('SEAL_VERSION'))
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 400 }), (bytes) => {
      assert.throws(() => openSealed(bytes, bob), (e) => isPigeonError(e) && e.code.startsWith('SEAL_'))
    }),
    { numRuns: 2_000 },
  )
})

test('a replayed message is refused the second time', () => {
  const replay = new ReplayGuard()
  const sealed = seal(message(alice, bob.peerId), alice, bob.peerId)
  openSealed(sealed, bob, { replay })
  assert.throws(() => openSealed(sealed, bob, { replay }), code('SEAL_REPLAY'))
  // a fresh seal of the same message (same id) is the same message: refused too
  const again = openSealed(sealed, bob)
  assert.throws(() => openSealed(seal(again, alice, bob.peerId), bob, { replay }), code('SEAL_REPLAY'))
})

test('the replay guard forgets the oldest ids beyond its capacity', () => {
  const replay = new ReplayGuard(2)
  const [a, b, c] = [newMessageId(), newMessageId(), newMessageId()]
  replay.checkAndRemember(a)
  replay.checkAndRemember(b)
  replay.checkAndRemember(c)
  assert.doesNotThrow(() => replay.checkAndRemember(a))
  assert.throws(() => replay.checkAndRemember(c), code('SEAL_REPLAY'))
})

test('only its own sender may seal an envelope', () => {
  assert.throws(() => seal(message(alice, bob.peerId), carol, bob.peerId), code('SEAL_TAMPERED'))
})
