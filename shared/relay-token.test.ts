import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { isPigeonError, type PigeonErrorCode } from './errors.js'
import { generateIdentity } from './identity.js'
import { createRelayToken, TokenReplayCache, verifyRelayToken } from './relay-token.js'

const alice = await generateIdentity()
const bob = await generateIdentity()
const relay = await generateIdentity()
const otherRelay = await generateIdentity()

function code(expected: PigeonErrorCode) {
  return (error: unknown) => isPigeonError(error) && error.code === expected
}

test('a fresh token for this relay is accepted, as text or as bytes', async () => {
  const token = await createRelayToken(alice, relay.peerId)
  assert.match(token, /^v1\.[A-Za-z0-9_-]+$/)
  await verifyRelayToken(token, { peerId: alice.peerId, relayId: relay.peerId })
  await verifyRelayToken(new TextEncoder().encode(token), { peerId: alice.peerId, relayId: relay.peerId })
})

test('a token for another relay says so', async () => {
  const token = await createRelayToken(alice, otherRelay.peerId)
  await assert.rejects(verifyRelayToken(token, { peerId: alice.peerId, relayId: relay.peerId }), code('TOKEN_WRONG_RELAY'))
})

test('a token presented under another PeerId is refused', async () => {
  const token = await createRelayToken(alice, relay.peerId)
  await assert.rejects(verifyRelayToken(token, { peerId: bob.peerId, relayId: relay.peerId }), code('TOKEN_BAD_SIGNATURE'))
})

test('old and future tokens are refused, with the clock named', async () => {
  const now = Date.now()
  const old = await createRelayToken(alice, relay.peerId, now - 5 * 60_000)
  await assert.rejects(verifyRelayToken(old, { peerId: alice.peerId, relayId: relay.peerId, now }), code('TOKEN_EXPIRED'))
  const future = await createRelayToken(alice, relay.peerId, now + 5 * 60_000)
  await assert.rejects(verifyRelayToken(future, { peerId: alice.peerId, relayId: relay.peerId, now }), code('TOKEN_FROM_FUTURE'))
  const slightlySkewed = await createRelayToken(alice, relay.peerId, now + 30_000)
  await verifyRelayToken(slightlySkewed, { peerId: alice.peerId, relayId: relay.peerId, now })
})

test('each token is accepted once', async () => {
  const replay = new TokenReplayCache()
  const token = await createRelayToken(alice, relay.peerId)
  await verifyRelayToken(token, { peerId: alice.peerId, relayId: relay.peerId, replay })
  await assert.rejects(verifyRelayToken(token, { peerId: alice.peerId, relayId: relay.peerId, replay }), code('TOKEN_REPLAYED'))
  await verifyRelayToken(await createRelayToken(alice, relay.peerId), { peerId: alice.peerId, relayId: relay.peerId, replay })
})

test('the replay cache forgets tokens once they could no longer be valid', async () => {
  const replay = new TokenReplayCache(1_000)
  const now = Date.now()
  const signature = new Uint8Array(64).fill(1)
  assert.equal(replay.remember(signature, now, now), true)
  assert.equal(replay.remember(new Uint8Array(64).fill(2), now + 5_000, now + 5_000), true)
  assert.equal(replay.size, 1)
})

test('a tampered token is refused', async () => {
  const token = await createRelayToken(alice, relay.peerId)
  const chars = [...token]
  const at = token.length - 10
  chars[at] = chars[at] === 'A' ? 'B' : 'A'
  await assert.rejects(verifyRelayToken(chars.join(''), { peerId: alice.peerId, relayId: relay.peerId }), code('TOKEN_BAD_SIGNATURE'))
})

test('garbage passwords get TOKEN_MALFORMED, never an untyped error', async () => {
  await fc.assert(
    fc.asyncProperty(fc.oneof(fc.string(), fc.string().map((s) => `v1.${s}`), fc.uint8Array()), async (password) => {
      await assert.rejects(verifyRelayToken(password, { peerId: alice.peerId, relayId: relay.peerId }), (e) => isPigeonError(e) && e.code.startsWith('TOKEN_'))
    }),
    { numRuns: 1_000 },
  )
  await assert.rejects(verifyRelayToken(await createRelayToken(alice, relay.peerId), { peerId: 'alice', relayId: relay.peerId }), code('TOKEN_MALFORMED'))
})
