import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { isPigeonError, type PigeonErrorCode } from './errors.js'
import {
  decodeEnvelope,
  encodeEnvelope,
  ENVELOPE_LIMITS,
  messageIdFromString,
  messageIdTime,
  messageIdToString,
  newMessageId,
  type Envelope,
} from './envelope.js'
import { generateIdentity } from './identity.js'
import { newGroupId } from './topics.js'
import * as pb from './proto/envelope.js'

const alice = await generateIdentity()
const bob = await generateIdentity()
const carol = await generateIdentity()
const peers = [alice.peerId, bob.peerId, carol.peerId]
const CASES = Number(process.env.PIGEON_FUZZ_CASES ?? 100_000)

function code(expected: PigeonErrorCode) {
  return (error: unknown) => isPigeonError(error) && error.code === expected
}

function text(overrides: Partial<Envelope> = {}): Envelope {
  return {
    id: newMessageId(),
    sender: alice.peerId,
    to: { peer: bob.peerId },
    sentAt: Date.now(),
    kind: 'text',
    text: '你好, Bob',
    ...overrides,
  } as Envelope
}

const id = fc.uint8Array({ minLength: 16, maxLength: 16 })
const peer = fc.constantFrom(...peers)
const recipient = fc.oneof(
  peer.map((p) => ({ peer: p })),
  fc.constant(null).map(() => ({ group: newGroupId() })),
)
const base = fc.record({
  id,
  sender: peer,
  to: recipient,
  sentAt: fc.integer({ min: 1, max: 2 ** 47 }),
})
const body = fc.oneof(
  fc.record({
    kind: fc.constant('text' as const),
    text: fc.string({ unit: 'grapheme', maxLength: 200 }),
  }),
  // a reply that mentions people (docs/protocol.md §2, §8)
  fc.record({
    kind: fc.constant('text' as const),
    text: fc.string({ unit: 'grapheme', maxLength: 50 }),
    replyTo: id,
    mentions: fc.subarray(peers, { minLength: 1 }),
  }),
  fc.record({ kind: fc.constant('recall' as const), recall: fc.record({ id }) }),
  fc.record({
    kind: fc.constant('receipt' as const),
    state: fc.constantFrom('delivered' as const, 'read' as const),
    ids: fc.array(id, { minLength: 1, maxLength: 5 }),
  }),
  fc.record({
    kind: fc.constant('file-offer' as const),
    file: fc.record({
      name: fc.string({ minLength: 1, maxLength: 40 }),
      size: fc.nat(),
      sha256: fc.uint8Array({ minLength: 32, maxLength: 32 }),
    }),
  }),
  fc.record({
    kind: fc.constant('group-control' as const),
    control: fc.record({
      op: fc.constantFrom(
        'create' as const,
        'add' as const,
        'remove' as const,
        'leave' as const,
        'rename' as const,
      ),
      groupId: fc.constant(null).map(() => newGroupId()),
      members: fc.subarray(peers),
      version: fc.nat(),
    }),
  }),
  fc.record({
    kind: fc.constant('profile' as const),
    profile: fc.record(
      {
        name: fc.string({ maxLength: 20 }),
        color: fc.integer({ min: 0, max: 0xffffff }),
        status: fc.constantFrom('online' as const, 'away' as const, 'busy' as const),
        version: fc.nat(),
        // optional (docs/protocol.md §2): an older sender leaves them out
        workgroup: fc.string({ maxLength: 20 }),
        host: fc.string({ maxLength: 40 }),
      },
      { requiredKeys: ['name', 'color', 'status', 'version'] },
    ),
  }),
  fc.record({ kind: fc.constant('typing' as const), typing: fc.boolean() }),
)
const envelope = fc.tuple(base, body).map(([b, k]) => ({ ...b, ...k }) as Envelope)

test('any valid envelope survives encode → decode unchanged', () => {
  fc.assert(
    fc.property(envelope, (original) => {
      assert.deepEqual(decodeEnvelope(encodeEnvelope(original)), structuredClone(original))
    }),
    { numRuns: 2_000 },
  )
})

test('random bytes never crash the decoder: a valid envelope or a typed error', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
      try {
        decodeEnvelope(bytes)
      } catch (error) {
        assert.ok(
          isPigeonError(error) && error.code.startsWith('ENVELOPE_'),
          `untyped error: ${String(error)}`,
        )
      }
    }),
    { numRuns: CASES },
  )
})

