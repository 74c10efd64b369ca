// The relay's blob store (docs/relay.md "File blobs"): encrypted files (docs/protocol.md §12) that
// an authenticated uploader names recipients for, uploads in pieces at an offset, and that only
// those recipients (or the uploader) read. The relay holds ciphertext only; it never has the key.
//
// The files are relay/blob-files.ts's (one directory, shared by a cluster's nodes). An
// acknowledged piece is stored: its bytes are fsync'd, then the new length is written to the
// metadata. The metadata's length is the truth: bytes past it (a piece cut by a crash or a dropped
// connection) are never served and are cut off when the next piece is written there.
import type { FileHandle } from 'node:fs/promises'
import type { Logger } from 'pino'
import { PigeonError } from '../shared/errors.js'
import { badRequest, BlobFiles, newBlobId, notFound, type BlobMeta } from './blob-files.js'
import type { RelayMetrics } from './metrics.js'

export { checkBlobId, notFound, type BlobMeta } from './blob-files.js'

export interface BlobStoreOptions {
  dir: string
  maxBytes: number
  quotaBytes: number
  /** blobs one uploader may have at once: 1-byte blobs must not fill the disk with files */
  maxCount: number
  ttlMs: number
  metrics: RelayMetrics
  log: Logger
}

/** at most this many recipients per blob: a group's remote members */
export const MAX_BLOB_RECIPIENTS = 256
/** bytes in one PUT at most: a request's body is bounded whatever the blob's size */
export const MAX_PIECE_BYTES = 16 * 1_048_576

function forbidden(): PigeonError {
  return new PigeonError(
    'BLOB_FORBIDDEN',
    'This file on the relay is for other recipients: only its uploader and the people it was sent to may read it.',
  )
}

type Access = 'uploader' | 'party'

export class BlobStore {
  readonly #options: BlobStoreOptions
  readonly #files: BlobFiles
  readonly #locks = new Map<string, Promise<unknown>>()
  #sweeper: NodeJS.Timeout | undefined
  #counts = { blobs: 0, bytes: 0 }

  private constructor(options: BlobStoreOptions, files: BlobFiles) {
    this.#options = options
    this.#files = files
  }

