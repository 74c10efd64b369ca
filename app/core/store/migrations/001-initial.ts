// Schema 1: me, peers, conversations, messages (+ trigram full-text index), outbox, settings.
// Every table is STRICT so a wrong type is an error, not a silent conversion.
import type { Migration } from '../migrate.js'

export const migration001: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE me (
        singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
        peer_id TEXT NOT NULL,
        name TEXT NOT NULL,
        color INTEGER NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('online', 'away', 'busy')),
        version INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE peers (
        peer_id TEXT PRIMARY KEY,
        name TEXT,
        color INTEGER,
        status TEXT CHECK (status IN ('online', 'away', 'busy')),
        profile_version INTEGER NOT NULL DEFAULT 0,
        addresses TEXT NOT NULL DEFAULT '[]' CHECK (json_valid(addresses)),
        last_seen INTEGER
      ) STRICT;

      CREATE TABLE conversations (
        id TEXT PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('peer', 'group')),
        target TEXT NOT NULL,
        unread INTEGER NOT NULL DEFAULT 0 CHECK (unread >= 0),
        last_message_id BLOB,
        last_activity_at INTEGER
      ) STRICT;

      -- id is the envelope's UUIDv7: the primary key is the receiver's dedup.
      CREATE TABLE messages (
        id BLOB PRIMARY KEY CHECK (length(id) = 16),
        conversation_id TEXT NOT NULL REFERENCES conversations(id),
        sender TEXT NOT NULL,
        sent_at INTEGER NOT NULL,
        received_at INTEGER,
        kind TEXT NOT NULL,
        text TEXT,
        state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'delivered', 'read')),
        path TEXT CHECK (path IN ('lan', 'relay')),
        direction TEXT NOT NULL CHECK (direction IN ('in', 'out'))
      ) STRICT;
      CREATE INDEX messages_by_conversation ON messages (conversation_id, id);

      -- trigram: any substring of 3+ characters matches, which is what CJK text needs (no spaces
      -- between words). The index keeps its own copy of the text keyed by message id, so it never
      -- depends on implicit rowids (which VACUUM may renumber).
      CREATE VIRTUAL TABLE messages_fts USING fts5 (text, message_id UNINDEXED, tokenize = 'trigram');
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages WHEN new.text IS NOT NULL BEGIN
        INSERT INTO messages_fts (text, message_id) VALUES (new.text, new.id);
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages WHEN old.text IS NOT NULL BEGIN
        DELETE FROM messages_fts WHERE message_id = old.id;
      END;

      -- seq orders each recipient's queue: the router delivers a recipient's rows strictly by seq.
      CREATE TABLE outbox (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        message_id BLOB NOT NULL CHECK (length(message_id) = 16),
        recipient TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('text', 'receipt')),
        receipt_state TEXT CHECK (receipt_state IN ('delivered', 'read')),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at INTEGER NOT NULL,
        created_at INTEGER NOT NULL,
        CHECK ((kind = 'receipt') = (receipt_state IS NOT NULL))
      ) STRICT;
      CREATE INDEX outbox_by_recipient ON outbox (recipient, seq);
      CREATE UNIQUE INDEX outbox_once ON outbox (message_id, recipient, kind, coalesce(receipt_state, ''));

      CREATE TABLE settings (
        key TEXT PRIMARY KEY,
        value TEXT NOT NULL CHECK (json_valid(value))
      ) STRICT;
    `)
  },
}
