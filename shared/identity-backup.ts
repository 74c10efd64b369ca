// A passphrase-protected copy of an identity key, to move a user to another computer or to keep
// in a safe place (`pigeon identity export|import`). Format and parameters: docs/protocol.md §9.
// scrypt (RFC 7914) makes each passphrase guess cost ~128 MiB of memory; XChaCha20-Poly1305 seals
// the key, with the whole header as associated data so no parameter can be changed unnoticed.
import { xchacha20poly1305 } from '@noble/ciphers/chacha.js'
import { scryptAsync } from '@noble/hashes/scrypt.js'
import { randomBytes } from '@noble/hashes/utils.js'
import { PigeonError } from './errors.js'
import { identityFromBytes, identityToBytes, type Identity } from './identity.js'

const MAGIC = new TextEncoder().encode('PIGEONID')
export const BACKUP_VERSION = 1
const SALT_BYTES = 16
const NONCE_BYTES = 24
const TAG_BYTES = 16
/** magic, version, log2 N, r, p, salt, nonce */
const HEADER_BYTES = MAGIC.length + 4 + SALT_BYTES + NONCE_BYTES
/** what an export uses: 128 · r · N = 128 MiB per guess */
const WRITE_COST = { log2N: 17, r: 8, p: 1 }
/** the most an import spends on a file's parameters (the file is not trusted before it opens) */
const MAX_MEMORY_BYTES = 256 * 1024 * 1024
const MAX_PARALLEL = 16
export const MIN_PASSPHRASE_CHARS = 8

export interface BackupCost {
  log2N: number
  r: number
  p: number
}

function invalid(why: string): PigeonError {
  return new PigeonError(
    'BACKUP_INVALID',
    `This is not a Pigeon identity backup that can be read: ${why}.`,
  )
}

function deriveKey(passphrase: string, salt: Uint8Array, cost: BackupCost): Promise<Uint8Array> {
  // NFC: the same passphrase typed on another system gives the same bytes
  return scryptAsync(passphrase.normalize('NFC'), salt, {
    N: 2 ** cost.log2N,
    r: cost.r,
    p: cost.p,
    dkLen: 32,
    maxmem: MAX_MEMORY_BYTES + 1024 * 1024,
  })
}

/**
 * The backup file's bytes for `identity`, sealed with `passphrase`. `cost` is recorded in the file;
 * only tests pass a cheaper one than WRITE_COST.
 */
export async function encryptIdentity(
  identity: Identity,
  passphrase: string,
  cost: BackupCost = WRITE_COST,
): Promise<Uint8Array> {
  if ([...passphrase].length < MIN_PASSPHRASE_CHARS) {
    throw new PigeonError(
      'BACKUP_PASSPHRASE_WEAK',
      `The passphrase has fewer than ${MIN_PASSPHRASE_CHARS} characters; anyone who gets the file could guess it. Choose a longer one.`,
    )
  }
  const salt = randomBytes(SALT_BYTES)
  const nonce = randomBytes(NONCE_BYTES)
  const header = new Uint8Array(HEADER_BYTES)
  header.set(MAGIC, 0)
  header.set([BACKUP_VERSION, cost.log2N, cost.r, cost.p], MAGIC.length)
  header.set(salt, MAGIC.length + 4)
  header.set(nonce, MAGIC.length + 4 + SALT_BYTES)
  const key = await deriveKey(passphrase, salt, cost)
  const sealed = xchacha20poly1305(key, nonce, header).encrypt(identityToBytes(identity))
  const file = new Uint8Array(HEADER_BYTES + sealed.length)
  file.set(header, 0)
  file.set(sealed, HEADER_BYTES)
  return file
}

/** The identity in a backup file; BACKUP_WRONG_PASSPHRASE when `passphrase` does not open it. */
export async function decryptIdentity(file: Uint8Array, passphrase: string): Promise<Identity> {
  if (file.length < HEADER_BYTES + TAG_BYTES || !MAGIC.every((b, i) => file[i] === b)) {
    throw invalid('it does not start as one (made by `pigeon identity export`)')
  }
  const [version = 0, log2N = 0, r = 0, p = 0] = file.subarray(MAGIC.length, MAGIC.length + 4)
  if (version !== BACKUP_VERSION) {
    throw invalid(
      `it is version ${version}, and this Pigeon reads version ${BACKUP_VERSION}; use a newer Pigeon`,
    )
  }
  if (log2N < 1 || r < 1 || p < 1 || p > MAX_PARALLEL || 128 * r * 2 ** log2N > MAX_MEMORY_BYTES) {
    throw invalid(
      `its scrypt parameters (N = 2^${log2N}, r = ${r}, p = ${p}) are outside what Pigeon accepts`,
    )
  }
  const header = file.subarray(0, HEADER_BYTES)
  const salt = header.subarray(MAGIC.length + 4, MAGIC.length + 4 + SALT_BYTES)
  const nonce = header.subarray(MAGIC.length + 4 + SALT_BYTES)
  const key = await deriveKey(passphrase, salt, { log2N, r, p })
  let plain: Uint8Array
  try {
    plain = xchacha20poly1305(key, nonce, header).decrypt(file.subarray(HEADER_BYTES))
  } catch (cause) {
    throw new PigeonError(
      'BACKUP_WRONG_PASSPHRASE',
      'The passphrase does not open this backup (or the file was changed since it was made). Check the passphrase and try again.',
      { cause },
    )
  }
  return identityFromBytes(plain)
}
