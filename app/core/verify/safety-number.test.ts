// The safety number (docs/protocol.md §14) against Signal's published vectors (libsignal's
// NumericFingerprintGeneratorTest: 33-byte Curve25519 keys, phone numbers as stable ids), which
// test the computation, and against our own vectors, which pin Pigeon's encoding of the parties
// (raw Ed25519 key, PeerId text) so that another implementation can check itself.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ed25519 } from '@noble/curves/ed25519.js'
import { peerIdFromPublicKey } from '../../../shared/identity.js'
import {
  fingerprintHalf,
  numericFingerprint,
  pigeonParty,
  safetyGroups,
  safetyNumber,
} from './safety-number.js'

const hex = (text: string): Uint8Array => Uint8Array.from(Buffer.from(text, 'hex'))
const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text)

test("Signal's displayable fingerprint vector (libsignal, version 1 and 2)", () => {
  const alice = {
    key: hex('0506863bc66d02b40d27b8d49ca7c09e9239236f9d7d25d6fcca5ce13c7064d868'),
    stableId: utf8('+14152222222'),
  }
  const bob = {
    key: hex('05f781b6fb32fed9ba1cf2de978d4d5da28dc34046ae814402b5c0dbd96fda907b'),
    stableId: utf8('+14153333333'),
  }
  const expected = '300354477692869396892869876765458257569162576843440918079131'
  assert.equal(numericFingerprint(alice, bob), expected)
  assert.equal(numericFingerprint(bob, alice), expected)
})

test("Pigeon's vectors: keys from the Ed25519 seeds 0x01…01 and 0x02…02", () => {
  const a = peerIdFromPublicKey(ed25519.getPublicKey(new Uint8Array(32).fill(1)))
  const b = peerIdFromPublicKey(ed25519.getPublicKey(new Uint8Array(32).fill(2)))
  assert.equal(a, '12D3KooWK99VoVxNE7XzyBwXEzW7xhK7Gpv85r9F3V3fyKSUKPH5')
  assert.equal(b, '12D3KooWJWoaqZhDaoEFshF7Rh1bpY9ohihFhzcW6d69Lr2NASuq')
  assert.equal(
    Buffer.from(pigeonParty(a).key).toString('hex'),
    '8a88e3dd7409f195fd52db2d3cba5d72ca6709bf1d94121bf3748801b40f6f5c',
  )
  assert.equal(fingerprintHalf(pigeonParty(a)), '132975603212001729076589215952')
  assert.equal(fingerprintHalf(pigeonParty(b)), '083058130409831924348022276443')
  const digits = '083058130409831924348022276443132975603212001729076589215952'
  assert.equal(safetyNumber(a, b), digits)
  assert.equal(safetyNumber(b, a), digits)
  assert.deepEqual(safetyGroups(digits), [
    '08305',
    '81304',
    '09831',
    '92434',
    '80222',
    '76443',
    '13297',
    '56032',
    '12001',
    '72907',
    '65892',
    '15952',
  ])
})

test('a different key or a different stable id gives a different number', () => {
  const a = peerIdFromPublicKey(ed25519.getPublicKey(new Uint8Array(32).fill(1)))
  const b = peerIdFromPublicKey(ed25519.getPublicKey(new Uint8Array(32).fill(2)))
  const c = peerIdFromPublicKey(ed25519.getPublicKey(new Uint8Array(32).fill(3)))
  assert.notEqual(safetyNumber(a, b), safetyNumber(a, c))
  const party = pigeonParty(a)
  assert.notEqual(
    fingerprintHalf(party),
    fingerprintHalf({ key: party.key, stableId: utf8(`${a}x`) }),
  )
})
