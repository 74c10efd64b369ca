import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { isPigeonError, type PigeonErrorCode } from './errors.js'
import { generateIdentity } from './identity.js'
import { createRelayToken, verifyRelayToken, type TokenSpender } from './relay-token.js'

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
  await verifyRelayToken(new TextEncoder().encode(token), {
    peerId: alice.peerId,
    relayId: relay.peerId,
  })
})

test('a token for another relay says so', async () => {
  const token = await createRelayToken(alice, otherRelay.peerId)
  await assert.rejects(
    verifyRelayToken(token, { peerId: alice.peerId, relayId: relay.peerId }),
    code('TOKEN_WRONG_RELAY'),
  )
})

test('a token presented under another PeerId is refused', async () => {
  const token = await createRelayToken(alice, relay.peerId)
  await assert.rejects(
    verifyRelayToken(token, { peerId: bob.peerId, relayId: relay.peerId }),
    code('TOKEN_BAD_SIGNATURE'),
  )
})

test('old and future tokens are refused, with the clock named', async () => {
  const now = Date.now()
  const old = await createRelayToken(alice, relay.peerId, now - 5 * 60_000)
  await assert.rejects(
    verifyRelayToken(old, { peerId: alice.peerId, relayId: relay.peerId, now }),
    code('TOKEN_EXPIRED'),
  )
  const future = await createRelayToken(alice, relay.peerId, now + 5 * 60_000)
  await assert.rejects(
    verifyRelayToken(future, { peerId: alice.peerId, relayId: relay.peerId, now }),
    code('TOKEN_FROM_FUTURE'),
  )
  const slightlySkewed = await createRelayToken(alice, relay.peerId, now + 30_000)
  await verifyRelayToken(slightlySkewed, { peerId: alice.peerId, relayId: relay.peerId, now })
})

/** the relay's record in memory (relay/spent-tokens.ts keeps it on disk or in Redis) */
function memorySpender(): TokenSpender & { kept: Map<string, number> } {
  const kept = new Map<string, number>()
  return {
    kept,
    async spend(key, keepUntil) {
      if (kept.has(key)) return false
      kept.set(key, keepUntil)
      return true
    },
  }
}

test('each token is accepted once, and kept as spent while it could be valid', async () => {
  const spent = memorySpender()
  const now = Date.now()
  const token = await createRelayToken(alice, relay.peerId, now)
  await verifyRelayToken(token, { peerId: alice.peerId, relayId: relay.peerId, spent, now })
  await assert.rejects(
    verifyRelayToken(token, { peerId: alice.peerId, relayId: relay.peerId, spent }),
    code('TOKEN_REPLAYED'),
  )
  await verifyRelayToken(await createRelayToken(alice, relay.peerId), {
    peerId: alice.peerId,
    relayId: relay.peerId,
    spent,
  })
  assert.ok([...spent.kept.values()][0]! >= now + 120_000, 'kept at least until it expires')
})

test('a spent token re-encoded differently is still the same, spent token', async () => {
  const spent = memorySpender()
  const token = await createRelayToken(alice, relay.peerId)
  await verifyRelayToken(token, { peerId: alice.peerId, relayId: relay.peerId, spent })
  // 82 bytes in 110 base64url characters: the last one carries 2 bits and 4 unused ones
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'
  const last = alphabet.indexOf(token.at(-1)!)
  const twin = token.slice(0, -1) + alphabet[last ^ 0b0001]!
  await assert.rejects(
    verifyRelayToken(twin, { peerId: alice.peerId, relayId: relay.peerId, spent }),
    (e) => isPigeonError(e) && e.code.startsWith('TOKEN_'),
  )
})

test('a tampered token is refused', async () => {
  const token = await createRelayToken(alice, relay.peerId)
  const chars = [...token]
  const at = token.length - 10
  chars[at] = chars[at] === 'A' ? 'B' : 'A'
  await assert.rejects(
    verifyRelayToken(chars.join(''), { peerId: alice.peerId, relayId: relay.peerId }),
    code('TOKEN_BAD_SIGNATURE'),
  )
})

test('garbage passwords get TOKEN_MALFORMED, never an untyped error', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.oneof(
        fc.string(),
        fc.string().map((s) => `v1.${s}`),
        fc.uint8Array(),
      ),
      async (password) => {
        await assert.rejects(
          verifyRelayToken(password, { peerId: alice.peerId, relayId: relay.peerId }),
          (e) => isPigeonError(e) && e.code.startsWith('TOKEN_'),
        )
      },
    ),
    { numRuns: 1_000 },
  )
  await assert.rejects(
    verifyRelayToken(await createRelayToken(alice, relay.peerId), {
      peerId: 'alice',
      relayId: relay.peerId,
    }),
    code('TOKEN_MALFORMED'),
  )
})
