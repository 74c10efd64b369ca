// What a relay blob's plaintext holds (docs/protocol.md §12 "In the app"): for an offer with an
// index (a folder, or a file of more than 256 chunks), the encoded index, then every file of it
// in index order, back to back; for a file with inline chunk hashes, just the file. Directories
// take no bytes (they are in the index). Sender and receiver read the same list from here.
import type { FileOfferBody } from '../../../shared/envelope.js'
import { decodeFileIndex, type FileEntry } from '../../../shared/file-index.js'
import { inlineIndex } from './receive-index.js'
import { LIMITS } from '../../../shared/limits.js'

/** the bytes of the index that starts the plaintext: 0 for an offer with inline hashes */
export function indexLength(offer: FileOfferBody): number {
  return offer.indexSha256 === undefined ? 0 : (offer.indexSize ?? 0)
}

/** the files in the order their bytes follow each other in the plaintext */
export function bundleFiles(indexBytes: Uint8Array, offer: FileOfferBody): FileEntry[] {
  const index =
    indexBytes.length === 0
      ? inlineIndex(offer)
      : decodeFileIndex(indexBytes, offer.chunkSize ?? LIMITS.fileChunkBytes)
  return index.entries.filter((entry) => !entry.directory)
}
