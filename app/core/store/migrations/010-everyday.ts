// Schema 10: the everyday actions (docs/protocol.md §2 "Recall", §8 mentions).
// - messages.reply_to: the message a text answers (the envelope's reply_to), for the quote above it
// - messages.mentions: the PeerIds a group text mentions (JSON array), so a retry sends them again
// - messages.recalled_at: when its sender took it back; its text is then gone (NULL) on both sides
// - conversations.muted: no notification for it, except a mention of me
// - conversations.mentions: unread texts that mention me (the sidebar's @ badge), cleared on read
import type { Migration } from '../migrate.js'

export const migration010: Migration = {
  version: 10,
  name: 'everyday',
  up(db) {
    db.exec(`
      ALTER TABLE messages ADD COLUMN reply_to BLOB CHECK (reply_to IS NULL OR length(reply_to) = 16);
      ALTER TABLE messages ADD COLUMN mentions TEXT;
      ALTER TABLE messages ADD COLUMN recalled_at INTEGER;
      ALTER TABLE conversations ADD COLUMN muted INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1));
      ALTER TABLE conversations ADD COLUMN mentions INTEGER NOT NULL DEFAULT 0 CHECK (mentions >= 0);
    `)
  },
}
