// The receiver's partial files on disk (docs/protocol.md §11 "Writing" and "Resume"): what a
// partial file already holds, verified chunk by chunk against the offered hashes; a file's
// whole SHA-256 read back; disk errors as sentences with their code (the partial data is kept).
import { createHash } from 'node:crypto'
import { constants } from 'node:fs'
import { open, readdir, rmdir, type FileHandle } from 'node:fs/promises'
import { PigeonError } from '../../../shared/errors.js'
import {
  chunkCount,
  chunkLength,
  SHA256_BYTES,
  type FileEntry,
} from '../../../shared/file-index.js'

export interface ChunkRange {
  first: number
  count: number
}

/** A disk error as a sentence; the partial data stays for a resume. */
export function diskError(error: unknown, where: string): unknown {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOSPC' || code === 'EDQUOT')
    return new PigeonError(
      'FILE_DISK_FULL',
      `The disk holding ${where} is full; free some space and resume (what arrived is kept).`,
      { cause: error },
    )
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS')
    return new PigeonError(
      'FILE_TARGET_UNWRITABLE',
      `${where} cannot be written (${code}); choose another folder or fix its permissions.`,
      { cause: error },
    )
  if (code === 'ELOOP')
    return new PigeonError(
      'FILE_SYMLINK',
      `${where} is a symbolic link; Pigeon does not write through links.`,
      { cause: error },
    )
  return error
}

/** Verifies what a partial file already holds; returns the ranges still missing and the bytes kept. */
export async function verifyOnDisk(
  handle: FileHandle,
  entry: FileEntry,
  chunkSize: number,
): Promise<{ ranges: ChunkRange[]; kept: number }> {
  const size = (await handle.stat()).size
  if (size > entry.size) await handle.truncate(entry.size)
  const chunks = chunkCount(entry.size, chunkSize)
  const ranges: ChunkRange[] = []
  let kept = 0
  const buffer = Buffer.allocUnsafe(Math.min(chunkSize, Math.max(1, size)))
  for (let i = 0; i < chunks; i++) {
    const length = chunkLength(entry.size, chunkSize, i)
    let good = false
    if ((i + 1) * chunkSize <= size || i * chunkSize + length <= size) {
      const { bytesRead } = await handle.read(buffer, 0, length, i * chunkSize)
      const digest = createHash('sha256').update(buffer.subarray(0, bytesRead)).digest()
      good =
        bytesRead === length &&
        digest.equals(entry.chunkHashes.subarray(i * SHA256_BYTES, (i + 1) * SHA256_BYTES))
    }
    if (good) {
      kept += length
      continue
    }
    const last = ranges.at(-1)
    if (last !== undefined && last.first + last.count === i) last.count++
    else ranges.push({ first: i, count: 1 })
  }
  return { ranges, kept }
}

export async function wholeFileHash(
  handle: FileHandle,
  size: number,
  chunkSize: number,
): Promise<Uint8Array> {
  const hash = createHash('sha256')
  const buffer = Buffer.allocUnsafe(Math.min(chunkSize, Math.max(1, size)))
  for (let offset = 0; offset < size; offset += chunkSize) {
    const { bytesRead } = await handle.read(buffer, 0, Math.min(chunkSize, size - offset), offset)
    hash.update(buffer.subarray(0, bytesRead))
  }
  return new Uint8Array(hash.digest())
}

export async function removeIfEmpty(dir: string): Promise<void> {
  if ((await readdir(dir).catch(() => ['?'])).length === 0) await rmdir(dir).catch(() => undefined)
}

/**
 * Opens (never through a link: O_NOFOLLOW, so a planted link fails with ELOOP) the partial file
 * of `entry` and says what it still needs. A file made just now needs everything and is not
 * read back: one system call fewer per file, which a folder of many small files feels.
 */
export async function openPartial(
  path: string,
  entry: FileEntry,
  chunkSize: number,
): Promise<{ handle: FileHandle; ranges: ChunkRange[]; kept: number }> {
  const flags = constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW
  try {
    const handle = await open(path, flags | constants.O_EXCL, 0o644)
    const chunks = chunkCount(entry.size, chunkSize)
    return { handle, ranges: chunks === 0 ? [] : [{ first: 0, count: chunks }], kept: 0 }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw diskError(error, path)
  }
  const handle = await open(path, flags, 0o644).catch((error: unknown) => {
    throw diskError(error, path)
  })
  try {
    return { handle, ...(await verifyOnDisk(handle, entry, chunkSize)) }
  } catch (error) {
    await handle.close().catch(() => undefined)
    throw error
  }
}
