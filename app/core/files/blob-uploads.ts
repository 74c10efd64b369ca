// The blobs I upload to the relay (store schema 8, docs/protocol.md §12 "In the app"): what a
// restarted sender needs to continue the same blob — its key, header, source and plaintext
// index — and how far the upload got (blob id once created, uploaded_at once complete).
import type { Database } from 'better-sqlite3'

export interface BlobUpload {
  transferId: Uint8Array
  sourcePath: string
  recipients: string[]
  key: Uint8Array
  header: Uint8Array
  /** the encoded index the plaintext starts with; empty for a file with inline chunk hashes */
  index: Uint8Array
  blobId: string | null
  expiresAt: number | null
  uploadedAt: number | null
}

interface Row {
  transfer_id: Buffer
  source_path: string
  recipients: string
  blob_key: Buffer
  blob_header: Buffer
  file_index: Buffer
  blob_id: string | null
  expires_at: number | null
  uploaded_at: number | null
}

function toUpload(row: Row): BlobUpload {
  return {
    transferId: new Uint8Array(row.transfer_id),
    sourcePath: row.source_path,
    recipients: JSON.parse(row.recipients) as string[],
    key: new Uint8Array(row.blob_key),
    header: new Uint8Array(row.blob_header),
    index: new Uint8Array(row.file_index),
    blobId: row.blob_id,
    expiresAt: row.expires_at,
    uploadedAt: row.uploaded_at,
  }
}

export class BlobUploads {
  readonly #db: Database

  constructor(db: Database) {
    this.#db = db
  }

  add(upload: Omit<BlobUpload, 'blobId' | 'expiresAt' | 'uploadedAt'>, at: number): void {
    this.#db
      .prepare(
        `INSERT INTO blob_uploads (transfer_id, source_path, recipients, blob_key, blob_header, file_index, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        Buffer.from(upload.transferId),
        upload.sourcePath,
        JSON.stringify(upload.recipients),
        Buffer.from(upload.key),
        Buffer.from(upload.header),
        Buffer.from(upload.index),
        at,
      )
  }

  get(transferId: Uint8Array): BlobUpload | undefined {
    const row = this.#db
      .prepare('SELECT * FROM blob_uploads WHERE transfer_id = ?')
      .get(Buffer.from(transferId)) as Row | undefined
    return row === undefined ? undefined : toUpload(row)
  }

  /** the relay created the blob */
  created(transferId: Uint8Array, blobId: string, expiresAt: number): void {
    this.#db
      .prepare('UPDATE blob_uploads SET blob_id = ?, expires_at = ? WHERE transfer_id = ?')
      .run(blobId, expiresAt, Buffer.from(transferId))
  }

  /** every byte is stored at the relay */
  uploaded(transferId: Uint8Array, at: number): void {
    this.#db
      .prepare('UPDATE blob_uploads SET uploaded_at = ? WHERE transfer_id = ?')
      .run(at, Buffer.from(transferId))
  }
}
