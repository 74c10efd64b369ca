// The receiver's view of what it pulls (docs/protocol.md §10–§11): the offer's LAN fields and
// the transfer's index, checked against the offer, and the reader of the sender's frames, which
// accepts only the chunk that is due, of the length the index says.
import { PigeonError } from '../../../shared/errors.js'
import type { FileOfferBody } from '../../../shared/envelope.js'
import {
  checkEntry,
  chunkCount,
  chunkLength,
  decodeFileIndex,
  INDEX_ENTRY,
  sha256,
  type FileEntry,
  type FileIndex,
} from '../../../shared/file-index.js'
import { FrameDecoder } from '../net/framing.js'
import type { FileConduit } from './file-conduit.js'
import {
  creditFrame,
  DATA_HEADER_BYTES,
  decodeSenderFrame,
  requestFrame,
  senderRefusal,
  type SenderFrame,
} from './file-frames.js'
import { checkIndexPaths, checkOfferName } from './safe-path.js'

export const hex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')

export function failed(message: string, cause?: unknown): PigeonError {
  return new PigeonError('FILE_TRANSFER_FAILED', message, { cause })
}

/** The offer's LAN fields, checked; the index comes from the offer itself or from the sender. */
export function lanOffer(offer: FileOfferBody): { transferId: Uint8Array; chunkSize: number } {
  if (offer.transferId === undefined || offer.chunkSize === undefined)
    throw new PigeonError(
      'FILE_OFFER_INVALID',
      'The offer has no LAN transfer; it can only be fetched through the relay.',
    )
  checkOfferName(offer.name)
  return { transferId: offer.transferId, chunkSize: offer.chunkSize }
}

/** Checks a fetched or inline index against the offer that announced it. */
export function checkIndex(index: FileIndex, offer: FileOfferBody, chunkSize: number): void {
  for (const entry of index.entries) checkEntry(entry, chunkSize)
  const total = index.entries.reduce((sum, entry) => sum + entry.size, 0)
  if (offer.directory === true) {
    checkIndexPaths(index.entries)
    if (total !== offer.size)
      throw new PigeonError(
        'FILE_SIZE_MISMATCH',
        `The folder is offered as ${offer.size} bytes but its files add up to ${total}; the offer is refused.`,
      )
    return
  }
  const only = index.entries[0]
  if (
    index.entries.length !== 1 ||
    only === undefined ||
    only.directory ||
    only.path !== offer.name ||
    only.size !== offer.size ||
    hex(only.sha256) !== hex(offer.sha256)
  ) {
    throw new PigeonError(
      'FILE_OFFER_INVALID',
      "The transfer's index does not describe the offered file.",
    )
  }
}

export class FrameReader {
  readonly #iterator: AsyncIterator<SenderFrame>

  constructor(stream: FileConduit, chunkSize: number) {
    const decoder = new FrameDecoder(chunkSize + DATA_HEADER_BYTES)
    this.#iterator = (async function* () {
      for await (const data of stream)
        for (const frame of decoder.push(data)) yield decodeSenderFrame(frame)
    })()
  }

  /** the next DATA frame, which must be chunk `chunk` of `length` bytes */
  async data(chunk: number, length: number, what: string): Promise<Uint8Array> {
    const next = await this.#iterator.next()
    if (next.done === true)
      throw failed(
        `The sender closed the transfer before all of ${what} arrived; resume it to continue.`,
      )
    const frame = next.value
    if (frame.type === 'error') throw senderRefusal(frame)
    // a CHANNEL_OPEN that came after the receiver stopped waiting for it (docs/protocol.md §13)
    if (frame.type === 'channel-open') return this.data(chunk, length, what)
    if (frame.chunk !== chunk)
      throw failed(`The sender sent chunk ${frame.chunk} of ${what} where chunk ${chunk} was due.`)
    if (frame.bytes.length > length)
      throw new PigeonError(
        'FILE_TOO_MANY_BYTES',
        `The sender sent more bytes for ${what} than it offered; the transfer is stopped.`,
      )
    if (frame.bytes.length < length)
      throw new PigeonError(
        'FILE_SIZE_MISMATCH',
        `The sender sent fewer bytes for ${what} than it offered.`,
      )
    return frame.bytes
  }
}

export function inlineIndex(offer: FileOfferBody): FileIndex {
  const entry: FileEntry = {
    path: offer.name,
    directory: false,
    size: offer.size,
    sha256: offer.sha256,
    chunkHashes: offer.chunkHashes ?? new Uint8Array(0),
  }
  if (offer.mtime !== undefined) entry.mtime = offer.mtime
  return { entries: [entry] }
}

export async function fetchIndex(
  offer: FileOfferBody,
  reader: FrameReader,
  stream: FileConduit,
  transferId: Uint8Array,
  chunkSize: number,
): Promise<FileIndex> {
  const size = offer.indexSize!
  const chunks = chunkCount(size, chunkSize)
  if (chunks > 0)
    stream.send(requestFrame({ transferId, entry: INDEX_ENTRY, first: 0, count: chunks }))
  const bytes = new Uint8Array(size)
  for (let i = 0; i < chunks; i++) {
    const length = chunkLength(size, chunkSize, i)
    bytes.set(await reader.data(i, length, 'the index'), i * chunkSize)
    stream.send(creditFrame(length))
  }
  if (hex(sha256(bytes)) !== hex(offer.indexSha256!))
    throw new PigeonError(
      'FILE_OFFER_INVALID',
      "The transfer's index does not match the SHA-256 in the offer.",
    )
  return decodeFileIndex(bytes, chunkSize)
}
