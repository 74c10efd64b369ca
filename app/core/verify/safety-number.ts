// The safety number two people compare to know they hold each other's real key
// (docs/protocol.md §14): Signal's numeric fingerprint, computed the same way over our keys.
// Each side's half: hash = SHA-512(version ‖ key ‖ stable id ‖ key), then 5,199 more times
// hash = SHA-512(hash ‖ key); six 5-byte chunks of the result, each big-endian mod 100000, give
// 30 digits. The two halves sorted and joined are the 60 digits both sides show.
import { sha512 } from '@noble/hashes/sha2.js'
import { utf8ToBytes } from '@noble/hashes/utils.js'
import { publicKeyFromPeerId } from '../../../shared/identity.js'

/** the iterations Signal uses: slow enough that grinding a key for a look-alike number costs */
export const SAFETY_ITERATIONS = 5200
/** the fingerprint format version, hashed first as 2 big-endian bytes (Signal's version 0) */
const FORMAT_VERSION = new Uint8Array([0, 0])
const CHUNKS = 6
const CHUNK_BYTES = 5

export interface FingerprintParty {
  /** the public key as hashed: for Pigeon the raw 32-byte Ed25519 key */
  key: Uint8Array
  /** a stable identifier: for Pigeon the PeerId in UTF-8 */
  stableId: Uint8Array
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0))
  let at = 0
  for (const part of parts) {
    out.set(part, at)
    at += part.length
  }
  return out
}

/** One side's 30 digits. */
export function fingerprintHalf(party: FingerprintParty, iterations = SAFETY_ITERATIONS): string {
  let hash = concat(FORMAT_VERSION, party.key, party.stableId)
  for (let i = 0; i < iterations; i++) hash = sha512(concat(hash, party.key))
  let digits = ''
  for (let c = 0; c < CHUNKS; c++) {
    let value = 0
    // 40 bits fit a double exactly
    for (let b = 0; b < CHUNK_BYTES; b++) value = value * 256 + (hash[c * CHUNK_BYTES + b] ?? 0)
    digits += String(value % 100_000).padStart(5, '0')
  }
  return digits
}

/** The 60 digits: the two halves in sorted order, so both sides get the same string. */
export function numericFingerprint(a: FingerprintParty, b: FingerprintParty): string {
  const [x, y] = [fingerprintHalf(a), fingerprintHalf(b)]
  return x <= y ? x + y : y + x
}

/** Pigeon's parties: a PeerId's raw Ed25519 key and the PeerId's text. */
export function pigeonParty(peerId: string): FingerprintParty {
  return { key: publicKeyFromPeerId(peerId), stableId: utf8ToBytes(peerId) }
}

/** The safety number of me and a peer: the same 60 digits on both sides. */
export function safetyNumber(me: string, peer: string): string {
  return numericFingerprint(pigeonParty(me), pigeonParty(peer))
}

/** 60 digits as people read them aloud: 12 groups of 5. */
export function safetyGroups(digits: string): string[] {
  return digits.match(/\d{5}/g) ?? []
}
