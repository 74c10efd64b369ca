// Schema 9: who is who on the LAN. A workgroup (department) and host name travel in the profile
// (docs/protocol.md §2), mine and each peer's; verified_at is when I compared safety numbers with
// a peer and confirmed them (docs/protocol.md §14). The PeerId is the key, so a new key is a new
// row: verification never carries over to a new identity under the same name.
import type { Migration } from '../migrate.js'

export const migration009: Migration = {
  version: 9,
  name: 'peer-identity',
  up(db) {
    db.exec(`
      ALTER TABLE me ADD COLUMN workgroup TEXT;
      ALTER TABLE me ADD COLUMN host TEXT;
      ALTER TABLE peers ADD COLUMN workgroup TEXT;
      ALTER TABLE peers ADD COLUMN host TEXT;
      ALTER TABLE peers ADD COLUMN verified_at INTEGER;
    `)
  },
}
