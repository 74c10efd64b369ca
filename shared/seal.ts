// Sealing: an envelope for the relay path is encrypted to its recipient and authenticated as
// coming from its sender, so the relay learns who receives it and its size, nothing else
// (docs/protocol.md §3).
//
//   sealed = 0x01 | E (32) | ChaCha20-Poly1305(k, nonce 0, aad = 0x01|E|R, envelope) | mac (16)
//
//   E, e   a fresh X25519 key pair per message; R, S the recipient's and sender's Ed25519 keys,
//          used as X25519 keys through the birational map (RFC 7748 §4.1).
//   k      HKDF-SHA256(X25519(e, R), salt = E|R, "pigeon/seal/v1/key")
//   mac    HMAC-SHA256(HKDF-SHA256(X25519(e, R) | X25519(S, R), salt = E|R, "pigeon/seal/v1/sender"),
//          0x01|E|R|ciphertext), first 16 bytes
//
// Why a MAC from static-static DH rather than a signature: the same sender authentication as
// Noise's X pattern (a forger needs S's or R's secret key) for 16 bytes instead of 64, and
// deniable like Noise. The key is fresh per message, so a fixed nonce is safe and costs 0 bytes.
// The sender's key is not in the clear: it is the envelope's `sender`, inside the ciphertext,
// which is why the MAC is checked after decryption. Overhead: 65 bytes per message.
// The static-static secret X25519(S, R) is the same for every message between two people, so it
// is cached; a seal costs two scalar multiplications and an open one. They run in WebCrypto
// (X25519 in Node ≥ 20, Chromium, Firefox, Safari): about 5× faster than the pure-JS ladder.
// @noble/curves still converts the Ed25519 keys (RFC 7748 §4.1), which WebCrypto cannot.
import { chacha20poly1305 } from '@noble/ciphers/chacha.js'
import { ed25519 } from '@noble/curves/ed25519.js'
import { hkdf } from '@noble/hashes/hkdf.js'
import { hmac } from '@noble/hashes/hmac.js'
import { sha256 } from '@noble/hashes/sha2.js'
import { concatBytes, equalBytes } from '@noble/ciphers/utils.js'
import { PigeonError } from './errors.js'
import { decodeEnvelope, encodeEnvelope, messageIdToString, type Envelope } from './envelope.js'
import { identitySeed, publicKeyFromPeerId, type Identity } from './identity.js'

export const SEAL_VERSION = 0x01
const E_BYTES = 32
const TAG_BYTES = 16
const MAC_BYTES = 16
export const SEAL_OVERHEAD = 1 + E_BYTES + TAG_BYTES + MAC_BYTES
const NONCE = new Uint8Array(12)
const KEY_INFO = new TextEncoder().encode('pigeon/seal/v1/key')
const SENDER_INFO = new TextEncoder().encode('pigeon/seal/v1/sender')

// --- X25519 in WebCrypto ------------------------------------------------------------------------

const subtle = globalThis.crypto.subtle
type CryptoKey = Awaited<ReturnType<typeof subtle.importKey>>
interface CryptoKeyPair {
  publicKey: CryptoKey
  privateKey: CryptoKey
}
const X25519 = { name: 'X25519' } as const
/** PKCS#8 wrapping of a raw X25519 private key (RFC 8410): WebCrypto imports no raw private keys */
const PKCS8_X25519_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x6e, 0x04, 0x22, 0x04, 0x20,
])

async function importPrivate(secret: Uint8Array): Promise<CryptoKey> {
  return await subtle.importKey('pkcs8', concatBytes(PKCS8_X25519_PREFIX, secret), X25519, false, [
    'deriveBits',
  ])
}

/** X25519(private, public); WebCrypto refuses low-order public keys (all-zero result). */
async function dh(privateKey: CryptoKey, publicKey: Uint8Array): Promise<Uint8Array> {
  const key = await subtle.importKey('raw', publicKey as Uint8Array<ArrayBuffer>, X25519, false, [])
  return new Uint8Array(await subtle.deriveBits({ name: 'X25519', public: key }, privateKey, 256))
}

// --- key conversion and the static-static cache ----------------------------------------------

const montgomeryPublic = new Map<string, Uint8Array>()
const staticSecrets = new WeakMap<
  Identity,
  { secret: Promise<CryptoKey>; shared: Map<string, Uint8Array> }
>()
const CACHE_LIMIT = 4096

function xPublicOf(peerId: string): Uint8Array {
  let key = montgomeryPublic.get(peerId)
  if (key === undefined) {
    key = ed25519.utils.toMontgomery(publicKeyFromPeerId(peerId))
    if (montgomeryPublic.size >= CACHE_LIMIT) montgomeryPublic.clear()
    montgomeryPublic.set(peerId, key)
  }
  return key
}

function staticOf(identity: Identity): {
  secret: Promise<CryptoKey>
  shared: Map<string, Uint8Array>
} {
  let entry = staticSecrets.get(identity)
  if (entry === undefined) {
    entry = {
      secret: importPrivate(ed25519.utils.toMontgomerySecret(identitySeed(identity))),
      shared: new Map(),
    }
    staticSecrets.set(identity, entry)
  }
  return entry
}

/** X25519(me, them) between two long-term keys; the same both ways, so it is cached per pair. */
async function staticShared(me: Identity, them: string): Promise<Uint8Array> {
  const entry = staticOf(me)
  let shared = entry.shared.get(them)
  if (shared === undefined) {
    shared = await dh(await entry.secret, xPublicOf(them))
    if (entry.shared.size >= CACHE_LIMIT) entry.shared.clear()
    entry.shared.set(them, shared)
  }
  return shared
}

