// The sender's side of an offer (docs/protocol.md §10): reads the file or walks the folder once,
// hashing every chunk and every file, and builds the offer body and its index. Memory is one
// chunk whatever the size. Symbolic links are not followed: a link in a folder is skipped (and
// listed), a link offered on its own is refused.
import { createHash, randomBytes } from 'node:crypto'
import { lstat, open, readdir } from 'node:fs/promises'
import { basename, join } from 'node:path'
import { PigeonError } from '../../../shared/errors.js'
import type { FileOfferBody } from '../../../shared/envelope.js'
import {
  encodeFileIndex,
  sha256,
  type FileEntry,
  type FileIndex,
} from '../../../shared/file-index.js'
import { LIMITS } from '../../../shared/limits.js'
import { TRANSFER_ID_BYTES } from './file-frames.js'

export interface PreparedOffer {
  offer: FileOfferBody
  index: FileIndex
  indexBytes: Uint8Array
  /** paths inside the folder that were left out: symbolic links, sockets, devices */
  skipped: string[]
}

/** Hashes one file: its SHA-256 and each chunk's, reading one chunk at a time. */
export async function hashFile(
  path: string,
  chunkSize: number,
  size: number,
): Promise<{ sha256: Uint8Array; chunkHashes: Uint8Array }> {
  const whole = createHash('sha256')
  const chunks = Math.ceil(size / chunkSize)
  const chunkHashes = new Uint8Array(chunks * 32)
  const buffer = Buffer.allocUnsafe(Math.min(chunkSize, Math.max(size, 1)))
  const handle = await open(path, 'r')
  try {
    for (let i = 0; i < chunks; i++) {
      const length = Math.min(chunkSize, size - i * chunkSize)
      const { bytesRead } = await handle.read(buffer, 0, length, i * chunkSize)
      if (bytesRead !== length)
        throw new PigeonError(
          'FILE_SOURCE_CHANGED',
          `${path} became shorter while it was being read.`,
        )
      const bytes = buffer.subarray(0, length)
      whole.update(bytes)
      chunkHashes.set(createHash('sha256').update(bytes).digest(), i * 32)
    }
  } finally {
    await handle.close()
  }
  return { sha256: new Uint8Array(whole.digest()), chunkHashes }
}

async function fileEntry(path: string, relative: string, chunkSize: number): Promise<FileEntry> {
  const stats = await lstat(path)
  const hashes = await hashFile(path, chunkSize, stats.size)
  return {
    path: relative,
    directory: false,
    size: stats.size,
    mtime: Math.floor(stats.mtimeMs),
    ...hashes,
  }
}

async function walk(
  root: string,
  relative: string,
  chunkSize: number,
  entries: FileEntry[],
  skipped: string[],
): Promise<void> {
  const names = (await readdir(join(root, relative))).sort()
  for (const name of names) {
    const path = relative === '' ? name : `${relative}/${name}`
    const stats = await lstat(join(root, path))
    if (stats.isDirectory()) {
      entries.push({
        path,
        directory: true,
        size: 0,
        sha256: new Uint8Array(0),
        mtime: Math.floor(stats.mtimeMs),
        chunkHashes: new Uint8Array(0),
      })
      await walk(root, path, chunkSize, entries, skipped)
    } else if (stats.isFile()) {
      entries.push(await fileEntry(join(root, path), path, chunkSize))
    } else {
      skipped.push(path)
    }
    if (entries.length > LIMITS.folderEntries)
      throw new PigeonError(
        'FILE_OFFER_INVALID',
        `A folder can be sent with at most ${LIMITS.folderEntries} files and folders in it.`,
      )
  }
}

export async function prepareOffer(
  sourcePath: string,
  options: { chunkSize?: number; mime?: string } = {},
): Promise<PreparedOffer> {
  const chunkSize = options.chunkSize ?? LIMITS.fileChunkBytes
  const name = basename(sourcePath)
  const stats = await lstat(sourcePath)
  if (stats.isSymbolicLink())
    throw new PigeonError(
      'FILE_SYMLINK',
      `${sourcePath} is a symbolic link; send the file it points to instead.`,
    )
  const transferId = new Uint8Array(randomBytes(TRANSFER_ID_BYTES))
  const base = {
    name,
    transferId,
    mtime: Math.floor(stats.mtimeMs),
    chunkSize,
    ...(options.mime !== undefined && { mime: options.mime }),
  }
  const skipped: string[] = []
  let index: FileIndex
  if (stats.isDirectory()) {
    const entries: FileEntry[] = []
    await walk(sourcePath, '', chunkSize, entries, skipped)
    index = { entries }
  } else if (stats.isFile()) {
    index = { entries: [await fileEntry(sourcePath, name, chunkSize)] }
  } else {
    throw new PigeonError('FILE_OFFER_INVALID', `${sourcePath} is neither a file nor a folder.`)
  }
  const indexBytes = encodeFileIndex(index)
  const indexSha256 = sha256(indexBytes)
  const size = index.entries.reduce((sum, entry) => sum + entry.size, 0)
  const entry = index.entries[0]!
  let offer: FileOfferBody
  if (stats.isDirectory()) {
    offer = {
      ...base,
      size,
      sha256: indexSha256,
      directory: true,
      indexSize: indexBytes.length,
      indexSha256,
    }
  } else if (entry.chunkHashes.length / 32 <= LIMITS.fileInlineChunkHashes) {
    offer = { ...base, size, sha256: entry.sha256, chunkHashes: entry.chunkHashes }
  } else {
    offer = { ...base, size, sha256: entry.sha256, indexSize: indexBytes.length, indexSha256 }
  }
  return { offer, index, indexBytes, skipped }
}