test('a mutated valid envelope never crashes the decoder', () => {
  fc.assert(
    fc.property(envelope, fc.nat(), fc.integer({ min: 1, max: 255 }), (original, at, xor) => {
      const bytes = encodeEnvelope(original)
      bytes[at % bytes.length]! ^= xor
      try {
        decodeEnvelope(bytes)
      } catch (error) {
        assert.ok(
          isPigeonError(error) && error.code.startsWith('ENVELOPE_'),
          `untyped error: ${String(error)}`,
        )
      }
    }),
    { numRuns: 20_000 },
  )
})

test('a truncated envelope is refused as truncated or incomplete, never half-decoded', () => {
  const bytes = encodeEnvelope(text())
  for (let length = 0; length < bytes.length; length++) {
    assert.throws(
      () => decodeEnvelope(bytes.subarray(0, length)),
      (e) =>
        isPigeonError(e) &&
        [
          'ENVELOPE_TRUNCATED',
          'ENVELOPE_MISSING_FIELD',
          'ENVELOPE_UNKNOWN_KIND',
          'ENVELOPE_INVALID_FIELD',
        ].includes(e.code),
    )
  }
  assert.throws(
    () => decodeEnvelope(bytes.subarray(0, bytes.length - 3)),
    code('ENVELOPE_TRUNCATED'),
  )
})

test('missing fields, unknown kinds and oversize input get their own codes', () => {
  const valid = pb.Envelope.decode(encodeEnvelope(text()))
  assert.throws(
    () => decodeEnvelope(pb.Envelope.encode({ ...valid, id: new Uint8Array(0) })),
    code('ENVELOPE_MISSING_FIELD'),
  )
  assert.throws(
    () => decodeEnvelope(pb.Envelope.encode({ ...valid, sender: new Uint8Array(0) })),
    code('ENVELOPE_MISSING_FIELD'),
  )
  assert.throws(
    () => decodeEnvelope(pb.Envelope.encode({ ...valid, toPeer: undefined })),
    code('ENVELOPE_MISSING_FIELD'),
  )
  assert.throws(
    () => decodeEnvelope(pb.Envelope.encode({ ...valid, text: undefined })),
    code('ENVELOPE_UNKNOWN_KIND'),
  )
  assert.throws(
    () => decodeEnvelope(pb.Envelope.encode({ ...valid, id: new Uint8Array(15) })),
    code('ENVELOPE_INVALID_FIELD'),
  )
  assert.throws(
    () => decodeEnvelope(pb.Envelope.encode({ ...valid, typing: { typing: true } })),
    code('ENVELOPE_MALFORMED'),
  )
  // a body field from a future version (field 30) is an unknown kind, not a crash
  const future = new Uint8Array([
    ...pb.Envelope.encode({ ...valid, text: undefined }),
    0xf2,
    0x01,
    0x01,
    0x00,
  ])
  assert.throws(() => decodeEnvelope(future), code('ENVELOPE_UNKNOWN_KIND'))
  const long = 'x'.repeat(ENVELOPE_LIMITS.maxTextBytes + 1)
  assert.throws(
    () => encodeEnvelope(text({ text: long } as Partial<Envelope>)),
    code('ENVELOPE_OVERSIZE'),
  )
  assert.throws(
    () =>
      decodeEnvelope(
        pb.Envelope.encode({
          ...valid,
          text: { text: new TextEncoder().encode(long), mentions: [] },
        }),
      ),
    code('ENVELOPE_OVERSIZE'),
  )
  assert.throws(
    () => decodeEnvelope(new Uint8Array(ENVELOPE_LIMITS.maxBytes + 1)),
    code('ENVELOPE_OVERSIZE'),
  )
  const manyIds = Array.from({ length: ENVELOPE_LIMITS.maxReceiptIds + 1 }, () =>
    newMessageId(),
  ) as Array<Uint8Array<ArrayBuffer>>
  assert.throws(
    () =>
      decodeEnvelope(
        pb.Envelope.encode({
          ...valid,
          text: undefined,
          receipt: { state: pb.Receipt.State.READ, ids: manyIds },
        }),
      ),
    code('ENVELOPE_OVERSIZE'),
  )
})

