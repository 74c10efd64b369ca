// The relay token verifier (shared/relay-token.ts, docs/protocol.md §5): the relay runs it on the
// password of every CONNECT, from anyone who can reach its port, with a user name they choose.
import fc from 'fast-check'
import { fromBase64url, toBase64url } from '../../../shared/base64url.js'
import type { PigeonErrorCode } from '../../../shared/errors.js'
import {
  createRelayToken,
  DEFAULT_TOKEN_WINDOW_MS,
  verifyRelayToken,
  type TokenSpender,
  type VerifyTokenOptions,
} from '../../../shared/relay-token.js'
import { identities } from '../envelopes.js'
import { mutated } from '../mutate.js'
import { expectRefusal, hex, PropertyViolation, sameBytes, type FuzzTarget } from '../target.js'

const CODES: PigeonErrorCode[] = [
  'TOKEN_MALFORMED',
  'TOKEN_EXPIRED',
  'TOKEN_FROM_FUTURE',
  'TOKEN_WRONG_RELAY',
  'TOKEN_BAD_SIGNATURE',
  'TOKEN_REPLAYED',
]
const ISSUED_AT = 1_780_000_000_000

/**
 * A fresh record of spent tokens for one input, in memory: what relay/spent-tokens.ts keeps on
 * disk, so a token accepted once is TOKEN_REPLAYED the second time (docs/protocol.md §5).
 */
function spentTokens(): TokenSpender {
  const spent = new Set<string>()
  return { spend: async (key: string) => !spent.has(key) && spent.add(key) !== undefined }
}
const PREFIX = 'v1.'

interface Input {
  token: string | Uint8Array
  peerId: string
  /** the relay's clock, relative to when the pool's tokens were made */
  skewMs: number
}

function tokenBytes(token: string | Uint8Array): Uint8Array | undefined {
  const text = typeof token === 'string' ? token : new TextDecoder().decode(token)
  if (!text.startsWith(PREFIX)) return undefined
  try {
    return fromBase64url(text.slice(PREFIX.length))
  } catch {
    return undefined
  }
}

export const target: FuzzTarget<Input> = {
  name: 'relay-token',
  attacks:
    'verifyRelayToken (shared/relay-token.ts): random passwords and user names, mutated tokens (bytes and text), tokens for another relay or user, skewed clocks, replays',
  async setup() {
    const [relay, ada, bo, otherRelay] = await identities(4)
    const made = await Promise.all([
      ...[0, 1, 2].map(() => createRelayToken(ada!, relay!.peerId, ISSUED_AT)),
      createRelayToken(bo!, relay!.peerId, ISSUED_AT),
      createRelayToken(ada!, otherRelay!.peerId, ISSUED_AT),
    ])
    const pool = made.map((token, i) => ({
      token,
      bytes: tokenBytes(token)!,
      peerId: i === 3 ? bo!.peerId : ada!.peerId,
      forThisRelay: i !== 4,
    }))
    const token = fc.constantFrom(...pool.map((p) => p.token))
    const bytes = fc.constantFrom(...pool.map((p) => p.bytes))
    const tokenText = fc.oneof(
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 140 }) },
      {
        weight: 1,
        arbitrary: fc
          .string({ unit: fc.constantFrom(...'ABCDEFabcdef0123456789-_=+/.'), maxLength: 140 })
          .map((s) => PREFIX + s),
      },
      { weight: 1, arbitrary: token },
      { weight: 4, arbitrary: mutated(bytes).map((b) => PREFIX + toBase64url(b)) },
      {
        weight: 2,
        arbitrary: mutated(token.map((t) => new TextEncoder().encode(t))).map((b) =>
          new TextDecoder().decode(b),
        ),
      },
      { weight: 1, arbitrary: mutated(token.map((t) => new TextEncoder().encode(t))) },
    )
    const peerId = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(ada!.peerId, bo!.peerId, relay!.peerId) },
      { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
      {
        weight: 1,
        arbitrary: fc
          .tuple(
            fc.constantFrom(ada!.peerId, bo!.peerId),
            fc.nat(),
            fc.constantFrom(...'123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz0Il'),
          )
          .map(([p, at, c]) => p.slice(0, at % p.length) + c + p.slice((at % p.length) + 1)),
      },
    )
    const skewMs = fc.oneof(
      fc.integer({ min: -1000, max: 1000 }),
      fc.integer({ min: -3 * DEFAULT_TOKEN_WINDOW_MS, max: 3 * DEFAULT_TOKEN_WINDOW_MS }),
      fc.constantFrom(
        DEFAULT_TOKEN_WINDOW_MS,
        -DEFAULT_TOKEN_WINDOW_MS,
        DEFAULT_TOKEN_WINDOW_MS + 1,
        -DEFAULT_TOKEN_WINDOW_MS - 1,
      ),
    )
    return {
      inputs: fc.record({ token: tokenText, peerId, skewMs }),
      async check(input) {
        const options: VerifyTokenOptions = {
          peerId: input.peerId,
          relayId: relay!.peerId,
          now: ISSUED_AT + input.skewMs,
          spent: spentTokens(),
        }
        try {
          await verifyRelayToken(input.token, options)
        } catch (error) {
          expectRefusal(error, CODES, 'verifyRelayToken')
          return
        }
        // accepted: it must be one of the tokens made, by the user named, for this relay, in time
        const decoded = tokenBytes(input.token)
        const original =
          decoded === undefined ? undefined : pool.find((p) => sameBytes(p.bytes, decoded))
        if (original === undefined)
          throw new PropertyViolation('verifyRelayToken accepted a token nobody made')
        if (original.peerId !== input.peerId)
          throw new PropertyViolation('verifyRelayToken accepted a token for another user')
        if (!original.forThisRelay)
          throw new PropertyViolation('verifyRelayToken accepted a token for another relay')
        if (Math.abs(input.skewMs) > DEFAULT_TOKEN_WINDOW_MS)
          throw new PropertyViolation('verifyRelayToken accepted a token outside its window')
        // single use: the same token again is a replay
        try {
          await verifyRelayToken(input.token, options)
        } catch (error) {
          expectRefusal(error, ['TOKEN_REPLAYED'], 'verifyRelayToken of a replayed token')
          return
        }
        throw new PropertyViolation('verifyRelayToken accepted the same token twice')
      },
      show: (input) =>
        `${typeof input.token === 'string' ? JSON.stringify(input.token) : `bytes ${hex(input.token)}`} user ${JSON.stringify(input.peerId)} skew ${input.skewMs} ms`,
    }
  },
}
