// The bridge's file half (docs/protocol.md §15 "Files"): my offers (ipmsg-offers.ts), the TCP
// server that serves them on the UDP port's number (ipmsg-file-server.ts), and the transfer path
// the files capability uses for legacy peers (ipmsg-transfers.ts). Kept out of ipmsg-bridge.ts,
// which is about the datagrams.
import type { FileOfferBody } from '../../../shared/envelope.js'
import type { FileCloseOutcome } from '../files/file-frames.js'
import type { Logger } from '../log.js'
import { Mode } from './ipmsg-commands.js'
import { IpmsgFileServer } from './ipmsg-file-server.js'
import { formatAnsweredNo } from './ipmsg-message.js'
import { LegacyOffers } from './ipmsg-offers.js'
import type { Endpoint } from './ipmsg-socket.js'
import { IpmsgTransfers } from './ipmsg-transfers.js'

/** what the bridge's options say about files (ipmsg-bridge.ts) */
export interface BridgeFilesOptions {
  user: string
  host: string
  /** how long an offer of mine is served after its SENDMSG; default a day */
  fileOfferTtlMs?: number
  logger: Logger
  /** one of my offers is finished with: every byte read ('done') or RELEASEFILES ('declined') */
  onFileClosed?: (transferId: Uint8Array, peer: string, outcome: FileCloseOutcome) => void
}

/** what it needs of the bridge */
export interface BridgeHooks {
  warn: (key: string, detail: object, message: string) => void
  endpoint: (peerId: string) => Endpoint | undefined
  nextPacketNo: () => number
  send: (command: number, extra: Uint8Array, to: Endpoint) => void
}

const DAY_MS = 24 * 3600_000

export class BridgeFiles {
  readonly foreign: IpmsgTransfers
  readonly #offers: LegacyOffers
  readonly #server: IpmsgFileServer
  readonly #options: BridgeFilesOptions

  constructor(options: BridgeFilesOptions, init: BridgeHooks) {
    this.#options = options
    this.#offers = new LegacyOffers(options.fileOfferTtlMs ?? DAY_MS)
    this.#server = new IpmsgFileServer({
      offers: this.#offers,
      log: options.logger,
      warn: init.warn,
      onServed: (offer) => this.#closed(offer.transferId, 'done'),
    })
    this.foreign = new IpmsgTransfers({
      offers: this.#offers,
      endpoint: init.endpoint,
      me: { user: options.user, host: options.host },
      nextPacketNo: init.nextPacketNo,
      release: (to, packetNo) => init.send(Mode.RELEASEFILES, formatAnsweredNo(packetNo), to),
    })
  }

  async listen(port: number, host: string, quiet = false): Promise<boolean> {
    return await this.#server.listen(port, host, quiet)
  }

  async close(): Promise<void> {
    await this.#server.close()
  }

  /** the attachment list of my offer's SENDMSG `packetNo` to `address` (ipmsg-offers.ts) */
  attach(file: FileOfferBody, address: string, packetNo: number): Uint8Array {
    return this.#offers.attach(file, address, packetNo)
  }

  /** RELEASEFILES from `address` for my SENDMSG `packetNo`: the receiver does not want it */
  released(address: string, packetNo: number): void {
    const offer = this.#offers.find(address, packetNo, 0)
    if (offer !== undefined) this.#closed(offer.transferId, 'declined')
  }

  #closed(transferId: Uint8Array, outcome: FileCloseOutcome): void {
    const offer = this.#offers.remove(transferId)
    if (offer !== undefined) this.#options.onFileClosed?.(transferId, offer.peer, outcome)
  }
}
