// The receiver's download of a relay blob (docs/protocol.md §12 "In the app"): the same partial
// folder as a LAN pull (§11 "Writing"), filled from the decrypted bundle (blob-bundle.ts). Each
// STREAM chunk is authenticated before any of its plaintext is used, each file chunk is checked
// against its offered SHA-256 before it is written, each file against its whole SHA-256, and the
// item is moved into place only when all match. Resume: what the partial folder holds is verified
// chunk by chunk; the download restarts (HTTP Range) at the blob chunk that holds the first byte
// not verified, so at most one blob chunk is fetched twice.
import { createHash } from 'node:crypto'
import { constants } from 'node:fs'
import { mkdir, open, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import {
  BLOB_HEADER_BYTES,
  chunkOffset,
  decryptBlob,
  parseBlobHeader,
  type BlobHeader,
} from '../../../shared/blob-stream.js'
import { PigeonError } from '../../../shared/errors.js'
import type { FileOfferBody } from '../../../shared/envelope.js'
import {
  chunkCount,
  chunkLength,
  decodeFileIndex,
  SHA256_BYTES,
  sha256,
  type FileEntry,
  type FileIndex,
} from '../../../shared/file-index.js'
import { indexLength } from './blob-bundle.js'
import { ExactReader } from './exact-reader.js'
import { PARTIAL_DIR } from './file-receiver.js'
import { checkIndex, inlineIndex } from './receive-index.js'
import { hashFile } from './prepare-offer.js'
import type { RelayBlobs } from './relay-blobs.js'
import { checkOfferName, refuseSymlinks } from './safe-path.js'
import { uniqueName } from './unique-name.js'

export interface DownloadRequest {
  blobs: RelayBlobs
  offer: FileOfferBody
  targetDir: string
  signal: AbortSignal
  onProgress: (bytesDone: number) => void
}

export interface DownloadResult {
  path: string
  /** plaintext bytes this call took from the relay (a resume takes only what is missing) */
  bytesReceived: number
}

const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

/** the partial folder of a transfer and the index file kept next to it */
export function partialPaths(
  targetDir: string,
  transferId: Uint8Array,
): { root: string; index: string } {
  const root = join(targetDir, PARTIAL_DIR, hex(transferId))
  return { root, index: `${root}.index` }
}

/** Deletes what was received of a transfer (cancel): its partial folder and index. */
export async function removePartial(targetDir: string, transferId: Uint8Array): Promise<void> {
  const partial = partialPaths(targetDir, transferId)
  await rm(partial.root, { recursive: true, force: true })
  await rm(partial.index, { force: true })
}

function chunkHash(entry: FileEntry, chunk: number): Uint8Array {
  return entry.chunkHashes.subarray(chunk * SHA256_BYTES, (chunk + 1) * SHA256_BYTES)
}

/** where writing resumes: the first file not whole on disk, and its first chunk not verified */
interface ResumePoint {
  file: number
  chunk: number
  /** plaintext position of that chunk in the bundle */
  position: number
  /** item bytes verified on disk */
  kept: number
}

async function leadingVerifiedChunks(
  path: string,
  entry: FileEntry,
  chunkSize: number,
): Promise<number> {
  const handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW).catch(() => undefined)
  if (handle === undefined) return 0
  try {
    const size = (await handle.stat()).size
    const buffer = Buffer.allocUnsafe(Math.min(chunkSize, Math.max(1, entry.size)))
    for (let i = 0; i < chunkCount(entry.size, chunkSize); i++) {
      const length = chunkLength(entry.size, chunkSize, i)
      if (i * chunkSize + length > size) return i
      await handle.read(buffer, 0, length, i * chunkSize)
      const digest = createHash('sha256').update(buffer.subarray(0, length)).digest()
      if (!digest.equals(chunkHash(entry, i))) return i
    }
    return chunkCount(entry.size, chunkSize)
  } finally {
    await handle.close()
  }
}

async function resumePoint(
  files: FileEntry[],
  pathOf: (entry: FileEntry) => string,
  start: number,
  chunkSize: number,
): Promise<ResumePoint> {
  let position = start
  let kept = 0
  for (const [file, entry] of files.entries()) {
    const chunks = chunkCount(entry.size, chunkSize)
    const verified = await leadingVerifiedChunks(pathOf(entry), entry, chunkSize)
    const whole =
      verified === chunks &&
      hex((await hashFile(pathOf(entry), chunkSize, entry.size)).sha256) === hex(entry.sha256)
    if (!whole) {
      const chunk = verified === chunks ? 0 : verified
      return { file, chunk, position: position + chunk * chunkSize, kept: kept + chunk * chunkSize }
    }
    position += entry.size
    kept += entry.size
  }
  return { file: files.length, chunk: 0, position, kept }
}

async function knownIndex(offer: FileOfferBody, indexPath: string): Promise<FileIndex | undefined> {
  if (indexLength(offer) === 0) return inlineIndex(offer)
  const bytes = await readFile(indexPath).catch(() => undefined)
  if (bytes === undefined || hex(sha256(bytes)) !== hex(offer.indexSha256!)) return undefined
  return decodeFileIndex(bytes, offer.chunkSize!)
}

