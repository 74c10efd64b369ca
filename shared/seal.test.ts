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

function sealError(error: unknown): boolean {
  return isPigeonError(error) && error.code.startsWith('SEAL_')
}

function message(from: Identity, to: string, text = 'meet at the usual place, 7pm'): Envelope {
  return {
    id: newMessageId(),
    sender: from.peerId,
    to: { peer: to },
    sentAt: Date.now(),
    kind: 'text',
    text,
  }
}

test('the recipient opens what the sender sealed, and learns who sent it', async () => {
  const original = message(alice, bob.peerId)
  const opened = await openSealed(await seal(original, alice, bob.peerId), bob)
  assert.deepEqual(opened, original)
})

test('sealing adds a fixed 65 bytes and is fresh every time', async () => {
  const original = message(alice, bob.peerId)
  const a = await seal(original, alice, bob.peerId)
  const b = await seal(original, alice, bob.peerId)
  assert.equal(SEAL_OVERHEAD, 65)
  assert.notDeepEqual(a, b)
  assert.equal(a.length, b.length)
})

test('nobody but the recipient can open it', async () => {
  const sealed = await seal(message(alice, bob.peerId), alice, bob.peerId)
  await assert.rejects(openSealed(sealed, carol), code('SEAL_TAMPERED'))
  await assert.rejects(openSealed(sealed, alice), code('SEAL_TAMPERED'))
})

test('an envelope addressed to someone else is refused even when sealed to me', async () => {
  const forwarded = await seal(message(alice, carol.peerId), alice, bob.peerId)
  await assert.rejects(openSealed(forwarded, bob), code('SEAL_WRONG_RECIPIENT'))
})

test('a sender who claims to be someone else is refused', async () => {
  // Carol's secret key behind Alice's name: the static-static MAC cannot match.
  const impostor: Identity = {
    privateKey: carol.privateKey,
    peerId: alice.peerId,
    publicKey: alice.publicKey,
  }
  const forged = await seal(message(alice, bob.peerId), impostor, bob.peerId)
  await assert.rejects(openSealed(forged, bob), code('SEAL_TAMPERED'))
})

test('any single-bit flip anywhere is refused', async () => {
  const sealed = await seal(message(alice, bob.peerId), alice, bob.peerId)
  await fc.assert(
    fc.asyncProperty(fc.integer({ min: 0, max: sealed.length * 8 - 1 }), async (bit) => {
      const flipped = sealed.slice()
      flipped[bit >> 3]! ^= 1 << (bit & 7)
      await assert.rejects(openSealed(flipped, bob), sealError)
    }),
    { numRuns: 2_000 },
  )
})

test('truncated, empty, foreign-version, low-order-key and random input are refused with typed errors', async () => {
  const sealed = await seal(message(alice, bob.peerId), alice, bob.peerId)
  await assert.rejects(openSealed(new Uint8Array(0), bob), code('SEAL_TRUNCATED'))
  await assert.rejects(openSealed(sealed.subarray(0, SEAL_OVERHEAD), bob), code('SEAL_TRUNCATED'))
  await assert.rejects(
    openSealed(sealed.subarray(0, sealed.length - 1), bob),
    code('SEAL_TAMPERED'),
  )
  const future = sealed.slice()
  future[0] = 2
  await assert.rejects(openSealed(future, bob), code('SEAL_VERSION'))
  const lowOrder = sealed.slice()
  lowOrder.fill(0, 1, 33) // an all-zero ephemeral key: X25519 gives all zeros, which must not be used
  await assert.rejects(openSealed(lowOrder, bob), code('SEAL_TAMPERED'))
  await fc.assert(
    fc.asyncProperty(fc.uint8Array({ maxLength: 400 }), async (bytes) => {
      await assert.rejects(openSealed(bytes, bob), sealError)
    }),
    { numRuns: 2_000 },
  )
})

test('a replayed message is refused the second time', async () => {
  const replay = new ReplayGuard()
  const sealed = await seal(message(alice, bob.peerId), alice, bob.peerId)
  await openSealed(sealed, bob, { replay })
  await assert.rejects(openSealed(sealed, bob, { replay }), code('SEAL_REPLAY'))
  // a fresh seal of the same message (same id) is the same message: refused too
  const again = await openSealed(sealed, bob)
  await assert.rejects(
    openSealed(await seal(again, alice, bob.peerId), bob, { replay }),
    code('SEAL_REPLAY'),
  )
})

test('the replay guard forgets the oldest ids beyond its capacity, and what it is told to forget', () => {
  const replay = new ReplayGuard(2)
  const [a, b, c] = [newMessageId(), newMessageId(), newMessageId()]
  replay.checkAndRemember(a)
  replay.checkAndRemember(b)
  replay.checkAndRemember(c)
  assert.doesNotThrow(() => replay.checkAndRemember(a))
  assert.throws(() => replay.checkAndRemember(c), code('SEAL_REPLAY'))
  replay.forget(c)
  assert.doesNotThrow(() => replay.checkAndRemember(c))
})

test('only its own sender may seal an envelope', async () => {
  await assert.rejects(seal(message(alice, bob.peerId), carol, bob.peerId), code('SEAL_TAMPERED'))
})