test('message ids are UUIDv7, strictly increasing within one process, and carry their time', () => {
  const now = Date.now() + 60_000
  const ids = Array.from({ length: 5_000 }, () => newMessageId(now))
  for (let i = 1; i < ids.length; i++) {
    assert.ok(
      messageIdToString(ids[i - 1]!) < messageIdToString(ids[i]!),
      `id ${i} not after id ${i - 1}`,
    )
  }
  const first = ids[0]!
  assert.equal(first[6]! >> 4, 7, 'version 7')
  assert.equal(first[8]! >> 6, 2, 'variant 10')
  assert.ok(messageIdTime(first) >= now && messageIdTime(first) <= now + 2)
  assert.deepEqual(messageIdFromString(messageIdToString(first)), first)
  assert.throws(() => messageIdFromString('nope'), code('ENVELOPE_INVALID_FIELD'))
})

test('a 20-character text message stays compact on the wire', () => {
  const bytes = encodeEnvelope(text({ text: 'see you at 3pm, ok?!' } as Partial<Envelope>))
  // 16 id + 32 sender + 32 recipient + 6 time + 20 text + 11 tags/lengths
  assert.ok(bytes.length <= 120, `${bytes.length} bytes`)
})

test('text fields are strict UTF-8 on the way in and out: nothing is dropped, replaced or let through', () => {
  const valid = pb.Envelope.decode(encodeEnvelope(text()))
  const withText = (bytes: number[]): Uint8Array =>
    pb.Envelope.encode({ ...valid, text: { text: new Uint8Array(bytes), mentions: [] } })
  // a stray byte (protons-runtime decoded 61 ff 62 as "a\ufffd" and lost the b), an overlong NUL,
  // UTF-8-encoded surrogates (lone, and as a pair), a cut-off sequence, a code point above U+10FFFF
  for (const bad of [
    [0x61, 0xff, 0x62],
    [0xc0, 0x80],
    [0xed, 0xa0, 0x80],
    [0xed, 0xa0, 0xbd, 0xed, 0xb8, 0x80],
    [0xe4, 0xbd],
    [0xf4, 0x90, 0x80, 0x80],
  ]) {
    assert.throws(
      () => decodeEnvelope(withText(bad)),
      code('ENVELOPE_INVALID_FIELD'),
      bad.map((b) => b.toString(16)).join(' '),
    )
  }
  const profile = pb.Envelope.encode({
    ...valid,
    text: undefined,
    profile: {
      name: new Uint8Array([0x41, 0x80]),
      color: 0,
      status: pb.Profile.Status.ONLINE,
      version: 1n,
    },
  })
  assert.throws(() => decodeEnvelope(profile), code('ENVELOPE_INVALID_FIELD'))
  // valid text round-trips exactly, a leading byte-order mark and an emoji included
  for (const ok of ['\ufeffhi', '😀 你好', 'a\u0000b']) {
    assert.equal(
      (decodeEnvelope(encodeEnvelope(text({ text: ok } as Partial<Envelope>))) as { text: string })
        .text,
      ok,
    )
  }
  // a lone surrogate has no UTF-8 form: refused before it is sent, not silently replaced
  for (const lone of ['a\ud800b', '\udc00', 'x\ud83d']) {
    assert.throws(
      () => encodeEnvelope(text({ text: lone } as Partial<Envelope>)),
      code('ENVELOPE_INVALID_FIELD'),
    )
  }
})

test("a profile's workgroup and host travel when present, are absent when not, and have limits", () => {
  const profile = (extra: object): Envelope =>
    ({
      ...text(),
      kind: 'profile',
      profile: { name: 'Bob', color: 1, status: 'online', version: 2, ...extra },
    }) as Envelope
  const both = decodeEnvelope(encodeEnvelope(profile({ workgroup: '研发部', host: 'hostA' })))
  assert.deepEqual(both.kind === 'profile' && both.profile, {
    name: 'Bob',
    color: 1,
    status: 'online',
    version: 2,
    workgroup: '研发部',
    host: 'hostA',
  })
  const none = decodeEnvelope(encodeEnvelope(profile({})))
  assert.deepEqual(none.kind === 'profile' && Object.keys(none.profile).sort(), [
    'color',
    'name',
    'status',
    'version',
  ])
  assert.throws(
    () => encodeEnvelope(profile({ workgroup: 'x'.repeat(65) })),
    code('ENVELOPE_OVERSIZE'),
  )
  assert.throws(() => encodeEnvelope(profile({ host: 'h'.repeat(254) })), code('ENVELOPE_OVERSIZE'))
})
