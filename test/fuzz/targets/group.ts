// The signed group document decoder (shared/group.ts, docs/relay.md "Groups"): the relay decodes
// every retained publish to a group's meta topic, from any client, and the app every document a
// group-control message carries.
import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import type { PigeonErrorCode } from '../../../shared/errors.js'
import {
  decodeSignedGroupDocument,
  encodeSignedGroupDocument,
  groupDocumentSigningBytes,
  signGroupDocument,
  verifyGroupChange,
  type GroupDocument,
  type SignedGroupDocument,
} from '../../../shared/group.js'
import { newGroupId } from '../../../shared/topics.js'
import { identities } from '../envelopes.js'
import { mutated } from '../mutate.js'
import { INVALID_UTF8 } from '../protobuf.js'
import {
  expectRefusal,
  hex,
  plain,
  PropertyViolation,
  sameBytes,
  type FuzzTarget,
} from '../target.js'

const DECODE_CODES: PigeonErrorCode[] = ['GROUP_DOC_INVALID']
const VERIFY_CODES: PigeonErrorCode[] = [
  'GROUP_DOC_INVALID',
  'GROUP_VERSION_STALE',
  'GROUP_NOT_AUTHORIZED',
]
const FIELDS = [
  'groupId',
  'name',
  'owner',
  'admins',
  'members',
  'version',
  'signer',
  'signature',
] as const
const utf8 = new TextEncoder()

/** one edit of a document's JSON object: what a hostile client would try */
type Edit =
  | { op: 'set'; field: string; value: unknown }
  | { op: 'delete'; field: string }
  | { op: 'char'; field: string; at: number; char: string }

function applyEdit(object: Record<string, unknown>, edit: Edit): Record<string, unknown> {
  const out = { ...object }
  if (edit.op === 'set') out[edit.field] = edit.value
  else if (edit.op === 'delete') delete out[edit.field]
  else {
    const value = out[edit.field]
    const change = (s: string): string =>
      s.length === 0
        ? edit.char
        : s.slice(0, edit.at % s.length) + edit.char + s.slice((edit.at % s.length) + 1)
    if (typeof value === 'string') out[edit.field] = change(value)
    else if (Array.isArray(value) && value.length > 0)
      out[edit.field] = value.map((v, i) =>
        i === edit.at % value.length && typeof v === 'string' ? change(v) : v,
      )
  }
  return out
}