  static async open(options: BlobStoreOptions): Promise<BlobStore> {
    const store = new BlobStore(options, await BlobFiles.open(options.dir))
    await store.sweep(Date.now())
    // a quarter of the TTL, within 1 s…60 s: an expired blob lingers at most that long
    const every = Math.min(60_000, Math.max(1000, Math.floor(options.ttlMs / 4)))
    store.#sweeper = setInterval(() => {
      store
        .sweep(Date.now())
        .catch((error: unknown) => options.log.warn({ err: error }, 'blob sweep failed'))
    }, every)
    store.#sweeper.unref()
    return store
  }

  close(): void {
    clearInterval(this.#sweeper)
    this.#sweeper = undefined
  }

  /** one operation at a time per blob in this process (a create holds the uploader's key) */
  async #locked<T>(key: string, work: () => Promise<T>): Promise<T> {
    const before = this.#locks.get(key) ?? Promise.resolve()
    const run = before.then(work, work)
    const tail = run.catch(() => undefined)
    this.#locks.set(key, tail)
    try {
      return await run
    } finally {
      if (this.#locks.get(key) === tail) this.#locks.delete(key)
    }
  }

  async #read(id: string, now = Date.now()): Promise<BlobMeta> {
    const meta = await this.#files.readMeta(id)
    if (meta.expiresAt <= now) {
      await this.#remove(meta, 'expired')
      throw notFound()
    }
    return meta
  }

  async #remove(meta: BlobMeta, reason: 'fetched' | 'expired' | 'cancelled'): Promise<void> {
    if (!(await this.#files.remove(meta))) return // another request or node did it
    this.#counts.blobs -= 1
    this.#counts.bytes -= meta.received
    this.#publishCounts()
    this.#options.log.info({ event: 'blob_deleted', id: meta.id, reason }, 'blob deleted')
  }

  #publishCounts(): void {
    this.#options.metrics.blobsStored.set(Math.max(0, this.#counts.blobs))
    this.#options.metrics.blobBytesStored.set(Math.max(0, this.#counts.bytes))
  }

  #refuse(reason: string, error: PigeonError): PigeonError {
    this.#options.metrics.blobRefusals.inc({ reason })
    return error
  }

  #allow(meta: BlobMeta, peer: string, access: Access): void {
    if (meta.uploader === peer) return
    if (access === 'party' && meta.recipients.includes(peer)) return
    throw this.#refuse('forbidden', forbidden())
  }

  /**
   * Deletes expired blobs and orphan files, and recounts the gauges. It never cuts a data file
   * back: with a shared directory another node may be writing a piece past the stored length.
   */
  async sweep(now: number): Promise<void> {
    const metas = await this.#files.scan()
    const live = new Set<string>()
    const counts = { blobs: 0, bytes: 0 }
    for (const meta of metas) {
      if (meta.expiresAt <= now) {
        await this.#locked(meta.id, () => this.#remove(meta, 'expired'))
        continue
      }
      live.add(meta.id)
      counts.blobs += 1
      counts.bytes += meta.received
    }
    await this.#files.removeOrphans(live, now)
    this.#counts = counts
    this.#publishCounts()
  }

  async create(uploader: string, size: number, recipients: string[]): Promise<BlobMeta> {
    const { maxBytes, quotaBytes, ttlMs } = this.#options
    if (size > maxBytes)
      throw this.#refuse(
        'too_large',
        new PigeonError(
          'BLOB_TOO_LARGE',
          `This file is ${size} bytes encrypted; this relay takes files of at most ${maxBytes} bytes. Send it over the LAN, or ask the relay admin to raise --blob-max-bytes.`,
        ),
      )
    return await this.#locked(`uploader:${uploader}`, async () => {
      const now = Date.now()
      const mine = (await this.#files.scan()).filter(
        (meta) => meta.uploader === uploader && meta.expiresAt > now,
      )
      if (mine.length >= this.#options.maxCount)
        throw this.#refuse(
          'quota',
          new PigeonError(
            'BLOB_QUOTA_EXCEEDED',
            `You already have ${mine.length} files waiting on this relay, the most it keeps for one person. Wait until your recipients fetch them or they expire, or cancel one.`,
          ),
        )
      const held = mine.reduce((sum, meta) => sum + meta.size, 0)
      if (held + size > quotaBytes)
        throw this.#refuse(
          'quota',
          new PigeonError(
            'BLOB_QUOTA_EXCEEDED',
            `You already have ${held} bytes of files waiting on this relay; with this one (${size}) that is over your ${quotaBytes}-byte quota. Wait until your recipients fetch them or they expire, or cancel one.`,
          ),
        )
      const meta: BlobMeta = {
        id: newBlobId(),
        uploader,
        recipients: [...new Set(recipients)],
        size,
        received: 0,
        createdAt: now,
        expiresAt: now + ttlMs,
      }
      // the data file first: metadata without data never exists, data without metadata is swept
      await this.#files.createData(meta.id)
      await this.#files.writeMeta(meta)
      this.#counts.blobs += 1
      this.#publishCounts()
      this.#options.log.info(
        { event: 'blob_created', id: meta.id, uploader, size, recipients: meta.recipients.length },
        'blob created',
      )
      return meta
    })
  }

  async status(id: string, peer: string): Promise<BlobMeta> {
    const meta = await this.#read(id)
    this.#allow(meta, peer, 'party')
    return meta
  }

  /**
   * Stores `length` bytes of `body` at `offset`, which must be what is stored so far. Resolves
   * once they are on disk; a body shorter or longer than `length` stores nothing.
   */
  async append(
    id: string,
    peer: string,
    offset: number,
    length: number,
    body: AsyncIterable<Uint8Array>,
  ): Promise<BlobMeta> {
    return await this.#locked(id, async () => {
      const meta = await this.#read(id)
      this.#allow(meta, peer, 'uploader')
      if (offset !== meta.received)
        throw new PigeonError(
          'BLOB_OFFSET_MISMATCH',
          `The relay has ${meta.received} bytes of this file, not ${offset}: continue at offset ${meta.received}.`,
        )
      if (offset + length > meta.size)
        throw badRequest(
          `This piece would end at byte ${offset + length}, past the ${meta.size} bytes declared when the file was created.`,
        )
      // drops what a cut piece left past the stored length
      const written = await this.#files.writePiece(id, offset, length, body)
      if (written !== length)
        throw badRequest(
          `The piece had ${written} bytes, not the ${length} its Content-Length said; send it again from offset ${offset}.`,
        )
      meta.received += length
      await this.#files.writeMeta(meta)
      this.#counts.bytes += length
      this.#publishCounts()
      return meta
    })
  }

  /** an open handle on a complete blob, for a reader that may read it */
  async openForRead(id: string, peer: string): Promise<{ meta: BlobMeta; file: FileHandle }> {
    const meta = await this.#read(id)
    this.#allow(meta, peer, 'party')
    if (meta.received < meta.size)
      throw new PigeonError(
        'BLOB_INCOMPLETE',
        `The sender has uploaded ${meta.received} of ${meta.size} bytes of this file so far; try again later.`,
      )
    // opened before it is answered: a deletion right after still lets this read finish
    return { meta, file: await this.#files.openData(id) }
  }

  /**
   * A recipient says it has the file (verified and stored); once every recipient has, the blob
   * is deleted. The uploader deletes it outright (a cancelled send).
   */
  async finish(id: string, peer: string): Promise<{ deleted: boolean }> {
    return await this.#locked(id, async () => {
      const meta = await this.#read(id)
      this.#allow(meta, peer, 'party')
      if (peer === meta.uploader && !meta.recipients.includes(peer)) {
        await this.#remove(meta, 'cancelled')
        return { deleted: true }
      }
      await this.#files.markDone(id, meta.recipients.indexOf(peer))
      if (!(await this.#files.allDone(id, meta.recipients.length))) return { deleted: false }
      await this.#remove(meta, 'fetched')
      return { deleted: true }
    })
  }
}
