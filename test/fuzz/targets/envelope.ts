// The envelope decoder (shared/envelope.ts decodeEnvelope, docs/protocol.md §2): every byte of a
// LAN frame or an opened relay message reaches it from a peer.
import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import { decodeEnvelope, encodeEnvelope, type Envelope } from '../../../shared/envelope.js'
import type { PigeonErrorCode } from '../../../shared/errors.js'
import { envelopeArbitrary, identities } from '../envelopes.js'
import { mutated } from '../mutate.js'
import {
  anyVarint,
  bytesField,
  encodeFields,
  INVALID_UTF8,
  message,
  messageField,
  nearly,
  noiseField,
  stringBytes,
  varintField,
  type Field,
} from '../protobuf.js'
import { expectRefusal, hex, plain, PropertyViolation, type FuzzTarget } from '../target.js'

const CODES: PigeonErrorCode[] = [
  'ENVELOPE_TRUNCATED',
  'ENVELOPE_MALFORMED',
  'ENVELOPE_UNKNOWN_KIND',
  'ENVELOPE_MISSING_FIELD',
  'ENVELOPE_OVERSIZE',
  'ENVELOPE_INVALID_FIELD',
]
const utf8 = new TextEncoder()

type Input =
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'valid'; envelope: Envelope }
  | { kind: 'bad-utf8'; bytes: Uint8Array }

function stringsOf(e: Envelope): string[] {
  switch (e.kind) {
    case 'text':
      return [e.text]
    case 'file-offer':
      return [e.file.name, e.file.mime ?? '', e.file.blobId ?? '']
    case 'group-control':
      return [e.control.name ?? '']
    case 'profile':
      return [e.profile.name]
    default:
      return []
  }
}

function contains(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).includes(
    Buffer.from(needle),
  )
}

/** decode, and if it decodes: every string came from valid UTF-8, and the value round-trips */
function decodesOrRefuses(bytes: Uint8Array): Envelope | undefined {
  let envelope: Envelope
  try {
    envelope = decodeEnvelope(bytes)
  } catch (error) {
    expectRefusal(error, CODES, 'decodeEnvelope')
    return undefined
  }
  // proto3 strings are UTF-8 [protobuf.dev "Scalar Value Types"]. A string decoded from valid UTF-8
  // encodes back to the very bytes it came from, so its bytes are somewhere in the input; one
  // decoded from invalid UTF-8 (U+FFFD, a lone surrogate, a dropped byte) is not.
  // Invalid UTF-8 must be refused with ENVELOPE_INVALID_FIELD, never decoded (docs/protocol.md §2
  // "Strings are strict UTF-8"; protons-runtime alone would decode it leniently).
  for (const text of stringsOf(envelope)) {
    if (!contains(bytes, utf8.encode(text)))
      throw new PropertyViolation(
        `decodeEnvelope accepted invalid UTF-8 and decoded ${JSON.stringify(text.slice(0, 40))}; expected ENVELOPE_INVALID_FIELD`,
      )
  }
  let again: Uint8Array
  try {
    again = encodeEnvelope(envelope)
  } catch (error) {
    throw new PropertyViolation('decodeEnvelope returned an envelope that encodeEnvelope refuses', {
      cause: error,
    })
  }
  let back: Envelope
  try {
    back = decodeEnvelope(again)
  } catch (error) {
    throw new PropertyViolation('encode(decode(b)) does not decode', { cause: error })
  }
  if (!isDeepStrictEqual(plain(back), plain(envelope)))
    throw new PropertyViolation('encode(decode(b)) does not decode to the same envelope')
  return envelope
}

/** a text envelope whose text bytes are replaced, in place (same length), by an invalid sequence */
function withInvalidText(
  encoded: Uint8Array,
  marker: Uint8Array,
  bad: Uint8Array,
  at: number,
): Uint8Array {
  const start = Buffer.from(encoded).indexOf(marker)
  const out = encoded.slice()
  out.set(bad, start + (at % (marker.length - bad.length + 1)))
  return out
}

