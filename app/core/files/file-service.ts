// /pigeon/file/1.0.0 on a libp2p node (docs/protocol.md §11), in the shape of @libp2p/ping and
// the chat service: start() registers the handler, stop() removes it. It serves only transfers
// in the offer table, each only to the peer it was offered to, and pulls offered transfers into
// a target directory (file-receiver.ts).
import type { Connection, Libp2p, Stream } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import type { Multiaddr } from '@multiformats/multiaddr'
import type { Database } from 'better-sqlite3'
import { PigeonError } from '../../../shared/errors.js'
import type { FileOfferBody } from '../../../shared/envelope.js'
import { silentLogger, type Logger } from '../log.js'
import { answerChannel, openChannel } from './data-channel-handshake.js'
import type { FileConduit } from './file-conduit.js'
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
  /**
   * the data channel (docs/protocol.md §13): `host` is the address its ephemeral ports listen
   * on, the one libp2p listens on (default: loopback for a peer on loopback, else every address
   * of the peer's family, as libp2p's own `0.0.0.0` listener);
   * false: serve and pull on the libp2p stream only
   */
  dataChannel?: { host?: string } | false
  /** refused data-channel connections are logged here with their code */
  log?: Logger
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
  /** data-channel connections accepted (before they proved the key), for the tests and the bench */
  channels = 0
  readonly #offers: OfferTable
  readonly #serving = new Set<FileConduit>()
  readonly #log: Logger

  readonly #init: FileServiceInit

  constructor(init: FileServiceInit) {
    this.#init = init
    this.#offers = new OfferTable(init.db)
    this.#log = init.log ?? silentLogger()
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
      openStream: async () => {
        const { stream, remoteAddr } = await this.#dialWithAddress(request.from, request.signal)
        if (this.#init.dataChannel === false || request.offer.transferId === undefined)
          return stream
        return openChannel({
          stream,
          host: ipOf(remoteAddr),
          transferId: request.offer.transferId,
          chunkSize: request.offer.chunkSize ?? 0,
          receiver: this.#init.node.peerId.toString(),
          sender: request.from,
          log: this.#log,
        })
      },
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
    return (await this.#dialWithAddress(peer, signal)).stream
  }

  async #dialWithAddress(
    peer: string,
    signal?: AbortSignal,
  ): Promise<{ stream: Stream; remoteAddr: Multiaddr }> {
    const timeout = AbortSignal.timeout(this.#init.dialTimeoutMs ?? 5_000)
    const options = { signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]) }
    try {
      const connection = await this.#init.node.dial(peerIdFromString(peer), options)
      const stream = await connection.newStream(FILE_PROTOCOL, options)
      return { stream, remoteAddr: connection.remoteAddr }
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
    const peerHost = ipOf(connection.remoteAddr)
    const serve = {
      remotePeer: peer,
      offers: this.#offers,
      counters: this.counters,
      onClose: (transferId: Uint8Array, outcome: FileCloseOutcome) => {
        // a group's other members may still pull it
        this.#offers.withdraw(transferId, peer)
        this.#init.onClosed?.(transferId, peer, outcome)
      },
    }
    const channelInit = this.#init.dataChannel
    serveFileStream(stream, {
      ...serve,
      ...(channelInit !== false &&
        peerHost !== undefined && {
          onChannel: (transferId, secret) =>
            answerChannel({
              host: channelInit?.host ?? defaultChannelHost(peerHost),
              peerHost,
              transferId,
              receiverSecret: secret,
              receiver: peer,
              sender: this.#init.node.peerId.toString(),
              log: this.#log,
              onChannel: (channel) => {
                this.#serving.add(channel)
                void channel.closed.then(() => this.#serving.delete(channel))
                this.channels++
                serveFileStream(channel, serve)
              },
            }),
        }),
    })
  }
}

/** the IP address of a TCP multiaddr (the data channel's host), if it has one */
function ipOf(address: Multiaddr): string | undefined {
  return address.getComponents().find((c) => c.name === 'ip4' || c.name === 'ip6')?.value
}

/**
 * Where a channel port listens when nobody said: loopback for a peer on loopback (tests, two
 * nodes on one machine), else every address of the peer's family, like libp2p's `0.0.0.0`.
 */
function defaultChannelHost(peerHost: string): string {
  if (peerHost === '::1') return '::1'
  if (peerHost.startsWith('127.')) return '127.0.0.1'
  return peerHost.includes(':') ? '::' : '0.0.0.0'
}

/** The factory the node composition calls once the store and the libp2p node exist. */
export function createFileService(init: FileServiceInit): FileService {
  return new FileService(init)
}
