import assert from 'node:assert/strict'
import { test } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import { migrate, schemaVersion } from '../migrate.js'
import { migrations } from './index.js'

test('008 adds blob_uploads and keeps the transfers', (t) => {
  const db = new BetterSqlite3(':memory:')
  t.after(() => db.close())
  migrate(db, migrations.slice(0, 7))
  db.prepare(
    `INSERT INTO transfers (id, message_id, peer, direction, name, size, state, offer, created_at, updated_at)
     VALUES (?, ?, 'p', 'out', 'a.bin', 1, 'offered', x'00', 1, 1)`,
  ).run(Buffer.alloc(16, 1), Buffer.alloc(16, 2))
  const before = db.prepare('SELECT * FROM transfers').all()
  assert.deepEqual(migrate(db, migrations.slice(0, 8)), [8])
  assert.equal(schemaVersion(db), 8)
  assert.deepEqual(db.prepare('SELECT * FROM transfers').all(), before)
  const add = db.prepare(
    `INSERT INTO blob_uploads (transfer_id, source_path, recipients, blob_key, blob_header, file_index, created_at)
     VALUES (?, '/a.bin', '["p"]', ?, ?, x'', 1)`,
  )
  add.run(Buffer.alloc(16, 1), Buffer.alloc(32), Buffer.alloc(16))
  assert.throws(() => add.run(Buffer.alloc(16, 1), Buffer.alloc(32), Buffer.alloc(16)), /UNIQUE/)
  assert.throws(
    () => add.run(Buffer.alloc(16, 3), Buffer.alloc(31), Buffer.alloc(16)),
    /CHECK constraint failed/,
  )
})
