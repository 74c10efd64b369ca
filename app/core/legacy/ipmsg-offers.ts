// What I offered to IP Messenger users and may serve (docs/protocol.md §15 "Files"): each offer is
// one transfer of mine, sent in a SENDMSG|FILEATTACHOPT as file id 0, and served only to the
// address it was sent to and only under the packet numbers it went out with (a retry by the
// outbox sends a new one, which is added). RELEASEFILES, the receiver having read it all, a
// cancel or the timeout forgets it. In memory only: an offer from before a restart is not served
// (IP Messenger clients forget theirs on restart too).
import type { FileOfferBody } from '../../../shared/envelope.js'
import { PigeonError } from '../../../shared/errors.js'
import { FileType } from './ipmsg-commands.js'
import { formatFileEntries } from './ipmsg-files.js'

export interface LegacyOffer {
  transferId: Uint8Array
  /** the legacy id it is for */
  peer: string
  sourcePath: string
  offer: FileOfferBody
  /** where its SENDMSGs went, and their packet numbers */
  address?: string
  packetNos: Set<number>
  expiresAt: number
}

const key = (id: Uint8Array): string => Buffer.from(id).toString('hex')

export class LegacyOffers {
  readonly #offers = new Map<string, LegacyOffer>()
  readonly #ttlMs: number
  readonly #now: () => number

  constructor(ttlMs: number, now: () => number = Date.now) {
    this.#ttlMs = ttlMs
    this.#now = now
  }

  add(peer: string, offer: FileOfferBody, sourcePath: string): void {
    const transferId = offer.transferId!
    const expiresAt = this.#now() + this.#ttlMs
    this.#offers.set(key(transferId), {
      transferId,
      peer,
      sourcePath,
      offer,
      packetNos: new Set(),
      expiresAt,
    })
  }

  get(transferId: Uint8Array): LegacyOffer | undefined {
    return this.#live(this.#offers.get(key(transferId)))
  }

  /**
   * Its SENDMSG goes to `address` as `packetNo`: served from now on under that number; the
   * attachment list to send. An offer from before a restart is refused for good.
   */
  attach(file: FileOfferBody, address: string, packetNo: number): Uint8Array {
    const offer = this.get(file.transferId!)
    if (offer === undefined)
      throw new PigeonError(
        'DELIVERY_REJECTED',
        'This file was offered to an IP Messenger user before Pigeon restarted and can no longer be served; send it again.',
      )
    if (offer.address !== address) offer.packetNos.clear()
    offer.address = address
    offer.packetNos.add(packetNo)
    offer.expiresAt = this.#now() + this.#ttlMs
    const attr = file.directory === true ? FileType.DIR : FileType.REGULAR
    const mtime = Math.floor((file.mtime ?? this.#now()) / 1000)
    return formatFileEntries([{ fileId: 0, name: file.name, size: file.size, mtime, attr }])
  }

  /** the offer a request from `address` names; only file id 0 exists (one item per SENDMSG) */
  find(address: string, packetNo: number, fileId: number): LegacyOffer | undefined {
    if (fileId !== 0) return undefined
    for (const offer of this.#offers.values())
      if (offer.address === address && offer.packetNos.has(packetNo)) return this.#live(offer)
    return undefined
  }

  remove(transferId: Uint8Array): LegacyOffer | undefined {
    const offer = this.#offers.get(key(transferId))
    this.#offers.delete(key(transferId))
    return offer
  }

  #live(offer: LegacyOffer | undefined): LegacyOffer | undefined {
    if (offer === undefined || offer.expiresAt > this.#now()) return offer
    this.#offers.delete(key(offer.transferId))
    return undefined
  }
}