function senderMac(
  ephemeralShared: Uint8Array,
  staticSecret: Uint8Array,
  salt: Uint8Array,
  header: Uint8Array,
  ciphertext: Uint8Array,
): Uint8Array {
  const macKey = hkdf(sha256, concatBytes(ephemeralShared, staticSecret), salt, SENDER_INFO, 32)
  return hmac(sha256, macKey, concatBytes(header, ciphertext)).subarray(0, MAC_BYTES)
}

// --- seal ------------------------------------------------------------------------------------

export async function seal(
  envelope: Envelope,
  sender: Identity,
  recipientPeerId: string,
): Promise<Uint8Array> {
  if (envelope.sender !== sender.peerId) {
    throw new PigeonError('SEAL_TAMPERED', 'An envelope can only be sealed by its own sender.')
  }
  const plaintext = encodeEnvelope(envelope)
  const recipientKey = publicKeyFromPeerId(recipientPeerId)
  const ephemeral = (await subtle.generateKey(X25519, true, ['deriveBits'])) as CryptoKeyPair
  const ephemeralPublic = new Uint8Array(await subtle.exportKey('raw', ephemeral.publicKey))
  const shared = await dh(ephemeral.privateKey, xPublicOf(recipientPeerId))
  const salt = concatBytes(ephemeralPublic, recipientKey)
  const header = concatBytes(Uint8Array.of(SEAL_VERSION), ephemeralPublic)
  const aad = concatBytes(header, recipientKey)
  const key = hkdf(sha256, shared, salt, KEY_INFO, 32)
  const ciphertext = chacha20poly1305(key, NONCE, aad).encrypt(plaintext)
  const mac = senderMac(shared, await staticShared(sender, recipientPeerId), salt, aad, ciphertext)
  return concatBytes(header, ciphertext, mac)
}

// --- open ------------------------------------------------------------------------------------

/** Remembers the ids of opened messages, so a replayed sealed message is refused. */
export class ReplayGuard {
  readonly #seen = new Set<string>()
  readonly #capacity: number

  constructor(capacity = 100_000) {
    this.#capacity = capacity
  }

  checkAndRemember(id: Uint8Array): void {
    const key = messageIdToString(id)
    if (this.#seen.has(key)) {
      throw new PigeonError(
        'SEAL_REPLAY',
        'This message was already received once; the copy is ignored.',
      )
    }
    if (this.#seen.size >= this.#capacity) {
      // Sets iterate in insertion order: forget the oldest.
      const oldest = this.#seen.values().next().value
      if (oldest !== undefined) this.#seen.delete(oldest)
    }
    this.#seen.add(key)
  }

  /** Takes an id back, when the message it opened could not be kept and will come again. */
  forget(id: Uint8Array): void {
    this.#seen.delete(messageIdToString(id))
  }
}

export async function openSealed(
  sealed: Uint8Array,
  recipient: Identity,
  options: { replay?: ReplayGuard } = {},
): Promise<Envelope> {
  if (sealed.length < SEAL_OVERHEAD + 1) {
    throw new PigeonError(
      'SEAL_TRUNCATED',
      `A sealed message has at least ${SEAL_OVERHEAD + 1} bytes; this one has ${sealed.length}.`,
    )
  }
  if (sealed[0] !== SEAL_VERSION) {
    throw new PigeonError(
      'SEAL_VERSION',
      `Sealed with format ${sealed[0]}, which this version of Pigeon cannot open; updating Pigeon may help.`,
    )
  }
  const ephemeralPublic = sealed.subarray(1, 1 + E_BYTES)
  const ciphertext = sealed.subarray(1 + E_BYTES, sealed.length - MAC_BYTES)
  const mac = sealed.subarray(sealed.length - MAC_BYTES)
  const header = sealed.subarray(0, 1 + E_BYTES)
  const aad = concatBytes(header, recipient.publicKey)
  const salt = concatBytes(ephemeralPublic, recipient.publicKey)

  let shared: Uint8Array
  let plaintext: Uint8Array
  try {
    shared = await dh(await staticOf(recipient).secret, ephemeralPublic)
    plaintext = chacha20poly1305(hkdf(sha256, shared, salt, KEY_INFO, 32), NONCE, aad).decrypt(
      ciphertext,
    )
  } catch (cause) {
    throw new PigeonError(
      'SEAL_TAMPERED',
      'A sealed message could not be opened: it was damaged in transit, or sealed for someone else.',
      { cause },
    )
  }

  let envelope: Envelope
  try {
    envelope = decodeEnvelope(plaintext)
  } catch (cause) {
    throw new PigeonError(
      'SEAL_TAMPERED',
      'A sealed message opened to something that is not a valid envelope.',
      { cause },
    )
  }
  if ('peer' in envelope.to && envelope.to.peer !== recipient.peerId) {
    throw new PigeonError(
      'SEAL_WRONG_RECIPIENT',
      'A sealed message was addressed to someone else and forwarded to you; it is ignored.',
    )
  }
  let expected: Uint8Array
  try {
    expected = senderMac(
      shared,
      await staticShared(recipient, envelope.sender),
      salt,
      aad,
      ciphertext,
    )
  } catch (cause) {
    throw new PigeonError('SEAL_TAMPERED', 'The sender of a sealed message could not be checked.', {
      cause,
    })
  }
  if (!equalBytes(expected, mac)) {
    throw new PigeonError(
      'SEAL_TAMPERED',
      'A sealed message claims a sender who did not seal it; it is ignored.',
    )
  }
  options.replay?.checkAndRemember(envelope.id)
  return envelope
}
