// Files between Pigeon and IP Messenger users, as the files capability sees them
// (app/core/files/foreign-files.ts; docs/protocol.md §15 "Files"). An attachment of a SENDMSG
// becomes a real `file offer` in the conversation: its transfer id carries the SENDMSG's packet
// number and the file's id (so accepting it later, even after a restart, knows what to ask for),
// its hashes are empty — IPMsg has none — and accepting pulls it over TCP (ipmsg-fetch.ts);
// declining or cancelling sends RELEASEFILES. My own offers are recorded here and served by
// ipmsg-file-server.ts once their SENDMSG went out.
import { randomBytes } from 'node:crypto'
import { newMessageId, type EnvelopeOf, type FileOfferBody } from '../../../shared/envelope.js'
import { PigeonError } from '../../../shared/errors.js'
import { LIMITS } from '../../../shared/limits.js'
import type { FileCloseOutcome } from '../files/file-frames.js'
import type { ForeignFiles, ForeignReceive } from '../files/foreign-files.js'
import { checkOfferName } from '../files/safe-path.js'
import { FileType } from './ipmsg-commands.js'
import { fetchLegacyFile } from './ipmsg-fetch.js'
import type { IpmsgFileEntry } from './ipmsg-files.js'
import type { LegacyOffers } from './ipmsg-offers.js'
import type { Endpoint } from './ipmsg-socket.js'

export interface IpmsgTransfersInit {
  offers: LegacyOffers
  /** where a legacy peer is now (its TCP port is its UDP port), if it is on the LAN */
  endpoint: (peerId: string) => Endpoint | undefined
  me: { user: string; host: string }
  nextPacketNo: () => number
  /** RELEASEFILES for the SENDMSG `packetNo` */
  release: (to: Endpoint, packetNo: number) => void
}

const NO_HASH = new Uint8Array(32)

/** packet number (8 bytes) | file id (4) | random (4): unique across a peer's restarts */
export function legacyTransferId(packetNo: number, fileId: number): Uint8Array {
  const id = Buffer.alloc(16)
  id.writeBigUInt64BE(BigInt(packetNo), 0)
  id.writeUInt32BE(fileId, 8)
  randomBytes(4).copy(id, 12)
  return new Uint8Array(id)
}

export function parseLegacyTransferId(id: Uint8Array): { packetNo: number; fileId: number } {
  const bytes = Buffer.from(id.buffer, id.byteOffset, id.byteLength)
  return { packetNo: Number(bytes.readBigUInt64BE(0)), fileId: bytes.readUInt32BE(8) }
}

/**
 * One offer envelope per acceptable attachment; a refused name (`../`, absolute, reserved…) or an
 * impossible size goes to `refuse` and is left out.
 */
export function offersFrom(
  sender: string,
  me: string,
  packetNo: number,
  files: readonly IpmsgFileEntry[],
  refuse: (why: string) => void,
): EnvelopeOf<'file-offer'>[] {
  const out: EnvelopeOf<'file-offer'>[] = []
  for (const file of files) {
    try {
      checkOfferName(file.name)
      if (file.size > LIMITS.fileMaxBytes || file.fileId > 0xffff_ffff)
        throw new PigeonError('FILE_OFFER_INVALID', `${file.name} announces ${file.size} bytes.`)
    } catch (error) {
      refuse(`refused an IPMsg file entry: ${(error as Error).message}`)
      continue
    }
    const folder = (file.attr & 0xff) === FileType.DIR
    const body: FileOfferBody = {
      name: file.name,
      size: file.size,
      sha256: NO_HASH,
      ...(folder && { directory: true }),
      transferId: legacyTransferId(packetNo, file.fileId),
      mtime: file.mtime * 1000,
      // the LAN fields the offer format requires (docs/protocol.md §10); IPMsg has no hashes
      chunkSize: LIMITS.fileChunkBytes,
      indexSize: 0,
      indexSha256: NO_HASH,
    }
    const at = Date.now()
    out.push({
      kind: 'file-offer',
      id: newMessageId(at),
      sender,
      to: { peer: me },
      sentAt: at,
      file: body,
    })
  }
  return out
}

export class IpmsgTransfers implements ForeignFiles {
  readonly #init: IpmsgTransfersInit

  constructor(init: IpmsgTransfersInit) {
    this.#init = init
  }

  offer(peer: string, offer: FileOfferBody, sourcePath: string): void {
    this.#init.offers.add(peer, offer, sourcePath)
  }

  async receive(request: ForeignReceive): Promise<{ path: string }> {
    const from = this.#init.endpoint(request.peer)
    if (from === undefined)
      throw new PigeonError(
        'PEER_UNREACHABLE',
        `${request.peer} is not on the IP Messenger LAN now; the file is fetched once they are back.`,
      )
    const { packetNo, fileId } = parseLegacyTransferId(request.transferId)
    const { offer } = request
    return await fetchLegacyFile({
      from,
      me: { ...this.#init.me, packetNo: this.#init.nextPacketNo() },
      packetNo,
      fileId,
      name: offer.name,
      size: offer.size,
      folder: offer.directory === true,
      mtime: offer.mtime === undefined ? undefined : Math.floor(offer.mtime / 1000),
      transferId: request.transferId,
      targetDir: request.targetDir,
      signal: request.signal,
      onProgress: request.onProgress,
    })
  }

  close(peer: string, transferId: Uint8Array, outcome: FileCloseOutcome): void {
    // a legacy sender is told nothing on success: it saw every byte go
    if (outcome === 'done') return
    const to = this.#init.endpoint(peer)
    if (to !== undefined) this.#init.release(to, parseLegacyTransferId(transferId).packetNo)
  }

  withdraw(transferId: Uint8Array): void {
    this.#init.offers.remove(transferId)
  }
}
