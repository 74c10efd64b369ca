// Schema 5:
// - outbox.relayed_at: when the relay last PUBACKed the row. A relay's PUBACK only means the relay
//   holds the message (docs/protocol.md §6), so the row stays until the recipient's delivered
//   receipt or a LAN ack removes it; the router then keeps the LAN open for it and republishes to
//   the relay only after a long wait (docs/protocol.md §6 "Delivery").
// - messages: state 'failed' with the reason (messages.failure), for a row the router gave up on
//   because its error is permanent (an envelope that can never be encoded, a peer that refuses it
//   for good); and order_key, the position in history: the id (UUIDv7, the sender's time) when
//   its time is plausible by my clock, else a time-ordered key of when it arrived (§2 "Time").
//   The table is rebuilt to widen its state CHECK; the search triggers are made again as they were.
import type { Migration } from '../migrate.js'

export const migration005: Migration = {
  version: 5,
  name: 'receipts-and-failures',
  up(db) {
    db.exec(`
      ALTER TABLE outbox ADD COLUMN relayed_at INTEGER;

      CREATE TABLE messages_new (
        id BLOB PRIMARY KEY CHECK (length(id) = 16),
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        sender TEXT NOT NULL,
        sent_at INTEGER NOT NULL,
        received_at INTEGER,
        kind TEXT NOT NULL,
        text TEXT,
        state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'delivered', 'read', 'failed')),
        path TEXT CHECK (path IN ('lan', 'relay')),
        direction TEXT NOT NULL CHECK (direction IN ('in', 'out')),
        failure TEXT CHECK ((state = 'failed') = (failure IS NOT NULL)),
        order_key BLOB NOT NULL CHECK (length(order_key) = 16)
      ) STRICT;
      INSERT INTO messages_new (id, conversation_id, sender, sent_at, received_at, kind, text, state, path, direction, order_key)
        SELECT id, conversation_id, sender, sent_at, received_at, kind, text, state, path, direction, id FROM messages;
      DROP TABLE messages;
      ALTER TABLE messages_new RENAME TO messages;
      CREATE INDEX messages_by_conversation ON messages (conversation_id, order_key, id);

      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.text IS NOT NULL BEGIN
        DELETE FROM messages_fts WHERE message_id = old.id;
      END;
      CREATE TRIGGER messages_fts_pending AFTER INSERT ON messages WHEN new.text IS NOT NULL BEGIN
        INSERT INTO fts_pending (message_id) VALUES (new.id);
      END;
      CREATE TRIGGER messages_fts_pending_delete AFTER DELETE ON messages BEGIN
        DELETE FROM fts_pending WHERE message_id = old.id;
      END;
    `)
  },
}
