// The sender's end of one /pigeon/file/1.0.0 stream, or of the data channel agreed on it
// (docs/protocol.md §11, §13; both are a FileConduit): answers the
// receiver's requests in order, one DATA frame per chunk, and never runs ahead of the credit the
// receiver granted (in bytes). Backpressure is ours to apply: stream.send() queues whatever it is given
// (yamux's write buffer has no limit by default) and only returns false once the yamux window or
// the socket is full, so after a false we wait for stream.onDrain() before reading the next chunk
// from disk (the data channel's send() returns false once the socket's buffer is full, the same
// rule). Memory per stream: one chunk being read, plus what yamux or the socket holds.
import { open, stat, type FileHandle } from 'node:fs/promises'
import { join } from 'node:path'
import type { Uint8ArrayList } from 'uint8arraylist'
import { chunkCount, chunkLength, INDEX_ENTRY, type FileEntry } from '../../../shared/file-index.js'
import { FrameDecoder } from '../net/framing.js'
import type { FileConduit } from './file-conduit.js'
import {
  dataFrame,
  decodeControl,
  errorFrame,
  FileErrorReason,
  MAX_CONTROL_FRAME_BYTES,
  type FileCloseOutcome,
  type FileRequest,
} from './file-frames.js'
import type { OfferedTransfer, OfferTable } from './offer-table.js'

export interface SenderCounters {
  /** chunk bytes put on streams, all transfers together (the resume test and the bench read it) */
  bytesSent: number
  chunksSent: number
}

/** requested files opened ahead of the one being sent */
const PREFETCH_FILES = 8

class Refusal extends Error {
  constructor(
    readonly reason: FileErrorReason,
    message: string,
  ) {
    super(message)
  }
}

export interface ServeOptions {
  remotePeer: string
  offers: OfferTable
  counters: SenderCounters
  onClose?: (transferId: Uint8Array, outcome: FileCloseOutcome) => void
  /** answers CHANNEL (docs/protocol.md §13); absent: ERROR reason 4, pull on this stream */
  onChannel?: (transferId: Uint8Array, secret: Uint8Array) => Promise<Uint8ArrayList>
}