export const target: FuzzTarget<Input> = {
  name: 'envelope',
  attacks:
    'decodeEnvelope (shared/envelope.ts): random bytes, mutated valid envelopes, near-valid protobuf, invalid UTF-8 in strings',
  async setup() {
    const people = await identities(4)
    const peers = people.map((p) => p.peerId)
    const keys = people.map((p) => p.publicKey)
    const valid = envelopeArbitrary(peers)
    const validBytes = valid.map((e) => encodeEnvelope(e))
    const key = fc.oneof(
      { weight: 5, arbitrary: fc.constantFrom(...keys) },
      { weight: 1, arbitrary: fc.uint8Array({ minLength: 31, maxLength: 33 }) },
    )
    const id = fc.oneof(
      { weight: 5, arbitrary: fc.uint8Array({ minLength: 16, maxLength: 16 }) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 20 }) },
    )
    const strings = (no: number): fc.Arbitrary<Field[]> => nearly(bytesField(no, stringBytes()), no)
    const varints = (no: number, value?: fc.Arbitrary<bigint>): fc.Arbitrary<Field[]> =>
      nearly(varintField(no, value), no)
    const bytes = (no: number, b: fc.Arbitrary<Uint8Array>): fc.Arbitrary<Field[]> =>
      nearly(bytesField(no, b), no)
    const small = fc.bigInt({ min: 0n, max: 5n })
    const bodies: Array<fc.Arbitrary<Field[]>> = [
      message([strings(1), bytes(2, id)]),
      message([
        varints(1, small),
        fc.array(bytesField(2, id), { maxLength: 6 }),
        fc.oneof(
          { weight: 20, arbitrary: fc.constant<Field[]>([]) },
          { weight: 1, arbitrary: fc.array(bytesField(2, id), { minLength: 255, maxLength: 258 }) },
        ),
      ]),
      message([
        strings(1),
        varints(2),
        bytes(3, fc.uint8Array({ minLength: 32, maxLength: 32 })),
        strings(4),
        varints(5, small),
        strings(6),
        bytes(7, fc.uint8Array({ maxLength: 32 })),
      ]),
      message([
        varints(1, small),
        bytes(2, id),
        strings(3),
        fc.array(bytesField(4, key), { maxLength: 4 }),
        varints(5),
        bytes(6, fc.uint8Array({ maxLength: 40 })),
      ]),
      message([
        strings(1),
        varints(2, fc.oneof(fc.bigInt({ min: 0n, max: 0xffffffn }), anyVarint)),
        varints(3, small),
        varints(4),
      ]),
      message([varints(1, small)]),
    ]
    const body = fc.oneof(...bodies.map((fields, i) => messageField(8 + i, fields).map((f) => [f])))
    const nearValid = message([
      bytes(1, id),
      bytes(2, key),
      fc.oneof(bytes(3, key), bytes(4, fc.uint8Array({ minLength: 16, maxLength: 16 }))),
      varints(5, fc.oneof(fc.bigInt({ min: 1n, max: 2n ** 53n }), anyVarint)),
      body,
      fc.array(noiseField, { maxLength: 2 }),
    ]).map(encodeFields)

    const marker = utf8.encode('MARKER-0123456789')
    const badUtf8 = fc
      .tuple(
        envelopeArbitrary(peers, fc.constant({ peer: peers[1]! })),
        fc.constantFrom(...INVALID_UTF8),
        fc.nat(),
      )
      .map(([e, bad, at]) =>
        withInvalidText(
          encodeEnvelope({ ...e, kind: 'text', text: 'MARKER-0123456789' } as Envelope),
          marker,
          bad,
          at,
        ),
      )

    return {
      inputs: fc.oneof(
        {
          weight: 2,
          arbitrary: fc
            .uint8Array({ maxLength: 200 })
            .map((b) => ({ kind: 'bytes' as const, bytes: b })),
        },
        {
          weight: 4,
          arbitrary: mutated(validBytes).map((b) => ({ kind: 'bytes' as const, bytes: b })),
        },
        { weight: 4, arbitrary: nearValid.map((b) => ({ kind: 'bytes' as const, bytes: b })) },
        { weight: 2, arbitrary: valid.map((e) => ({ kind: 'valid' as const, envelope: e })) },
        { weight: 1, arbitrary: badUtf8.map((b) => ({ kind: 'bad-utf8' as const, bytes: b })) },
      ),
      check(input) {
        if (input.kind === 'bytes') {
          decodesOrRefuses(input.bytes)
          return
        }
        if (input.kind === 'bad-utf8') {
          // a valid text with one invalid UTF-8 sequence in place: refused, ENVELOPE_INVALID_FIELD
          try {
            decodeEnvelope(input.bytes)
          } catch (error) {
            expectRefusal(error, ['ENVELOPE_INVALID_FIELD'], 'decodeEnvelope of invalid UTF-8')
            return
          }
          throw new PropertyViolation(
            'decodeEnvelope accepted a text with invalid UTF-8; expected ENVELOPE_INVALID_FIELD',
          )
        }
        let bytes: Uint8Array
        try {
          bytes = encodeEnvelope(input.envelope)
        } catch (error) {
          expectRefusal(error, CODES, 'encodeEnvelope')
          return
        }
        const back = decodesOrRefuses(bytes)
        if (back === undefined)
          throw new PropertyViolation('decodeEnvelope refused what encodeEnvelope made')
        if (!isDeepStrictEqual(plain(back), plain(input.envelope)))
          throw new PropertyViolation('decode(encode(x)) is not x')
      },
      show(input) {
        return input.kind === 'valid'
          ? JSON.stringify(plain(input.envelope))
          : `${input.kind} ${hex(input.bytes)}`
      },
    }
  },
}
