// The relay half of transfers (docs/protocol.md §12 "In the app"): for a peer the LAN does not
// reach, the sender encrypts the item into one blob (blob-bundle.ts), uploads it once
// (blob-upload.ts) and only then lets the outbox send the offer, now carrying the blob id and key
// inside the sealed envelope (§3). The receiver downloads and verifies it (blob-download.ts) and
// DELETEs it at the relay once the item is in place; the relay forgets a blob when every
// recipient did, which is what tells the sender "done" (fetched()).
import type { Database } from 'better-sqlite3'
import { makeBlobHeader, newBlobKey } from '../../../shared/blob-stream.js'
import { PigeonError } from '../../../shared/errors.js'
import type { Envelope, FileOfferBody } from '../../../shared/envelope.js'
import type { Identity } from '../../../shared/identity.js'
import type { Store, TransferRow } from '../store/index.js'
import { downloadBlob, type DownloadResult } from './blob-download.js'
import { uploadBlob } from './blob-upload.js'
import { BlobUploads } from './blob-uploads.js'
import { RelayBlobs, SETTING_BLOB_URL } from './relay-blobs.js'
import type { PreparedOffer } from './prepare-offer.js'
import type { TransferJobs } from './transfer-jobs.js'

/** how often a sender asks the relay whether its blob was fetched: 1 s, doubling up to 30 s */
const FETCHED_BACKOFF = { baseMs: 1_000, maxMs: 30_000 }

export const BLOB_EXPIRED =
  'BLOB_NOT_FOUND: The relay dropped the file at its expiry before the receiver fetched it; send it again.'

export interface RelayTransfersInit {
  store: Store
  db: Database
  identity: Identity
  /** the relay address in use (mqtt://host:1883#<relay id>), if any */
  relayAddress: () => string | undefined
  now: () => number
}

export class RelayTransfers {
  readonly uploads: BlobUploads
  readonly #init: RelayTransfersInit

  constructor(init: RelayTransfersInit) {
    this.#init = init
    this.uploads = new BlobUploads(init.db)
  }

  /** whether a relay is set, so a file can go through its blob store */
  available(): boolean {
    return this.#init.relayAddress() !== undefined
  }

  blobs(): RelayBlobs {
    const address = this.#init.relayAddress()
    if (address === undefined)
      throw new PigeonError(
        'RELAY_UNREACHABLE',
        'No relay is set, so a file for a peer off the LAN cannot go through one; set one with `pigeon relay set`.',
      )
    const configured = this.#init.store.settings.get(SETTING_BLOB_URL)
    return new RelayBlobs(
      address,
      this.#init.identity,
      typeof configured === 'string' ? configured : undefined,
    )
  }

  /** Records a new upload (fresh key and header) before anything is sent. */
  begin(prepared: PreparedOffer, sourcePath: string, recipients: string[]): void {
    const offer = prepared.offer
    this.uploads.add(
      {
        transferId: offer.transferId!,
        sourcePath,
        recipients,
        key: newBlobKey(),
        header: makeBlobHeader().bytes,
        index: offer.indexSha256 === undefined ? new Uint8Array(0) : prepared.indexBytes,
      },
      this.#init.now(),
    )
  }

  /** the offer as the outbox sends it: with the blob id and key once the relay holds the blob */
  envelope(envelope: Envelope): Envelope {
    if (envelope.kind !== 'file-offer') return envelope
    const upload = this.uploads.get(envelope.file.transferId!)
    if (upload?.uploadedAt === null || upload?.blobId === null || upload === undefined)
      return envelope
    return { ...envelope, file: { ...envelope.file, blobId: upload.blobId, blobKey: upload.key } }
  }

  /** whether this transfer of mine goes through the relay */
  isRelayed(transferId: Uint8Array): boolean {
    return this.uploads.get(transferId) !== undefined
  }

