// The sender's upload of a relay blob (docs/protocol.md §12 "In the app"): the plaintext is the
// bundle — the offer's index (when it has one) followed by every file of the index in order —
// encrypted with the STREAM construction and PUT one sealed chunk per request. Resumable from
// any byte: the relay's `status` says how much it holds, and the same key and header give the
// same ciphertext again, so only the piece a kill -9 cut is sent twice (at most one chunk).
import { open, stat } from 'node:fs/promises'
import { join } from 'node:path'
import {
  BLOB_HEADER_BYTES,
  BLOB_TAG_BYTES,
  chunkOffset,
  encryptChunks,
  encryptedSize,
  parseBlobHeader,
} from '../../../shared/blob-stream.js'
import { PigeonError } from '../../../shared/errors.js'
import type { FileOfferBody } from '../../../shared/envelope.js'
import type { BlobUpload, BlobUploads } from './blob-uploads.js'
import type { RelayBlobs } from './relay-blobs.js'
import { bundleFiles } from './blob-bundle.js'

const READ_BYTES = 1024 * 1024

export interface UploadJob {
  blobs: RelayBlobs
  uploads: BlobUploads
  upload: BlobUpload
  offer: FileOfferBody
  signal: AbortSignal
  /** plaintext bytes of the item (not the index) the relay holds */
  onProgress: (bytesDone: number) => void
}

/** The bundle's plaintext from byte `from` on: the index, then each file, read 1 MiB at a time. */
async function* plaintextFrom(
  upload: BlobUpload,
  offer: FileOfferBody,
  from: number,
): AsyncGenerator<Uint8Array> {
  let skip = from
  if (skip < upload.index.length) yield upload.index.subarray(skip)
  skip = Math.max(0, skip - upload.index.length)
  for (const file of bundleFiles(upload.index, offer)) {
    if (skip >= file.size) {
      skip -= file.size
      continue
    }
    const path = offer.directory === true ? join(upload.sourcePath, file.path) : upload.sourcePath
    const stats = await stat(path)
    if (stats.size !== file.size)
      throw new PigeonError(
        'FILE_SOURCE_CHANGED',
        `${path} changed since it was offered (${stats.size} bytes, offered ${file.size}); send it again.`,
      )
    const handle = await open(path, 'r')
    try {
      for (let at = skip; at < file.size; at += READ_BYTES) {
        const buffer = Buffer.allocUnsafe(Math.min(READ_BYTES, file.size - at))
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, at)
        if (bytesRead !== buffer.length)
          throw new PigeonError('FILE_SOURCE_CHANGED', `${path} became shorter while it was sent.`)
        yield buffer
      }
    } finally {
      await handle.close()
    }
    skip = 0
  }
}

/** `source` from byte `skip` on, cut into pieces of `size` bytes (the last may be shorter) */
async function* pieces(
  source: AsyncIterable<Uint8Array>,
  skip: number,
  size: number,
): AsyncGenerator<Uint8Array> {
  let held: Buffer = Buffer.alloc(0)
  for await (const data of source) {
    let bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    if (skip > 0) {
      const dropped = Math.min(skip, bytes.length)
      bytes = bytes.subarray(dropped)
      skip -= dropped
    }
    held = held.length === 0 ? bytes : Buffer.concat([held, bytes])
    while (held.length >= size) {
      yield held.subarray(0, size)
      held = held.subarray(size)
    }
  }
  if (held.length > 0) yield held
}

/** Uploads (or finishes uploading) the blob; resolves once the relay holds every byte. */
export async function uploadBlob(job: UploadJob): Promise<void> {
  const { blobs, uploads, offer, signal } = job
  let upload = job.upload
  const header = parseBlobHeader(upload.header)
  const plainBytes = upload.index.length + offer.size
  const total = encryptedSize(plainBytes, header.chunkBytes)
  let received: number
  if (upload.blobId === null) {
    const created = await blobs.create(total, upload.recipients)
    uploads.created(upload.transferId, created.id, created.expiresAt)
    upload = { ...upload, blobId: created.id, expiresAt: created.expiresAt }
    received = 0
  } else received = (await blobs.status(upload.blobId)).received
  const sealedChunk = header.chunkBytes + BLOB_TAG_BYTES
  const progress = (at: number): void => {
    // plaintext bytes behind `at` sealed bytes: every chunk costs a 16-byte tag
    const plain = Math.floor(
      (Math.max(0, at - BLOB_HEADER_BYTES) * header.chunkBytes) / sealedChunk,
    )
    job.onProgress(Math.min(offer.size, Math.max(0, plain - upload.index.length)))
  }
  progress(received)
  if (received >= total) return
  const fromChunk =
    received < BLOB_HEADER_BYTES ? 0 : Math.floor((received - BLOB_HEADER_BYTES) / sealedChunk)
  const start = fromChunk === 0 ? 0 : chunkOffset(header, fromChunk)
  const sealed = encryptChunks(
    upload.key,
    header,
    plaintextFrom(upload, offer, fromChunk * header.chunkBytes),
    fromChunk,
  )
  async function* stream(): AsyncGenerator<Uint8Array> {
    if (fromChunk === 0) yield header.bytes
    yield* sealed
  }
  let at = received
  for await (const piece of pieces(stream(), received - start, sealedChunk)) {
    signal.throwIfAborted()
    at = await blobs.put(upload.blobId!, at, piece, signal)
    progress(at)
  }
  if (at !== total)
    throw new PigeonError(
      'FILE_SOURCE_CHANGED',
      `The upload ended at ${at} of ${total} bytes: the file changed while it was sent; send it again.`,
    )
}
