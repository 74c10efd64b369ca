// Schema 3: the outbox without AUTOINCREMENT and without the per-row uniqueness index. Both cost
// a page write in every inbound transaction (sqlite_sequence, outbox_once) for nothing the code
// needs: a plain INTEGER PRIMARY KEY is max+1, so a new row still sorts after every queued one,
// and a second identical receipt row is harmless (receipts are idempotent; the store queues one
// again only for a relayed copy of a message first received over the LAN).
// Measured with `npm run bench -- store`: inbound commits ~30 % faster.
import type { Migration } from '../migrate.js'

export const migration003: Migration = {
  version: 3,
  name: 'lean-outbox',
  up(db) {
    db.exec(`
      CREATE TABLE outbox_new (
        seq INTEGER PRIMARY KEY,
        message_id BLOB NOT NULL CHECK (length(message_id) = 16),
        recipient TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('text', 'receipt')),
        receipt_state TEXT CHECK (receipt_state IN ('delivered', 'read')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        CHECK ((kind = 'receipt') = (receipt_state IS NOT NULL))
      ) STRICT;
      INSERT INTO outbox_new (seq, message_id, recipient, kind, receipt_state, attempts, next_attempt_at, created_at)
        SELECT seq, message_id, recipient, kind, receipt_state, attempts, next_attempt_at, created_at FROM outbox;
      DROP TABLE outbox;
      ALTER TABLE outbox_new RENAME TO outbox;
      CREATE INDEX outbox_by_recipient ON outbox (recipient, seq);
    `)
  },
}
