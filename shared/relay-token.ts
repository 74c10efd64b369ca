// The relay auth token: the MQTT CONNECT password (username and client id are the PeerId).
// Signed with the user's key, bound to one relay's id, valid for a short window, single-use
// (docs/protocol.md §5). Text, so any MQTT client can pass it (mosquitto_pub -P).
//
//   token = "v1." + base64url( issuedAt u48 ms | nonce (8) | relay hint (4) | signature (64) )
//   signature = Ed25519(client key, "pigeon/relay-auth/v1" | relay key (32) | client key (32) |
//                       issuedAt | nonce)
//
// The relay hint (first 4 bytes of the relay's key) lets the relay tell "a token for another
// relay" (wrong URL in settings) from "a forged token".
import { randomBytes } from '@noble/hashes/utils.js'
import { concatBytes, equalBytes } from '@noble/ciphers/utils.js'
import { fromBase64url, toBase64url } from './base64url.js'
import { PigeonError } from './errors.js'
import { publicKeyFromPeerId, sign, verify, type Identity } from './identity.js'

const PREFIX = 'v1.'
const DOMAIN = new TextEncoder().encode('pigeon/relay-auth/v1')
const TIME_BYTES = 6
const NONCE_BYTES = 8
const HINT_BYTES = 4
const SIGNATURE_BYTES = 64
const TOKEN_BYTES = TIME_BYTES + NONCE_BYTES + HINT_BYTES + SIGNATURE_BYTES
export const DEFAULT_TOKEN_WINDOW_MS = 120_000

function timeBytes(ms: number): Uint8Array {
  const out = new Uint8Array(TIME_BYTES)
  let rest = ms
  for (let i = TIME_BYTES - 1; i >= 0; i--) {
    out[i] = rest % 256
    rest = Math.floor(rest / 256)
  }
  return out
}

function readTime(bytes: Uint8Array): number {
  let ms = 0
  for (let i = 0; i < TIME_BYTES; i++) ms = ms * 256 + (bytes[i] ?? 0)
  return ms
}

function signedPart(
  relayKey: Uint8Array,
  clientKey: Uint8Array,
  time: Uint8Array,
  nonce: Uint8Array,
): Uint8Array {
  return concatBytes(DOMAIN, relayKey, clientKey, time, nonce)
}

/** Makes a fresh token; make a new one for every (re)connect, since the relay accepts each once. */
export async function createRelayToken(
  identity: Identity,
  relayId: string,
  now: number = Date.now(),
): Promise<string> {
  const relayKey = publicKeyFromPeerId(relayId)
  const time = timeBytes(now)
  const nonce = randomBytes(NONCE_BYTES)
  const signature = await sign(identity, signedPart(relayKey, identity.publicKey, time, nonce))
  return PREFIX + toBase64url(concatBytes(time, nonce, relayKey.subarray(0, HINT_BYTES), signature))
}

/**
 * The relay's record of spent tokens (relay/spent-tokens.ts): every use of a token — CONNECT or
 * invite redemption — spends it in the same record, so a token is accepted once, for one thing.
 */
export interface TokenSpender {
  /** false when `key` was spent before; otherwise records it, durably, until `keepUntil` (ms) */
  spend(key: string, keepUntil: number): Promise<boolean>
}

export interface VerifyTokenOptions {
  /** the PeerId the client claims (CONNECT username and client id) */
  peerId: string
  /** this relay's PeerId */
  relayId: string
  now?: number
  windowMs?: number
  /** where the token is spent; without it the token is only checked */
  spent?: TokenSpender
}

function malformed(reason: string): PigeonError {
  return new PigeonError(
    'TOKEN_MALFORMED',
    `The relay password is not a Pigeon token (${reason}); the app makes it, don't type one by hand.`,
  )
}

/** Throws a PigeonError with a TOKEN_* code unless the token is good; consumes it. */
export async function verifyRelayToken(
  token: string | Uint8Array,
  options: VerifyTokenOptions,
): Promise<void> {
  const text = typeof token === 'string' ? token : new TextDecoder().decode(token)
  if (!text.startsWith(PREFIX)) throw malformed('unknown version')
  let bytes: Uint8Array
  try {
    bytes = fromBase64url(text.slice(PREFIX.length))
  } catch {
    throw malformed('not base64url')
  }
  if (bytes.length !== TOKEN_BYTES)
    throw malformed(`${bytes.length} bytes instead of ${TOKEN_BYTES}`)

  const time = bytes.subarray(0, TIME_BYTES)
  const nonce = bytes.subarray(TIME_BYTES, TIME_BYTES + NONCE_BYTES)
  const hint = bytes.subarray(TIME_BYTES + NONCE_BYTES, TIME_BYTES + NONCE_BYTES + HINT_BYTES)
  const signature = bytes.subarray(TOKEN_BYTES - SIGNATURE_BYTES)
  const relayKey = publicKeyFromPeerId(options.relayId)
  let clientKey: Uint8Array
  try {
    clientKey = publicKeyFromPeerId(options.peerId)
  } catch {
    throw malformed('the user name is not a PeerId')
  }

  if (!equalBytes(hint, relayKey.subarray(0, HINT_BYTES))) {
    throw new PigeonError(
      'TOKEN_WRONG_RELAY',
      'The token was made for another relay: check the relay address in your settings.',
    )
  }
  if (!(await verify(clientKey, signedPart(relayKey, clientKey, time, nonce), signature))) {
    throw new PigeonError('TOKEN_BAD_SIGNATURE', 'The token is not signed by the key it names.')
  }
  const now = options.now ?? Date.now()
  const windowMs = options.windowMs ?? DEFAULT_TOKEN_WINDOW_MS
  const issuedAt = readTime(time)
  if (issuedAt < now - windowMs) {
    throw new PigeonError(
      'TOKEN_EXPIRED',
      `The token expired ${Math.round((now - issuedAt) / 1000)} s ago: check that this computer's clock is right.`,
    )
  }
  if (issuedAt > now + windowMs) {
    throw new PigeonError(
      'TOKEN_FROM_FUTURE',
      `The token is dated ${Math.round((issuedAt - now) / 1000)} s in the future: this computer's clock or the relay's is wrong.`,
    )
  }
  // keyed by what the signature covers, not by the token's text or signature bytes, which an
  // attacker may re-encode; kept while the token could be valid, and a window more for a relay
  // clock that steps back
  const key = toBase64url(concatBytes(clientKey, time, nonce))
  if (options.spent !== undefined && !(await options.spent.spend(key, issuedAt + 2 * windowMs))) {
    throw new PigeonError(
      'TOKEN_REPLAYED',
      'This token was already used once; a client makes a new one for every connection.',
    )
  }
}
