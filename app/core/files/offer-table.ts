// The transfers I offered (store migration 006; docs/protocol.md §11): /pigeon/file/1.0.0 serves
// a file only if its transfer is here and only to the peer named in the row. Rows outlive a
// restart so that a receiver can resume later; withdraw() ends a transfer (done, cancelled).
import type { Database } from 'better-sqlite3'
import { decodeFileIndex, type FileIndex } from '../../../shared/file-index.js'

export interface OfferedTransfer {
  transferId: Uint8Array
  peer: string
  /** the offered file, or the folder the index's paths are relative to */
  sourcePath: string
  directory: boolean
  chunkSize: number
  index: FileIndex
  /** the encoded index, as served for entry 0xFFFFFFFF */
  indexBytes: Uint8Array
}

interface Row {
  peer: string
  source_path: string
  directory: number
  chunk_size: number
  file_index: Buffer
}

export class OfferTable {
  // decoded indexes: a folder of 100,000 files is decoded once, not per request
  readonly #cache = new Map<string, OfferedTransfer>()

  readonly #db: Database

  constructor(db: Database) {
    this.#db = db
  }

  add(offer: OfferedTransfer): void {
    this.#db
      .prepare(
        `INSERT INTO file_offers (transfer_id, peer, source_path, directory, chunk_size, file_index, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        Buffer.from(offer.transferId),
        offer.peer,
        offer.sourcePath,
        offer.directory ? 1 : 0,
        offer.chunkSize,
        Buffer.from(offer.indexBytes),
        Date.now(),
      )
    this.#cache.set(Buffer.from(offer.transferId).toString('hex'), offer)
  }

  /** the transfer, if it was offered to `peer`; otherwise nothing (no hint that it exists) */
  get(transferId: Uint8Array, peer: string): OfferedTransfer | undefined {
    const key = Buffer.from(transferId).toString('hex')
    let offer = this.#cache.get(key)
    if (offer === undefined) {
      const row = this.#db
        .prepare(
          'SELECT peer, source_path, directory, chunk_size, file_index FROM file_offers WHERE transfer_id = ?',
        )
        .get(Buffer.from(transferId)) as Row | undefined
      if (row === undefined) return undefined
      const indexBytes = new Uint8Array(row.file_index)
      offer = {
        transferId: transferId.slice(),
        peer: row.peer,
        sourcePath: row.source_path,
        directory: row.directory === 1,
        chunkSize: row.chunk_size,
        index: decodeFileIndex(indexBytes, row.chunk_size),
        indexBytes,
      }
      this.#cache.set(key, offer)
    }
    return offer.peer === peer ? offer : undefined
  }

  withdraw(transferId: Uint8Array): void {
    this.#db.prepare('DELETE FROM file_offers WHERE transfer_id = ?').run(Buffer.from(transferId))
    this.#cache.delete(Buffer.from(transferId).toString('hex'))
  }
}
