// The index of a file transfer (docs/protocol.md §10): every file and directory of a folder offer
// — or the one file of an offer too large to carry its chunk hashes inline — with its size, its
// SHA-256 and the SHA-256 of each chunk. Decoding is strict like the envelope's: bytes become a
// complete, consistent index or a PigeonError (names are checked for safety where they are
// written, app/core/files/safe-path.ts; here only for being text).
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js'
import { PigeonError } from './errors.js'
import { fromUtf8, toUtf8 } from './envelope.js'
import { LIMITS } from './limits.js'
import * as pb from './proto/envelope.js'

export const SHA256_BYTES = 32
/** the entry number that asks /pigeon/file/1.0.0 for the index itself (§11) */
export const INDEX_ENTRY = 0xffffffff

export interface FileEntry {
  /** '/'-separated, relative to the offered folder; a lone file's entry is its name */
  path: string
  directory: boolean
  size: number
  /** SHA-256 of the whole file (32 bytes); empty for a directory */
  sha256: Uint8Array
  mtime?: number
  /** SHA-256 of each chunk, concatenated; empty for a directory or an empty file */
  chunkHashes: Uint8Array
}

export interface FileIndex {
  entries: FileEntry[]
}

function invalid(message: string): PigeonError {
  return new PigeonError('FILE_OFFER_INVALID', message)
}

/** for the index and offers only; file content is hashed with node:crypto (app/core/files) */
export function sha256(bytes: Uint8Array): Uint8Array {
  return nobleSha256(bytes)
}

/** chunks of a file of `size` bytes: an empty file has none */
export function chunkCount(size: number, chunkSize: number): number {
  return Math.ceil(size / chunkSize)
}

/** The length of chunk `index` of a file (every chunk but the last is chunkSize long). */
export function chunkLength(size: number, chunkSize: number, index: number): number {
  return Math.min(chunkSize, size - index * chunkSize)
}

/** Checks one entry against the chunk size: a size that disagrees with its hashes is refused. */
export function checkEntry(entry: FileEntry, chunkSize: number): void {
  if (!Number.isSafeInteger(entry.size) || entry.size < 0 || entry.size > LIMITS.fileMaxBytes) {
    throw invalid(`The size of ${JSON.stringify(entry.path)} is not a valid file size.`)
  }
  if (entry.directory) {
    if (entry.size !== 0 || entry.chunkHashes.length !== 0)
      throw invalid(`The directory ${JSON.stringify(entry.path)} has a size or hashes.`)
    return
  }
  if (entry.sha256.length !== SHA256_BYTES)
    throw invalid(`The file ${JSON.stringify(entry.path)} has no valid SHA-256.`)
  const chunks = chunkCount(entry.size, chunkSize)
  if (entry.chunkHashes.length !== chunks * SHA256_BYTES) {
    throw new PigeonError(
      'FILE_SIZE_MISMATCH',
      `${JSON.stringify(entry.path)} is offered as ${entry.size} bytes (${chunks} chunks) but with ${entry.chunkHashes.length / SHA256_BYTES} chunk hashes; the offer is refused.`,
    )
  }
}

export function encodeFileIndex(index: FileIndex): Uint8Array {
  return pb.FileIndex.encode({
    entries: index.entries.map((entry) => ({
      path: toUtf8(entry.path, 'file path'),
      directory: entry.directory ? true : undefined,
      size: BigInt(entry.size),
      sha256: entry.directory ? undefined : (entry.sha256 as Uint8Array<ArrayBuffer>),
      mtime: entry.mtime === undefined ? undefined : BigInt(entry.mtime),
      chunkHashes:
        entry.chunkHashes.length === 0 ? undefined : (entry.chunkHashes as Uint8Array<ArrayBuffer>),
    })),
  })
}

/** Decodes an index already checked against the offer's index_sha256, and checks every entry. */
export function decodeFileIndex(bytes: Uint8Array, chunkSize: number): FileIndex {
  if (bytes.length > LIMITS.fileIndexBytes)
    throw invalid(`The transfer's index is larger than ${LIMITS.fileIndexBytes} bytes.`)
  let message: pb.FileIndex
  try {
    message = pb.FileIndex.decode(bytes, { limits: { entries: LIMITS.folderEntries } })
  } catch (cause) {
    throw new PigeonError(
      'FILE_OFFER_INVALID',
      "The transfer's index is not a valid Pigeon file index.",
      { cause },
    )
  }
  const entries = message.entries.map((m): FileEntry => {
    if (
      m.size > BigInt(Number.MAX_SAFE_INTEGER) ||
      (m.mtime ?? 0n) > BigInt(Number.MAX_SAFE_INTEGER)
    )
      throw invalid('An index entry has a size or time out of range.')
    const entry: FileEntry = {
      path: fromUtf8(m.path, 'file path'),
      directory: m.directory === true,
      size: Number(m.size),
      sha256: m.sha256 ?? new Uint8Array(0),
      chunkHashes: m.chunkHashes ?? new Uint8Array(0),
    }
    if (m.mtime !== undefined) entry.mtime = Number(m.mtime)
    checkEntry(entry, chunkSize)
    return entry
  })
  return { entries }
}

/** The sum of the file sizes: what a folder offer announces as its size. */
export function indexBytes(index: FileIndex): number {
  return index.entries.reduce((sum, entry) => sum + entry.size, 0)
}
