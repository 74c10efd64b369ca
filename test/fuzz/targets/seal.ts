// The seal opener (shared/seal.ts openSealed, docs/protocol.md §3): every relay message reaches it
// before anything else looks at it, from anyone who can publish to an inbox.
import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import type { Envelope } from '../../../shared/envelope.js'
import type { PigeonErrorCode } from '../../../shared/errors.js'
import { openSealed, seal, SEAL_OVERHEAD, SEAL_VERSION } from '../../../shared/seal.js'
import { envelopeArbitrary, identities } from '../envelopes.js'
import { mutated } from '../mutate.js'
import {
  expectRefusal,
  hex,
  plain,
  PropertyViolation,
  sameBytes,
  type FuzzTarget,
} from '../target.js'

const CODES: PigeonErrorCode[] = [
  'SEAL_TRUNCATED',
  'SEAL_VERSION',
  'SEAL_TAMPERED',
  'SEAL_WRONG_RECIPIENT',
  'SEAL_REPLAY',
]
/** sealed messages made in setup: seal is async, fast-check arbitraries are not */
const POOL = 48

interface Input {
  bytes: Uint8Array
  /** open as the recipient it was sealed for (else as a third person) */
  asRecipient: boolean
}

export const target: FuzzTarget<Input> = {
  name: 'seal',
  attacks:
    'openSealed (shared/seal.ts): random bytes, mutated sealed messages (flips, cuts, splices), opening as the wrong person',
  async setup() {
    const [ada, bo, cy] = await identities(3)
    const peers = [ada!.peerId, bo!.peerId, cy!.peerId]
    // from Ada; to Bo, to a group, or (sealed for Bo all the same) to Cy
    const envelopes = fc.sample(
      envelopeArbitrary(peers).map((e) => ({ ...e, sender: ada!.peerId }) as Envelope),
      { numRuns: POOL, seed: 42 },
    )
    const pool: Array<{ sealed: Uint8Array; envelope: Envelope }> = []
    for (const envelope of envelopes) {
      try {
        pool.push({ sealed: await seal(envelope, ada!, bo!.peerId), envelope })
      } catch (error) {
        expectRefusal(
          error,
          ['ENVELOPE_OVERSIZE', 'ENVELOPE_INVALID_FIELD', 'ENVELOPE_MISSING_FIELD'],
          'seal',
        )
      }
    }
    const valid = fc.constantFrom(...pool.map((p) => p.sealed))
    const bytes = fc.oneof(
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
      {
        weight: 1,
        arbitrary: fc
          .uint8Array({ minLength: SEAL_OVERHEAD - 2, maxLength: 200 })
          .map((b) => Uint8Array.from([SEAL_VERSION, ...b])),
      },
      { weight: 1, arbitrary: valid },
      { weight: 6, arbitrary: mutated(valid) },
    )
    return {
      inputs: fc.record({
        bytes,
        asRecipient: fc.oneof(
          { weight: 4, arbitrary: fc.constant(true) },
          { weight: 1, arbitrary: fc.constant(false) },
        ),
      }),
      async check({ bytes, asRecipient }) {
        let opened: Envelope
        try {
          opened = await openSealed(bytes, asRecipient ? bo! : cy!)
        } catch (error) {
          expectRefusal(error, CODES, 'openSealed')
          return
        }
        // only an unchanged sealed message opens, only for its recipient, to what was sealed
        const original = pool.find((p) => sameBytes(p.sealed, bytes))
        if (original === undefined)
          throw new PropertyViolation('openSealed opened a changed sealed message')
        if (!asRecipient)
          throw new PropertyViolation('openSealed opened a message sealed for someone else')
        if ('peer' in original.envelope.to && original.envelope.to.peer !== bo!.peerId)
          throw new PropertyViolation('openSealed returned an envelope addressed to someone else')
        if (!isDeepStrictEqual(plain(opened), plain(original.envelope)))
          throw new PropertyViolation('open(seal(x)) is not x')
      },
      show: ({ bytes, asRecipient }) =>
        `${asRecipient ? 'as recipient' : 'as a third person'} ${hex(bytes)}`,
    }
  },
}