/** Serves one /pigeon/file/1.0.0 stream or data channel (both carry §11's frames). */
export function serveFileStream(stream: FileConduit, options: ServeOptions): void {
  const { remotePeer, offers, counters } = options
  const decoder = new FrameDecoder(MAX_CONTROL_FRAME_BYTES)
  const requests: FileRequest[] = []
  let credit = 0
  let wake: (() => void) | undefined
  let closed = false
  let remoteDone = false
  const notify = (): void => {
    const resolve = wake
    wake = undefined
    resolve?.()
  }
  const waitFor = async (ready: () => boolean): Promise<void> => {
    while (!ready() && !closed) await new Promise<void>((resolve) => (wake = resolve))
  }

  let channelAsked = false
  const answerChannel = async (transferId: Uint8Array, secret: Uint8Array): Promise<void> => {
    // a channel only for a transfer offered to this peer; anyone else learns nothing (reason 1);
    // one per stream, so a peer cannot make the sender open port after port
    const first = !channelAsked
    channelAsked = true
    const reply =
      offers.get(transferId, remotePeer) === undefined
        ? errorFrame(FileErrorReason.unknownTransfer, 'No such transfer was offered to you.')
        : options.onChannel === undefined || !first
          ? errorFrame(FileErrorReason.noChannel, 'No data channel; pull on this stream.')
          : await options.onChannel(transferId, secret)
    if (!closed) stream.send(reply)
  }

  // the reader: control frames as they come; its end is the receiver closing its side (it has
  // everything, or it moved to a data channel): finish what is queued, then close ours
  void (async () => {
    try {
      for await (const data of stream) {
        for (const frame of decoder.push(data)) {
          const control = decodeControl(frame)
          if (control.type === 'credit') credit += control.bytes
          else if (control.type === 'request') requests.push(control)
          else if (control.type === 'channel')
            void answerChannel(control.transferId, control.secret)
          // only the peer it was offered to can close it (anyone else learns nothing: reason 1)
          else if (offers.get(control.transferId, remotePeer) !== undefined)
            options.onClose?.(control.transferId, control.outcome)
        }
        notify()
      }
      remoteDone = true
    } catch (error) {
      closed = true
      stream.abort(error as Error)
    }
    notify()
  })()

  const send = async (frame: ReturnType<typeof dataFrame>): Promise<void> => {
    if (!stream.send(frame)) await stream.onDrain()
  }

  // the next few requested files are opened (and checked unchanged) while this one is sent, so
  // a folder of many small files does not wait for the disk once per file
  const prefetched = new Map<FileRequest, Promise<FileHandle>>()
  const openFor = (offer: OfferedTransfer, entry: FileEntry, request: FileRequest) => {
    let opening = prefetched.get(request)
    if (opening === undefined) {
      opening = openUnchanged(offer, entry)
      opening.catch(() => undefined)
      prefetched.set(request, opening)
    }
    return opening
  }
  const prefetch = (): void => {
    for (const next of requests.slice(0, PREFETCH_FILES)) {
      const offer = offers.get(next.transferId, remotePeer)
      const entry = next.entry === INDEX_ENTRY ? undefined : offer?.index.entries[next.entry]
      if (offer !== undefined && entry !== undefined && !entry.directory)
        void openFor(offer, entry, next)
    }
  }

  const serve = async (request: FileRequest): Promise<void> => {
    const offer = offers.get(request.transferId, remotePeer)
    if (offer === undefined)
      throw new Refusal(FileErrorReason.unknownTransfer, 'No such transfer was offered to you.')
    if (request.entry === INDEX_ENTRY) {
      const bytes = offer.indexBytes
      checkRange(request, chunkCount(bytes.length, offer.chunkSize))
      for (let i = request.first; i < request.first + request.count; i++) {
        const length = chunkLength(bytes.length, offer.chunkSize, i)
        await waitFor(() => credit >= length)
        if (closed) return
        credit -= length
        await send(dataFrame(i, bytes.subarray(i * offer.chunkSize, i * offer.chunkSize + length)))
      }
      return
    }
    const entry = offer.index.entries[request.entry]
    if (entry === undefined || entry.directory)
      throw new Refusal(FileErrorReason.badRange, 'The transfer has no such file.')
    checkRange(request, chunkCount(entry.size, offer.chunkSize))
    const opening = openFor(offer, entry, request)
    prefetched.delete(request)
    prefetch()
    const handle = await opening
    try {
      for (let i = request.first; i < request.first + request.count; i++) {
        const length = chunkLength(entry.size, offer.chunkSize, i)
        await waitFor(() => credit >= length)
        if (closed) return
        credit -= length
        // a fresh buffer per chunk: yamux keeps a reference until the bytes are on the socket
        const buffer = new Uint8Array(length)
        const { bytesRead } = await handle.read(buffer, 0, length, i * offer.chunkSize)
        if (bytesRead !== length)
          throw new Refusal(
            FileErrorReason.sourceChanged,
            `${entry.path} changed on the sender's disk since it was offered.`,
          )
        await send(dataFrame(i, buffer))
        counters.bytesSent += length
        counters.chunksSent++
      }
    } finally {
      void handle.close().catch(() => undefined)
    }
  }

  void (async () => {
    try {
      for (;;) {
        await waitFor(() => requests.length > 0 || remoteDone)
        if (closed) return
        const request = requests.shift()
        if (request === undefined) {
          await stream.close()
          return
        }
        await serve(request)
      }
    } catch (error) {
      if (closed) return
      if (error instanceof Refusal) {
        stream.send(errorFrame(error.reason, error.message))
        await stream.close().catch(() => undefined)
      } else {
        stream.abort(error as Error)
      }
    } finally {
      for (const opening of prefetched.values())
        void opening.then((handle) => handle.close()).catch(() => undefined)
    }
  })()
}

function checkRange(request: FileRequest, chunks: number): void {
  if (request.count === 0 || request.first + request.count > chunks)
    throw new Refusal(FileErrorReason.badRange, 'The requested chunks are not in the offered file.')
}

/** Opens the offered file, refusing it if its size or time differ from the offer's. */
async function openUnchanged(offer: OfferedTransfer, entry: FileEntry): Promise<FileHandle> {
  const path = offer.directory ? join(offer.sourcePath, ...entry.path.split('/')) : offer.sourcePath
  try {
    const stats = await stat(path)
    if (
      stats.size !== entry.size ||
      (entry.mtime !== undefined && Math.floor(stats.mtimeMs) !== entry.mtime)
    ) {
      throw new Refusal(
        FileErrorReason.sourceChanged,
        `${entry.path} changed on the sender's disk since it was offered; ask for it again.`,
      )
    }
    return await open(path, 'r')
  } catch (error) {
    if (error instanceof Refusal) throw error
    throw new Refusal(
      FileErrorReason.sourceChanged,
      `${entry.path} can no longer be read on the sender's disk.`,
    )
  }
}
