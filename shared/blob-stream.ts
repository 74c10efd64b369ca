// Encryption of a file sent through the relay's blob store (docs/protocol.md §12): the STREAM
// construction (Hoang, Reyhanitabar, Rogaway, Vizár, "Online Authenticated-Encryption and its
// Nonce-Reuse Misuse-Resistance", 2015) over AES-256-GCM with a fresh random key per file.
//
//   blob   = header (16) | chunk 0 | chunk 1 | … | chunk n-1
//   header = "PGB1" | chunk bytes u32 BE | nonce prefix (7) | 0x00
//   chunk i = AES-256-GCM(key, nonce = prefix | i u32 BE | last u8, aad = header, plaintext i)
//             → ciphertext (= plaintext length) | tag (16)
//
// Every chunk holds `chunk bytes` of plaintext except the last, which holds 0…chunk bytes (0 only
// for an empty file) and is the only one sealed with last = 1. Reordered or dropped chunks fail
// on their index, a truncation fails because the new final chunk was not sealed as last, an
// extension fails because the old final chunk was. Decryption is self-delimiting: a chunk is
// taken as the last one when the input ends after it, so no size has to be trusted.
//
// AES-256-GCM of the platform (WebCrypto: OpenSSL in Node, BoringSSL in Electron, both with
// AES-NI) rather than @noble's pure-JS XChaCha20-Poly1305: measured here on 1 MiB chunks,
// WebCrypto AES-GCM 1,194 MiB/s, node:crypto AES-GCM 1,345 MiB/s, @noble XChaCha20-Poly1305
// 163 MiB/s, @noble AES-GCM 66 MiB/s. Electron's BoringSSL has no ChaCha20-Poly1305
// (electron#24024), so AES-GCM is the fast AEAD everywhere. GCM's 96-bit nonce is safe because
// every file has its own key: prefix, index and flag never repeat under one key.
import { concatBytes, equalBytes } from '@noble/ciphers/utils.js'
import { randomBytes } from '@noble/hashes/utils.js'
import { PigeonError } from './errors.js'

/** plaintext bytes per chunk (docs/protocol.md §12 says why 1 MiB) */
export const BLOB_CHUNK_BYTES = 1_048_576
export const BLOB_HEADER_BYTES = 16
export const BLOB_TAG_BYTES = 16
export const BLOB_KEY_BYTES = 32
const MAGIC = new TextEncoder().encode('PGB1')
const PREFIX_BYTES = 7
// a hostile header must not make the decryptor hold a huge chunk in memory
const MIN_CHUNK_BYTES = 16
const MAX_CHUNK_BYTES = 16 * 1_048_576
const MAX_CHUNKS = 2 ** 32

// the platform's key type, named without DOM typings (tsconfig has none)
type BlobCryptoKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>

export interface BlobHeader {
  chunkBytes: number
  /** the 16 header bytes, the AAD of every chunk */
  bytes: Uint8Array
}

export function newBlobKey(): Uint8Array {
  return randomBytes(BLOB_KEY_BYTES)
}

function headerInvalid(why: string): PigeonError {
  return new PigeonError(
    'BLOB_HEADER_INVALID',
    `This is not a Pigeon encrypted file: ${why}. Ask the sender to send it again.`,
  )
}

function tampered(index: number): PigeonError {
  return new PigeonError(
    'BLOB_TAMPERED',
    `Chunk ${index} of the encrypted file does not verify: it was changed, reordered, cut short or extended. Download it again; if it fails again, ask the sender to resend.`,
  )
}

function checkChunkBytes(chunkBytes: number): void {
  if (!Number.isInteger(chunkBytes) || chunkBytes < MIN_CHUNK_BYTES || chunkBytes > MAX_CHUNK_BYTES)
    throw headerInvalid(
      `a chunk size of ${chunkBytes} bytes is outside ${MIN_CHUNK_BYTES}…${MAX_CHUNK_BYTES}`,
    )
}

function view(bytes: Uint8Array): DataView {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}

export function makeBlobHeader(chunkBytes: number = BLOB_CHUNK_BYTES): BlobHeader {
  checkChunkBytes(chunkBytes)
  const bytes = new Uint8Array(BLOB_HEADER_BYTES)
  bytes.set(MAGIC, 0)
  view(bytes).setUint32(4, chunkBytes)
  bytes.set(randomBytes(PREFIX_BYTES), 8)
  return { chunkBytes, bytes }
}

export function parseBlobHeader(bytes: Uint8Array): BlobHeader {
  if (bytes.length < BLOB_HEADER_BYTES) throw headerInvalid('it is shorter than its header')
  const header = bytes.slice(0, BLOB_HEADER_BYTES)
  if (!equalBytes(header.subarray(0, 4), MAGIC)) throw headerInvalid('the magic bytes are wrong')
  if (header[15] !== 0) throw headerInvalid('a reserved byte is set')
  const chunkBytes = view(header).getUint32(4)
  checkChunkBytes(chunkBytes)
  return { chunkBytes, bytes: header }
}

/** the chunk count of a file of `plainBytes`: at least one, so an empty file still has a last chunk */
export function blobChunkCount(plainBytes: number, chunkBytes: number = BLOB_CHUNK_BYTES): number {
  return Math.max(1, Math.ceil(plainBytes / chunkBytes))
}

