// Schema 2: the full-text index is filled in batches instead of inside every inbound transaction.
// A trigram FTS5 insert writes a new index segment per commit, which made storing one message
// ~4x slower than the rest of the transaction together. Now the transaction only notes the id
// in fts_pending; Store.flushSearchIndex moves pending texts into messages_fts in one go (the
// engine calls it every few hundred ms, and search calls it first, so results are never stale).
// A crash leaves the pending ids in place: nothing is ever missing from search.
import type { Migration } from '../migrate.js'

export const migration002: Migration = {
  version: 2,
  name: 'deferred-search-index',
  up(db) {
    db.exec(`
      CREATE TABLE fts_pending (message_id BLOB PRIMARY KEY) STRICT, WITHOUT ROWID;
      DROP TRIGGER messages_fts_insert;
      CREATE TRIGGER messages_fts_pending AFTER INSERT ON messages WHEN new.text IS NOT NULL BEGIN
        INSERT INTO fts_pending (message_id) VALUES (new.id);
      END;
      CREATE TRIGGER messages_fts_pending_delete AFTER DELETE ON messages BEGIN
        DELETE FROM fts_pending WHERE message_id = old.id;
      END;
    `)
  },
}
