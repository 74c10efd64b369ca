import assert from 'node:assert/strict'
import { test } from 'node:test'
import { isPigeonError } from './errors.js'
import {
  generateIdentity,
  identityFromBytes,
  identityToBytes,
  isPeerId,
  peerIdFromPublicKey,
  publicKeyFromPeerId,
  sign,
  verify,
} from './identity.js'

test('an identity survives a round trip through its stored bytes', async () => {
  const identity = await generateIdentity()
  const loaded = identityFromBytes(identityToBytes(identity))
  assert.equal(loaded.peerId, identity.peerId)
  assert.deepEqual(loaded.publicKey, identity.publicKey)
  assert.match(identity.peerId, /^12D3KooW/)
})

test('PeerId and raw public key convert both ways', async () => {
  const identity = await generateIdentity()
  assert.deepEqual(publicKeyFromPeerId(identity.peerId), identity.publicKey)
  assert.equal(peerIdFromPublicKey(identity.publicKey), identity.peerId)
  assert.equal(isPeerId(identity.peerId), true)
  assert.equal(isPeerId('alice'), false)
})

test('a malformed PeerId or key is a typed error', () => {
  assert.throws(
    () => publicKeyFromPeerId('12D3KooWnot-a-key'),
    (e) => isPigeonError(e) && e.code === 'PEER_ID_INVALID',
  )
  assert.throws(
    () => peerIdFromPublicKey(new Uint8Array(31)),
    (e) => isPigeonError(e) && e.code === 'KEY_INVALID',
  )
  assert.throws(
    () => identityFromBytes(new Uint8Array([1, 2, 3])),
    (e) => isPigeonError(e) && e.code === 'KEY_INVALID',
  )
})

test('signatures verify for the signer only and for the exact data', async () => {
  const alice = await generateIdentity()
  const bob = await generateIdentity()
  const data = new TextEncoder().encode('hello')
  const signature = await sign(alice, data)
  assert.equal(await verify(alice.peerId, data, signature), true)
  assert.equal(await verify(alice.publicKey, data, signature), true)
  assert.equal(await verify(bob.peerId, data, signature), false)
  assert.equal(await verify(alice.peerId, new TextEncoder().encode('hellO'), signature), false)
  assert.equal(await verify('garbage', data, signature), false)
})