/** the size of the encrypted blob for a file of `plainBytes` */
export function encryptedSize(plainBytes: number, chunkBytes: number = BLOB_CHUNK_BYTES): number {
  return BLOB_HEADER_BYTES + plainBytes + blobChunkCount(plainBytes, chunkBytes) * BLOB_TAG_BYTES
}

/** where chunk `index` starts in the blob: the Range offset that resumes a download there */
export function chunkOffset(header: Pick<BlobHeader, 'chunkBytes'>, index: number): number {
  return BLOB_HEADER_BYTES + index * (header.chunkBytes + BLOB_TAG_BYTES)
}

function gcmParams(
  header: BlobHeader,
  index: number,
  last: boolean,
): Parameters<typeof crypto.subtle.encrypt>[0] {
  if (index >= MAX_CHUNKS) throw tampered(index)
  const iv = new Uint8Array(12)
  iv.set(header.bytes.subarray(8, 8 + PREFIX_BYTES), 0)
  view(iv).setUint32(PREFIX_BYTES, index)
  iv[11] = last ? 1 : 0
  return { name: 'AES-GCM', iv, additionalData: header.bytes, tagLength: 128 }
}

// WebCrypto, not node:crypto: the same AES-GCM of the platform's TLS library (OpenSSL in Node,
// BoringSSL in Electron), and shared/ must run in a browser too
async function importKey(raw: Uint8Array, usage: 'encrypt' | 'decrypt'): Promise<BlobCryptoKey> {
  if (raw.length !== BLOB_KEY_BYTES)
    throw new PigeonError(
      'KEY_INVALID',
      `A file key is ${BLOB_KEY_BYTES} bytes, not ${raw.length}.`,
    )
  return await crypto.subtle.importKey('raw', raw, 'AES-GCM', false, [usage])
}

async function open(
  key: BlobCryptoKey,
  header: BlobHeader,
  index: number,
  last: boolean,
  sealed: Uint8Array,
): Promise<Uint8Array> {
  if (sealed.length < BLOB_TAG_BYTES) throw tampered(index)
  try {
    return new Uint8Array(await crypto.subtle.decrypt(gcmParams(header, index, last), key, sealed))
  } catch {
    throw tampered(index)
  }
}

/**
 * `source` cut into units of `unit` bytes, each with whether it is the last: the newest unit is
 * held back until more input (or the end) says. Holds at most one unit plus one input buffer.
 */
async function* units(
  source: AsyncIterable<Uint8Array>,
  unit: number,
): AsyncGenerator<{ bytes: Uint8Array; last: boolean }> {
  let parts: Uint8Array[] = []
  let held = 0
  const take = (): Uint8Array => {
    const all = parts.length === 1 ? parts[0]! : concatBytes(...parts)
    const rest = all.subarray(unit)
    parts = rest.length > 0 ? [rest] : []
    held = rest.length
    return all.subarray(0, unit)
  }
  for await (const data of source) {
    parts.push(data)
    held += data.length
    // strictly more than a unit: only then is the unit at the front known not to be the last
    while (held > unit) yield { bytes: take(), last: false }
  }
  yield { bytes: take(), last: true }
}

/**
 * Plaintext in, the blob out: the header first, then one sealed chunk per `header.chunkBytes`.
 * Pulls its input as it goes (bounded memory); in Node, `Readable.from(encryptBlob(key, file))`.
 */
export async function* encryptBlob(
  key: Uint8Array,
  source: AsyncIterable<Uint8Array>,
  header: BlobHeader = makeBlobHeader(),
): AsyncGenerator<Uint8Array> {
  yield header.bytes
  yield* encryptChunks(key, header, source)
}

/**
 * The sealed chunks from `fromChunk` on, for plaintext that starts at byte fromChunk · chunkBytes
 * (no header): the same bytes encryptBlob gives there, so an upload cut at any byte resumes with
 * the same key and header (docs/protocol.md §12 "In the app").
 */
export async function* encryptChunks(
  key: Uint8Array,
  header: BlobHeader,
  source: AsyncIterable<Uint8Array>,
  fromChunk = 0,
): AsyncGenerator<Uint8Array> {
  const cryptoKey = await importKey(key, 'encrypt')
  let index = fromChunk
  for await (const { bytes, last } of units(source, header.chunkBytes)) {
    const params = gcmParams(header, index++, last)
    yield new Uint8Array(await crypto.subtle.encrypt(params, cryptoKey, bytes))
  }
}

/**
 * Blob bytes from chunkOffset(header, fromChunk) to the end in, verified plaintext out. Each
 * chunk is checked before any of its bytes leave; an error names the first chunk that failed.
 * Resuming a download: keep the header from the first bytes, start a Range at chunkOffset of
 * the first chunk not yet verified, and pass that index here.
 */
export async function* decryptBlob(
  key: Uint8Array,
  header: BlobHeader,
  source: AsyncIterable<Uint8Array>,
  fromChunk = 0,
): AsyncGenerator<Uint8Array> {
  const cryptoKey = await importKey(key, 'decrypt')
  let index = fromChunk
  for await (const { bytes, last } of units(source, header.chunkBytes + BLOB_TAG_BYTES))
    yield await open(cryptoKey, header, index++, last, bytes)
}
