// The transfers I offered (store migration 006; docs/protocol.md §11): /pigeon/file/1.0.0 serves
// a file only if its transfer is here and only to a peer named in the row (one, or a group's
// members, space-separated: a PeerId has no space). Rows outlive a restart so that a receiver can
// resume later; withdraw() ends a transfer (done, cancelled), for one peer or for all.
import type { Database } from 'better-sqlite3'
import { decodeFileIndex, type FileIndex } from '../../../shared/file-index.js'

export interface OfferedTransfer {
  transferId: Uint8Array
  /** the peer it is offered to; a group's members, space-separated */
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
    return offer.peer.split(' ').includes(peer) ? offer : undefined
  }

  /** Ends the transfer for `peer` (the others it is offered to keep it), or for everyone. */
  withdraw(transferId: Uint8Array, peer?: string): void {
    const key = Buffer.from(transferId).toString('hex')
    const offer = peer === undefined ? undefined : this.get(transferId, peer)
    const rest = offer?.peer.split(' ').filter((p) => p !== peer) ?? []
    if (offer !== undefined && rest.length > 0) {
      this.#db
        .prepare('UPDATE file_offers SET peer = ? WHERE transfer_id = ?')
        .run(rest.join(' '), Buffer.from(transferId))
      this.#cache.set(key, { ...offer, peer: rest.join(' ') })
      return
    }
    this.#db.prepare('DELETE FROM file_offers WHERE transfer_id = ?').run(Buffer.from(transferId))
    this.#cache.delete(key)
  }

  /** the peers a transfer is still offered to (none once withdrawn) */
  peers(transferId: Uint8Array): string[] {
    const row = this.#db
      .prepare('SELECT peer FROM file_offers WHERE transfer_id = ?')
      .get(Buffer.from(transferId)) as { peer: string } | undefined
    return row === undefined ? [] : row.peer.split(' ')
  }
}
