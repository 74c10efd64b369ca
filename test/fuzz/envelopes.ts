// Arbitrary envelopes as the app builds them (shared/envelope.ts types), over a pool of real
// identities, for round trips and as the valid inputs that mutations start from.
import fc from 'fast-check'
import { ENVELOPE_LIMITS, GROUP_ID_BYTES, type Envelope } from '../../shared/envelope.js'
import { toBase64url } from '../../shared/base64url.js'
import { generateIdentity, type Identity } from '../../shared/identity.js'
import { LIMITS } from '../../shared/limits.js'
import { MESSAGE_ID_BYTES } from '../../shared/message-id.js'

export async function identities(n: number): Promise<Identity[]> {
  return await Promise.all(Array.from({ length: n }, () => generateIdentity()))
}

const id = fc.uint8Array({ minLength: MESSAGE_ID_BYTES, maxLength: MESSAGE_ID_BYTES })
const groupId = fc
  .uint8Array({ minLength: GROUP_ID_BYTES, maxLength: GROUP_ID_BYTES })
  .map(toBase64url)
// the varint boundaries too: protons-runtime wrote [2^31, 2^32) wrongly (shared/proto/uint64.ts)
const uint = fc.oneof(
  fc.integer({ min: 0, max: 1000 }),
  fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
  fc.integer({ min: 2 ** 31 - 2, max: 2 ** 32 + 2 }),
  fc.constantFrom(2 ** 53 - 1, 2 ** 35, 2 ** 49),
)
// an offer may not exceed the file limit (shared/limits.ts); larger sizes are refused on encode
const fileSize = fc.oneof(
  uint.filter((size) => size <= LIMITS.fileMaxBytes),
  fc.integer({ min: 0, max: LIMITS.fileMaxBytes }),
  fc.constant(LIMITS.fileMaxBytes),
)
const name = fc
  .string({ unit: 'grapheme', maxLength: ENVELOPE_LIMITS.maxNameChars })
  .filter((s) => [...s].length <= ENVELOPE_LIMITS.maxNameChars)

/** strips keys whose value fast-check left undefined: the decoder never produces them */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

export function envelopeArbitrary(
  peers: readonly string[],
  to?: fc.Arbitrary<Envelope['to']>,
): fc.Arbitrary<Envelope> {
  const peer = fc.constantFrom(...peers)
  const recipient =
    to ??
    fc.oneof(
      peer.map((p) => ({ peer: p })),
      groupId.map((g) => ({ group: g })),
    )
  const base = fc.record({ id, sender: peer, to: recipient, sentAt: uint.filter((t) => t > 0) })
  const body = fc.oneof(
    fc
      .record({
        kind: fc.constant('text' as const),
        text: fc.string({ unit: 'binary', maxLength: 200 }),
        replyTo: fc.option(id, { nil: undefined }),
      })
      .map(defined),
    fc.record({
      kind: fc.constant('receipt' as const),
      state: fc.constantFrom('delivered' as const, 'read' as const),
      ids: fc.array(id, { minLength: 1, maxLength: 8 }),
    }),
    fc.record({
      kind: fc.constant('file-offer' as const),
      file: fc
        .record({
          name: fc.string({ unit: 'binary', minLength: 1, maxLength: 60 }),
          size: fileSize,
          sha256: fc.uint8Array({ minLength: 32, maxLength: 32 }),
          mime: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
          directory: fc.option(fc.boolean(), { nil: undefined }),
          blobId: fc.option(fc.string({ maxLength: 30 }), { nil: undefined }),
          blobKey: fc.option(fc.uint8Array({ maxLength: 32 }), { nil: undefined }),
        })
        .map(defined),
    }),
    fc.record({
      kind: fc.constant('group-control' as const),
      control: fc
        .record({
          op: fc.constantFrom(
            'create' as const,
            'add' as const,
            'remove' as const,
            'leave' as const,
            'rename' as const,
          ),
          groupId,
          name: fc.option(name, { nil: undefined }),
          members: fc.array(peer, { maxLength: 4 }),
          version: uint,
          document: fc.option(fc.uint8Array({ maxLength: 64 }), { nil: undefined }),
        })
        .map(defined),
    }),
    fc.record({
      kind: fc.constant('profile' as const),
      profile: fc.record({
        name,
        color: fc.integer({ min: 0, max: 0xffffff }),
        status: fc.constantFrom('online' as const, 'away' as const, 'busy' as const),
        version: uint,
      }),
    }),
    fc.record({ kind: fc.constant('typing' as const), typing: fc.boolean() }),
  )
  return fc.tuple(base, body).map(([b, k]) => ({ ...b, ...k }) as Envelope)
}
