// Schema 7: transfers, both directions (docs/protocol.md §10–§11). An incoming row is a file offer
// I received (what `pigeon accept` pulls, and what a restart resumes); an outgoing row is one I
// sent (its file_offers row, schema 6, is what /pigeon/file/1.0.0 serves). `offer` is the encoded
// `file offer` envelope (§2) as received or as queued: resuming needs it whole, and the outbox
// builds the envelope it sends from it. message_id is the file message in the conversation.
import type { Migration } from '../migrate.js'

export const migration007: Migration = {
  version: 7,
  name: 'transfers',
  up(db) {
    db.exec(`
      CREATE TABLE transfers (
        id BLOB PRIMARY KEY CHECK (length(id) = 16),
        message_id BLOB NOT NULL CHECK (length(message_id) = 16),
        peer TEXT NOT NULL,
        direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        name TEXT NOT NULL,
        size INTEGER NOT NULL CHECK (size >= 0),
        bytes_done INTEGER NOT NULL DEFAULT 0 CHECK (bytes_done >= 0),
        state TEXT NOT NULL CHECK (state IN ('offered', 'accepted', 'transferring', 'paused',
          'done', 'failed', 'declined', 'cancelled')),
        target_path TEXT,
        error TEXT,
        offer BLOB NOT NULL,
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;
      CREATE UNIQUE INDEX transfers_by_message ON transfers (message_id);
      CREATE INDEX transfers_by_state ON transfers (state);
    `)
  },
}
