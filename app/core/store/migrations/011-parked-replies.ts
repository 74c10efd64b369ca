// Schema 11: a group text parked until the change that admits its sender (docs/protocol.md §8)
// keeps what the envelope said besides its text, so the stored copy is the one that was sent:
// - group_parked.reply_to: the message it answers (the envelope's reply_to)
// - group_parked.mentions: the PeerIds it mentions (JSON array), for the @ badge on release
import type { Migration } from '../migrate.js'

export const migration011: Migration = {
  version: 11,
  name: 'parked-replies',
  up(db) {
    db.exec(`
      ALTER TABLE group_parked ADD COLUMN reply_to BLOB CHECK (reply_to IS NULL OR length(reply_to) = 16);
      ALTER TABLE group_parked ADD COLUMN mentions TEXT;
    `)
  },
}
