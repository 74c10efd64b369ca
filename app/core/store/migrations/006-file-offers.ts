// Schema 6: files I offered (docs/protocol.md §11). /pigeon/file/1.0.0 serves only what is in
// this table, and only to the peer named in its row; it outlives a restart, so a receiver can
// resume a transfer after either side restarted. The file index (§10) is kept as offered: the
// chunk hashes the receiver checks against, and each entry's path under source_path.
import type { Migration } from '../migrate.js'

export const migration006: Migration = {
  version: 6,
  name: 'file-offers',
  up(db) {
    db.exec(`
      CREATE TABLE file_offers (
        transfer_id BLOB PRIMARY KEY CHECK (length(transfer_id) = 16),
        peer TEXT NOT NULL,
        source_path TEXT NOT NULL,
        directory INTEGER NOT NULL CHECK (directory IN (0, 1)),
        chunk_size INTEGER NOT NULL CHECK (chunk_size > 0),
        file_index BLOB NOT NULL,
        created_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX file_offers_by_peer ON file_offers (peer);
    `)
  },
}
