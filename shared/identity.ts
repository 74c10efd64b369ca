// A user is an Ed25519 key pair; its libp2p PeerId (12D3KooW…) is the user's address on the LAN
// and on the relay alike (docs/protocol.md §1). Keys come from @libp2p/crypto so the same
// object is libp2p's node key; storing the bytes on disk is the caller's job (app/core, relay/).
import {
  generateKeyPair,
  privateKeyFromProtobuf,
  privateKeyToProtobuf,
  publicKeyFromRaw,
} from '@libp2p/crypto/keys'
import type { Ed25519PrivateKey, Ed25519PublicKey } from '@libp2p/interface'
import {
  peerIdFromPrivateKey,
  peerIdFromPublicKey as libp2pPeerIdFromKey,
  peerIdFromString,
} from '@libp2p/peer-id'
import { PigeonError } from './errors.js'

export interface Identity {
  /** the libp2p key object: pass it to createLibp2p({ privateKey }) */
  readonly privateKey: Ed25519PrivateKey
  readonly peerId: string
  /** raw 32-byte Ed25519 public key */
  readonly publicKey: Uint8Array
}

const ED25519_KEY_BYTES = 32

function identityOf(privateKey: Ed25519PrivateKey): Identity {
  return {
    privateKey,
    peerId: peerIdFromPrivateKey(privateKey).toString(),
    publicKey: privateKey.publicKey.raw,
  }
}

export async function generateIdentity(): Promise<Identity> {
  return identityOf(await generateKeyPair('Ed25519'))
}

/** Reads a key as stored on disk (libp2p's protobuf private key encoding). */
export function identityFromBytes(bytes: Uint8Array): Identity {
  let key
  try {
    key = privateKeyFromProtobuf(bytes)
  } catch (cause) {
    throw new PigeonError(
      'KEY_INVALID',
      'The identity key file is damaged; restore it from a backup or move it away to create a new identity.',
      { cause },
    )
  }
  if (key.type !== 'Ed25519') {
    throw new PigeonError(
      'KEY_INVALID',
      `The identity key is ${key.type}, but Pigeon needs an Ed25519 key; move the key file away to create a new identity.`,
    )
  }
  return identityOf(key)
}

export function identityToBytes(identity: Identity): Uint8Array {
  return privateKeyToProtobuf(identity.privateKey)
}

/** The 32-byte Ed25519 seed, for deriving the X25519 key that opens sealed envelopes. */
export function identitySeed(identity: Identity): Uint8Array {
  return identity.privateKey.raw.subarray(0, ED25519_KEY_BYTES)
}

// PeerId → key parsing (base58btc + multihash + protobuf) costs more than sealing; cache it.
const keyCache = new Map<string, Uint8Array>()
const KEY_CACHE_LIMIT = 4096

export function publicKeyFromPeerId(peerId: string): Uint8Array {
  const cached = keyCache.get(peerId)
  if (cached !== undefined) return cached
  let parsed
  try {
    parsed = peerIdFromString(peerId)
  } catch (cause) {
    throw new PigeonError(
      'PEER_ID_INVALID',
      `"${peerId.slice(0, 64)}" is not a Pigeon address (a PeerId starting 12D3KooW).`,
      { cause },
    )
  }
  if (parsed.type !== 'Ed25519' || parsed.publicKey === undefined) {
    throw new PigeonError(
      'PEER_ID_INVALID',
      `"${peerId.slice(0, 64)}" is a ${parsed.type} PeerId; Pigeon addresses are Ed25519 PeerIds (12D3KooW…).`,
    )
  }
  const raw = parsed.publicKey.raw
  if (keyCache.size >= KEY_CACHE_LIMIT) keyCache.clear()
  keyCache.set(peerId, raw)
  return raw
}

// The reverse direction runs twice per decoded envelope (sender, recipient); peers are few.
const peerIdCache = new Map<string, string>()

export function peerIdFromPublicKey(raw: Uint8Array): string {
  const cacheKey = String.fromCharCode(...raw)
  const cached = peerIdCache.get(cacheKey)
  if (cached !== undefined) return cached
  const peerId = computePeerId(raw)
  if (peerIdCache.size >= KEY_CACHE_LIMIT) peerIdCache.clear()
  peerIdCache.set(cacheKey, peerId)
  return peerId
}

function computePeerId(raw: Uint8Array): string {
  if (raw.length !== ED25519_KEY_BYTES) {
    throw new PigeonError(
      'KEY_INVALID',
      `An Ed25519 public key has ${ED25519_KEY_BYTES} bytes, not ${raw.length}.`,
    )
  }
  let key: Ed25519PublicKey
  try {
    key = publicKeyFromRaw(raw) as Ed25519PublicKey
  } catch (cause) {
    throw new PigeonError('KEY_INVALID', 'The public key is not a valid Ed25519 key.', { cause })
  }
  return libp2pPeerIdFromKey(key).toString()
}

export function isPeerId(value: string): boolean {
  try {
    publicKeyFromPeerId(value)
    return true
  } catch {
    return false
  }
}

export async function sign(identity: Identity, data: Uint8Array): Promise<Uint8Array> {
  return await identity.privateKey.sign(data)
}

/** Verifies an Ed25519 signature; false (never an exception) for a bad key, signature or PeerId. */
export async function verify(
  signer: string | Uint8Array,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  try {
    const raw = typeof signer === 'string' ? publicKeyFromPeerId(signer) : signer
    return await publicKeyFromRaw(raw).verify(data, signature)
  } catch {
    return false
  }
}