  /** Uploads (or resumes uploading) the blob; resolves with its recipients once the relay holds all of it. */
  async upload(
    offer: FileOfferBody,
    signal: AbortSignal,
    onProgress: (bytesDone: number) => void,
  ): Promise<string[]> {
    const upload = this.uploads.get(offer.transferId!)
    if (upload === undefined)
      throw new PigeonError('FILE_TRANSFER_UNKNOWN', 'This transfer has no relay upload.')
    if (upload.uploadedAt === null) {
      const blobs = this.blobs()
      await uploadBlob({ blobs, uploads: this.uploads, upload, offer, signal, onProgress })
      this.uploads.uploaded(upload.transferId, this.#init.now())
    }
    return upload.recipients
  }

  download(
    offer: FileOfferBody,
    targetDir: string,
    signal: AbortSignal,
    onProgress: (bytesDone: number) => void,
  ): Promise<DownloadResult> {
    return downloadBlob({ blobs: this.blobs(), offer, targetDir, signal, onProgress })
  }

  /** Receiver: "I have it" (the relay deletes the blob once every recipient said so). */
  async received(offer: FileOfferBody): Promise<void> {
    if (offer.blobId !== undefined) await this.blobs().remove(offer.blobId)
  }

  /** Sender, cancel: the offers not sent yet stay unsent, and the relay drops the blob. */
  async cancel(row: TransferRow): Promise<void> {
    const upload = this.uploads.get(row.id)
    if (upload === undefined) return
    for (const recipient of upload.recipients)
      this.#init.store.outbox.removeText(row.messageId, recipient)
    await this.withdraw(row.id)
  }

  /** Sender: withdraw the blob (cancel). */
  async withdraw(transferId: Uint8Array): Promise<void> {
    const blobId = this.uploads.get(transferId)?.blobId
    if (blobId !== null && blobId !== undefined) await this.blobs().remove(blobId)
  }

  /**
   * Sender: whether every recipient fetched the blob — the relay deletes it only then (or at its
   * expiry, or when I cancel), so a blob gone before its expiry is a durable "they have it".
   * 'expired' when it outlived its TTL unfetched.
   */
  async fetched(transferId: Uint8Array): Promise<'fetched' | 'waiting' | 'expired'> {
    const upload = this.uploads.get(transferId)
    if (upload?.blobId === null || upload?.blobId === undefined) return 'waiting'
    try {
      await this.blobs().status(upload.blobId)
      return 'waiting'
    } catch (error) {
      if ((error as PigeonError).code !== 'BLOB_NOT_FOUND') throw error
      return upload.expiresAt !== null && upload.expiresAt <= this.#init.now()
        ? 'expired'
        : 'fetched'
    }
  }

  /**
   * Asks the relay, on FETCHED_BACKOFF, whether the blob was fetched, while `waiting()` holds;
   * `settle` gets the answer once it is not 'waiting'.
   */
  watch(
    transferId: Uint8Array,
    jobs: TransferJobs,
    waiting: () => boolean,
    settle: (answer: 'fetched' | 'expired') => void,
    failures = 0,
  ): void {
    const again = (): void => this.watch(transferId, jobs, waiting, settle, failures + 1)
    const key = `fetched:${Buffer.from(transferId).toString('hex')}`
    jobs.later(
      key,
      failures,
      () => {
        if (!waiting()) return
        this.fetched(transferId).then((answer) => {
          if (!waiting()) return
          if (answer === 'waiting') again()
          else settle(answer)
        }, again)
      },
      FETCHED_BACKOFF,
    )
  }

  /**
   * A group offer of mine is done once every member the LAN served has closed it (`served`: the
   * peers the offer table still serves it to; each CLOSE withdraws one) and, if there is a blob,
   * the relay deleted it: every member it was sealed to fetched it.
   */
  async groupFinished(transferId: Uint8Array, served: readonly string[]): Promise<boolean> {
    const remote = this.uploads.get(transferId)?.recipients ?? []
    if (served.some((peer) => !remote.includes(peer))) return false
    return !this.isRelayed(transferId) || (await this.fetched(transferId)) === 'fetched'
  }
}
