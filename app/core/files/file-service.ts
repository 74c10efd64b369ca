// /pigeon/file/1.0.0 on a libp2p node (docs/protocol.md §11), in the shape of @libp2p/ping and
// the chat service: start() registers the handler, stop() removes it. It serves only transfers
// in the offer table, each only to the peer it was offered to, and pulls offered transfers into
// a target directory (file-receiver.ts).
import type { Connection, Libp2p, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Database } from 'better-sqlite3'
import { PigeonError } from '../../../shared/errors.js'
import type { FileOfferBody } from '../../../shared/envelope.js'
import { closeFrame, FILE_PROTOCOL, type FileCloseOutcome } from './file-frames.js'
import { receiveTransfer, type ReceiveProgress, type ReceiveResult } from './file-receiver.js'
import { serveFileStream, type SenderCounters } from './file-sender.js'
import { OfferTable } from './offer-table.js'
import { prepareOffer, type PreparedOffer } from './prepare-offer.js'

export interface FileServiceInit {
  /** the libp2p node the protocol is registered on */
  node: Libp2p
  /** the store's database (schema ≥ 6: the file_offers table) */
  db: Database
  /** per connection; each is one transfer pulling, so a few is plenty */
  maxInboundStreams?: number
  dialTimeoutMs?: number
  /**
   * the receiver of one of my offers is finished with it (CLOSE, docs/protocol.md §11); the
   * offer is withdrawn before this is called
   */
  onClosed?: (transferId: Uint8Array, peer: string, outcome: FileCloseOutcome) => void
}

export interface ReceiveRequest {
  /** the peer that offered it: the envelope's sender */
  from: string
  offer: FileOfferBody
  targetDir: string
  onProgress?: (progress: ReceiveProgress) => void
  signal?: AbortSignal
}

export class FileService {
  readonly counters: SenderCounters = { bytesSent: 0, chunksSent: 0 }
  readonly #offers: OfferTable
  readonly #serving = new Set<Stream>()

  readonly #init: FileServiceInit

  constructor(init: FileServiceInit) {
    this.#init = init
    this.#offers = new OfferTable(init.db)
  }

  async start(): Promise<void> {
    await this.#init.node.handle(
      FILE_PROTOCOL,
      (stream, connection) => this.#handleStream(stream, connection),
      {
        maxInboundStreams: this.#init.maxInboundStreams ?? 8,
        maxOutboundStreams: 8,
      },
    )
  }

  /** Unregisters the protocol and ends the streams being served (a receiver resumes later). */
  async stop(): Promise<void> {
    await this.#init.node.unhandle(FILE_PROTOCOL)
    for (const stream of this.#serving) stream.abort(new Error('the file service stopped'))
    this.#serving.clear()
  }

  /**
   * Hashes the file or folder and records it as offered to `peer` (a group's members:
   * space-separated PeerIds); returns the offer body for
   * the `file offer` envelope (docs/protocol.md §10) that the caller sends on the chat path.
   */
  async offer(
    peer: string,
    sourcePath: string,
    options: { chunkSize?: number; mime?: string } = {},
  ): Promise<PreparedOffer> {
    const prepared = await prepareOffer(sourcePath, options)
    this.#offers.add({
      transferId: prepared.offer.transferId!,
      peer,
      sourcePath,
      directory: prepared.offer.directory === true,
      chunkSize: prepared.offer.chunkSize!,
      index: prepared.index,
      indexBytes: prepared.indexBytes,
    })
    return prepared
  }

  /** Stops serving a transfer (done, declined, cancelled). */
  withdraw(transferId: Uint8Array): void {
    this.#offers.withdraw(transferId)
  }

  /** the peers a transfer is still offered to: a group's members that have not closed it */
  offeredTo(transferId: Uint8Array): string[] {
    return this.#offers.peers(transferId)
  }

  /** Pulls an offered transfer into targetDir; call again with the same arguments to resume. */
  receive(request: ReceiveRequest): Promise<ReceiveResult> {
    return receiveTransfer({
      offer: request.offer,
      targetDir: request.targetDir,
      onProgress: request.onProgress,
      signal: request.signal,
      openStream: () => this.#dial(request.from, request.signal),
    })
  }

  /** Tells the offering peer I am finished with its transfer (CLOSE), so it stops serving it. */
  async close(from: string, transferId: Uint8Array, outcome: FileCloseOutcome): Promise<void> {
    const stream = await this.#dial(from)
    try {
      stream.send(closeFrame(transferId, outcome))
      await stream.close()
    } catch (error) {
      stream.abort(error as Error)
      throw error
    }
  }

  async #dial(peer: string, signal?: AbortSignal): Promise<Stream> {
    const timeout = AbortSignal.timeout(this.#init.dialTimeoutMs ?? 5_000)
    try {
      return await this.#init.node.dialProtocol(peerIdFromString(peer), FILE_PROTOCOL, {
        signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
      })
    } catch (cause) {
      throw new PigeonError(
        'PEER_UNREACHABLE',
        `Could not open a file stream to ${peer}: ${(cause as Error).message}`,
        { cause },
      )
    }
  }

  #handleStream(stream: Stream, connection: Connection): void {
    this.#serving.add(stream)
    stream.addEventListener('close', () => this.#serving.delete(stream))
    const peer = connection.remotePeer.toString()
    serveFileStream(stream, peer, this.#offers, this.counters, (transferId, outcome) => {
      // a group's other members may still pull it
      this.#offers.withdraw(transferId, peer)
      this.#init.onClosed?.(transferId, peer, outcome)
    })
  }
}

/** The factory the node composition calls once the store and the libp2p node exist. */
export function createFileService(init: FileServiceInit): FileService {
  return new FileService(init)
}