export const target: FuzzTarget<Uint8Array> = {
  name: 'group',
  attacks:
    'decodeSignedGroupDocument + verifyGroupChange (shared/group.ts): random bytes, mutated signed documents, JSON with wrong types, forged fields, invalid UTF-8',
  async setup() {
    const [owner, admin, alice, bob, mallory] = await identities(5)
    const groupId = newGroupId()
    const base: GroupDocument = {
      groupId,
      name: 'Lunch',
      owner: owner!.peerId,
      admins: [admin!.peerId],
      members: [owner!.peerId, admin!.peerId, alice!.peerId],
      version: 1,
    }
    const pool: SignedGroupDocument[] = await Promise.all([
      signGroupDocument(base, owner!),
      signGroupDocument({ ...base, version: 2, members: [...base.members, bob!.peerId] }, admin!),
      signGroupDocument({ ...base, version: 2, members: [owner!.peerId, admin!.peerId] }, alice!),
      signGroupDocument({ ...base, version: 3, name: 'Dinner 🍝' }, owner!),
      signGroupDocument(
        { ...base, version: 2, admins: [], members: [...base.members, mallory!.peerId] },
        mallory!,
      ),
      signGroupDocument(
        {
          ...base,
          groupId: newGroupId(),
          owner: bob!.peerId,
          admins: [],
          members: [bob!.peerId],
          version: 9_007_199_254_740_991,
        },
        bob!,
      ),
    ])
    const signedBytes = new Set(
      pool.map((d) => hex(groupDocumentSigningBytes(d)) + d.signer + hex(d.signature)),
    )
    const encoded = pool.map(encodeSignedGroupDocument)
    const peer = fc.constantFrom(...[owner, admin, alice, bob, mallory].map((p) => p!.peerId))
    const field = fc.oneof(
      fc.constantFrom(...FIELDS),
      fc.constantFrom('__proto__', 'constructor', 'extra', ''),
    )
    const value = fc.oneof(
      fc.jsonValue({ maxDepth: 2 }),
      peer,
      fc.array(peer, { maxLength: 5 }),
      fc.constantFrom(
        0,
        -1,
        1.5,
        2 ** 53,
        1e308,
        -0,
        '',
        'x'.repeat(100),
        'x'.repeat(101),
        '\ud800',
        groupId,
        pool[0]!.signature.length,
      ),
    )
    const edit: fc.Arbitrary<Edit> = fc.oneof(
      fc.record({ op: fc.constant('set' as const), field, value }),
      fc.record({ op: fc.constant('delete' as const), field }),
      fc.record({
        op: fc.constant('char' as const),
        field: fc.constantFrom(...FIELDS),
        at: fc.nat(),
        char: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
      }),
    )
    const edited = fc
      .tuple(fc.constantFrom(...encoded), fc.array(edit, { minLength: 1, maxLength: 3 }))
      .map(([bytes, edits]) =>
        utf8.encode(
          JSON.stringify(
            edits.reduce(
              applyEdit,
              JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>,
            ),
          ),
        ),
      )
    const badUtf8 = fc
      .tuple(fc.constantFrom(...encoded), fc.constantFrom(...INVALID_UTF8))
      .map(([bytes, bad]) => {
        const at = Buffer.from(bytes).indexOf('Lunch')
        const out = Uint8Array.from(bytes)
        if (at >= 0) out.set(bad.subarray(0, 5), at)
        return out
      })
    return {
      inputs: fc.oneof(
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 300 }) },
        { weight: 1, arbitrary: fc.constantFrom(...encoded) },
        { weight: 3, arbitrary: mutated(fc.constantFrom(...encoded)) },
        { weight: 4, arbitrary: edited },
        { weight: 1, arbitrary: badUtf8 },
      ),
      async check(bytes) {
        let doc: SignedGroupDocument
        try {
          doc = decodeSignedGroupDocument(bytes)
        } catch (error) {
          expectRefusal(error, DECODE_CODES, 'decodeSignedGroupDocument')
          return
        }
        let back: SignedGroupDocument
        try {
          back = decodeSignedGroupDocument(encodeSignedGroupDocument(doc))
        } catch (error) {
          throw new PropertyViolation('a decoded document does not decode again after encoding', {
            cause: error,
          })
        }
        if (!isDeepStrictEqual(plain(back), plain(doc)))
          throw new PropertyViolation('encode(decode(b)) decodes to another document')
        for (const current of [undefined, pool[0]]) {
          try {
            await verifyGroupChange(current, doc)
          } catch (error) {
            expectRefusal(error, VERIFY_CODES, 'verifyGroupChange')
            continue
          }
          // a verified document carries a real signature: only the ones made in setup exist
          if (
            !signedBytes.has(hex(groupDocumentSigningBytes(doc)) + doc.signer + hex(doc.signature))
          )
            throw new PropertyViolation('verifyGroupChange accepted a document nobody signed')
        }
        if (
          encoded.some((e) => sameBytes(e, bytes)) &&
          !isDeepStrictEqual(plain(doc), plain(pool[encoded.findIndex((e) => sameBytes(e, bytes))]))
        ) {
          throw new PropertyViolation('decode(encode(x)) is not x')
        }
      },
      show: (bytes) =>
        `${hex(bytes)} (${JSON.stringify(new TextDecoder().decode(bytes)).slice(0, 400)})`,
    }
  },
}
