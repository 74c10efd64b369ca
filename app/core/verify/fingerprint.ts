// A short key fingerprint, shown beside a name that two peers share (docs/protocol.md §14): eight
// hex digits of SHA-256 over the raw Ed25519 key. It tells two Bobs apart at a glance; it is not
// a proof of identity — the safety number is (safety-number.ts).
import { sha256 } from '@noble/hashes/sha2.js'
import { bytesToHex } from '@noble/hashes/utils.js'
import { isPeerId, publicKeyFromPeerId } from '../../../shared/identity.js'

const cache = new Map<string, string>()
const CACHE_LIMIT = 4096

/** "3f2a 91c0"; '' for an id without a key (an IP Messenger user, docs/protocol.md §15) */
export function keyFingerprint(peerId: string): string {
  if (!isPeerId(peerId)) return ''
  const cached = cache.get(peerId)
  if (cached !== undefined) return cached
  const hex = bytesToHex(sha256(publicKeyFromPeerId(peerId)).subarray(0, 4))
  const short = `${hex.slice(0, 4)} ${hex.slice(4)}`
  if (cache.size >= CACHE_LIMIT) cache.clear()
  cache.set(peerId, short)
  return short
}
