// Schema 4: groups in the app (docs/protocol.md §7, §8).
// - groups: the newest signed membership document of each group I know, decoded into columns for
//   lookups (a group I left or was removed from stays, with its history; whether I am in it is
//   read from its members, never stored twice);
// - group_controls: membership changes waiting to reach members (outbox rows of kind 'control'
//   name them by id);
// - group_copies: my group messages' state per member — a group message is as far along as its
//   least advanced member copy.
// The outbox is rebuilt only to widen its kind CHECK; rows keep their seq, so queues keep order.
import type { Migration } from '../migrate.js'

export const migration004: Migration = {
  version: 4,
  name: 'groups',
  up(db) {
    db.exec(`
      CREATE TABLE groups (
        group_id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        owner TEXT NOT NULL,
        admins TEXT NOT NULL CHECK (json_valid(admins)),
        members TEXT NOT NULL CHECK (json_valid(members)),
        version INTEGER NOT NULL CHECK (version >= 1),
        document BLOB NOT NULL,
        updated_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE group_controls (
        id BLOB PRIMARY KEY CHECK (length(id) = 16),
        group_id TEXT NOT NULL,
        op TEXT NOT NULL CHECK (op IN ('create', 'add', 'remove', 'leave', 'rename')),
        document BLOB NOT NULL,
        sent_at INTEGER NOT NULL
      ) STRICT;

      CREATE TABLE group_copies (
        message_id BLOB NOT NULL CHECK (length(message_id) = 16),
        member TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'delivered', 'read')),
        PRIMARY KEY (message_id, member)
      ) STRICT, WITHOUT ROWID;

      CREATE TABLE group_parked (
        id BLOB PRIMARY KEY CHECK (length(id) = 16),
        group_id TEXT NOT NULL,
        sender TEXT NOT NULL,
        sent_at INTEGER NOT NULL,
        text TEXT NOT NULL,
        parked_at INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX group_parked_by_group ON group_parked (group_id, id);

      CREATE TABLE outbox_new (
        seq INTEGER PRIMARY KEY,
        message_id BLOB NOT NULL CHECK (length(message_id) = 16),
        recipient TEXT NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('text', 'receipt', 'control')),
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
