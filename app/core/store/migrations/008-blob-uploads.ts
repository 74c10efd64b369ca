// Schema 8: file blobs I am uploading or have uploaded to the relay (docs/protocol.md §12 "In the
// app"). A row is written before the first byte goes out, so a kill -9 of the sender resumes the
// same blob with the same key and header (the relay's `status` says how far it got); `blob_id` is
// set once the relay created the blob, `uploaded_at` once every byte is stored there. `file_index`
// is the encoded index that starts the blob's plaintext (empty for a file with inline hashes).
import type { Migration } from '../migrate.js'

export const migration008: Migration = {
  version: 8,
  name: 'blob-uploads',
  up(db) {
    db.exec(`
      CREATE TABLE blob_uploads (
        transfer_id BLOB PRIMARY KEY CHECK (length(transfer_id) = 16),
        source_path TEXT NOT NULL,
        recipients TEXT NOT NULL,
        blob_key BLOB NOT NULL CHECK (length(blob_key) = 32),
        blob_header BLOB NOT NULL CHECK (length(blob_header) = 16),
        file_index BLOB NOT NULL,
        blob_id TEXT,
        expires_at INTEGER,
        uploaded_at INTEGER,
        created_at INTEGER NOT NULL
      ) STRICT;
    `)
  },
}