export async function downloadBlob(request: DownloadRequest): Promise<DownloadResult> {
  const { offer, targetDir } = request
  const { transferId, chunkSize, blobId, blobKey } = offer
  if (
    transferId === undefined ||
    chunkSize === undefined ||
    blobId === undefined ||
    blobKey === undefined
  )
    throw new PigeonError('FILE_OFFER_INVALID', 'The offer names no relay blob to download.')
  checkOfferName(offer.name)
  const partial = partialPaths(targetDir, transferId)
  const itemRoot = join(partial.root, offer.name)
  await refuseSymlinks(targetDir, [PARTIAL_DIR, hex(transferId), offer.name])
  await mkdir(partial.root, { recursive: true })
  const segmentsOf = (entry: FileEntry): string[] =>
    offer.directory === true ? [offer.name, ...entry.path.split('/')] : [offer.name]
  const pathOf = (entry: FileEntry): string => join(partial.root, ...segmentsOf(entry))
  const prepare = async (index: FileIndex): Promise<FileEntry[]> => {
    checkIndex(index, offer, chunkSize)
    if (offer.directory === true) await mkdir(itemRoot, { recursive: true })
    for (const entry of index.entries) {
      const parent = entry.directory ? segmentsOf(entry) : segmentsOf(entry).slice(0, -1)
      await refuseSymlinks(partial.root, parent)
      await mkdir(join(partial.root, ...parent), { recursive: true })
    }
    return index.entries.filter((entry) => !entry.directory)
  }

  const index = await knownIndex(offer, partial.index)
  const files = index === undefined ? [] : await prepare(index)
  const point =
    index === undefined
      ? { file: 0, chunk: 0, position: 0, kept: 0 }
      : await resumePoint(files, pathOf, indexLength(offer), chunkSize)
  const bytesDone = point.kept
  request.onProgress(bytesDone)

  let bytesReceived = 0
  if (index === undefined || point.file < files.length) {
    const got = await fetchMissing(
      request,
      index,
      point,
      files,
      pathOf,
      prepare,
      partial.index,
      bytesDone,
    )
    bytesReceived = got
  }
  const finalName = await uniqueName(targetDir, offer.name)
  await rename(itemRoot, join(targetDir, finalName))
  await rm(partial.root, { recursive: true, force: true })
  await rm(partial.index, { force: true })
  const partialDir = join(targetDir, PARTIAL_DIR)
  if ((await readdir(partialDir).catch(() => ['?'])).length === 0)
    await rmdir(partialDir).catch(() => undefined)
  return { path: join(targetDir, finalName), bytesReceived }
}

/** Downloads from the first blob chunk not verified on disk and writes the missing chunks. */
async function fetchMissing(
  request: DownloadRequest,
  known: FileIndex | undefined,
  point: ResumePoint,
  knownFiles: FileEntry[],
  pathOf: (entry: FileEntry) => string,
  prepare: (index: FileIndex) => Promise<FileEntry[]>,
  indexPath: string,
  doneBefore: number,
): Promise<number> {
  const { blobs, offer, signal } = request
  const { chunkSize, blobId, blobKey } = offer as Required<FileOfferBody>
  let index = known
  let files = knownFiles
  // the blob from the STREAM chunk that holds the first byte not verified (§12 "Resume")
  let header: BlobHeader
  let fromChunk = 0
  let sealed: AsyncIterable<Uint8Array>
  if (point.position === 0) {
    const raw = new ExactReader(await blobs.download(blobId, 0, signal))
    header = parseBlobHeader(await raw.read(BLOB_HEADER_BYTES, 'the header'))
    sealed = raw.rest()
  } else {
    header = parseBlobHeader(await blobs.header(blobId, signal))
    fromChunk = Math.floor(point.position / header.chunkBytes)
    sealed = await blobs.download(blobId, chunkOffset(header, fromChunk), signal)
  }
  const reader = new ExactReader(decryptBlob(blobKey, header, sealed, fromChunk))
  await reader.read(point.position - fromChunk * header.chunkBytes, 'the verified part')
  if (index === undefined) {
    const bytes = await reader.read(indexLength(offer), 'the index')
    if (hex(sha256(bytes)) !== hex(offer.indexSha256!))
      throw new PigeonError(
        'FILE_OFFER_INVALID',
        "The transfer's index does not match the SHA-256 in the offer.",
      )
    await writeFile(indexPath, bytes)
    index = decodeFileIndex(bytes, chunkSize)
    files = await prepare(index)
  }
  let bytesReceived = 0
  let bytesDone = doneBefore
  for (let f = point.file; f < files.length; f++) {
    const entry = files[f]!
    const first = f === point.file ? point.chunk : 0
    const path = pathOf(entry)
    const handle = await open(
      path,
      constants.O_RDWR | constants.O_CREAT | constants.O_NOFOLLOW,
      0o644,
    )
    try {
      await handle.truncate(first * chunkSize)
      for (let chunk = first; chunk < chunkCount(entry.size, chunkSize); chunk++) {
        const length = chunkLength(entry.size, chunkSize, chunk)
        const bytes = await reader.read(length, JSON.stringify(entry.path))
        if (!createHash('sha256').update(bytes).digest().equals(chunkHash(entry, chunk)))
          throw new PigeonError(
            'FILE_CHUNK_CORRUPT',
            `Chunk ${chunk} of ${JSON.stringify(entry.path)} does not match its offered SHA-256; nothing of it was written.`,
          )
        await handle.write(bytes, 0, length, chunk * chunkSize)
        bytesDone += length
        bytesReceived += length
        request.onProgress(bytesDone)
      }
      if (hex((await hashFile(path, chunkSize, entry.size)).sha256) !== hex(entry.sha256)) {
        await handle.truncate(0)
        throw new PigeonError(
          'FILE_HASH_MISMATCH',
          `${JSON.stringify(entry.path)} arrived whole but its SHA-256 is not the offered one; it was discarded.`,
        )
      }
      if (entry.mtime !== undefined) await handle.utimes(new Date(), new Date(entry.mtime))
    } finally {
      await handle.close()
    }
  }
  // the last chunk was opened as the last one (STREAM): nothing was cut off, nothing may follow
  await reader.end()
  return bytesReceived
}
