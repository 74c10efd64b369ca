// Regression test for the uint64 writer workaround (shared/proto/uint64.ts): values in
// [2^31, 2^32) used to be encoded corrupt by protons-runtime.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodeEnvelope, encodeEnvelope, newMessageId, type Envelope } from '../envelope.js'
import { generateIdentity } from '../identity.js'
import { LIMITS } from '../limits.js'

test('uint64 fields between 2^31 and 2^32 (a 3 GB file, a send time, versions) survive encode → decode', async () => {
  const [ada, bo] = await Promise.all([generateIdentity(), generateIdentity()])
  for (const value of [
    2 ** 31,
    2 ** 31 + 5,
    2279317278,
    3_000_000_000,
    2 ** 32 - 1,
    2 ** 32,
    2 ** 53 - 1,
    1,
    127,
    128,
  ]) {
    const offer: Envelope = {
      id: newMessageId(),
      sender: ada.peerId,
      to: { peer: bo.peerId },
      sentAt: value,
      kind: 'file-offer',
      file: {
        name: 'big.iso',
        size: Math.min(value, LIMITS.fileMaxBytes),
        sha256: new Uint8Array(32),
      },
    }
    const back = decodeEnvelope(encodeEnvelope(offer))
    assert.equal(back.sentAt, value, `send time ${value}`)
    assert.equal(
      back.kind === 'file-offer' && back.file.size,
      Math.min(value, LIMITS.fileMaxBytes),
      `file size ${value}`,
    )
    const profile: Envelope = {
      ...offer,
      kind: 'profile',
      profile: { name: 'Ada', color: 0xffffff, status: 'online', version: value },
    }
    const again = decodeEnvelope(encodeEnvelope(profile))
    assert.equal(
      again.kind === 'profile' && again.profile.version,
      value,
      `profile version ${value}`,
    )
  }
})
