import assert from 'node:assert/strict'
import { test } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import { migrate, schemaVersion } from '../migrate.js'
import { migrations } from './index.js'

test('006 adds file_offers and keeps every message and queue row', (t) => {
  const db = new BetterSqlite3(':memory:')
  t.after(() => db.close())
  db.pragma('foreign_keys = ON')
  migrate(db, migrations.slice(0, 5))
  db.prepare(`INSERT INTO conversations (id, kind, target) VALUES ('p', 'peer', 'p')`).run()
  db.prepare(
    `INSERT INTO messages (id, conversation_id, sender, sent_at, kind, text, state, direction, order_key)
     VALUES (?, 'p', 'me', 1, 'text', 'hello', 'pending', 'out', ?)`,
  ).run(Buffer.alloc(16, 1), Buffer.alloc(16, 1))
  const before = db.prepare('SELECT * FROM messages').all()

  assert.deepEqual(migrate(db, migrations.slice(0, 6)), [6])
  assert.equal(schemaVersion(db), 6)
  assert.deepEqual(db.prepare('SELECT * FROM messages').all(), before)
  const add = db.prepare(
    `INSERT INTO file_offers (transfer_id, peer, source_path, directory, chunk_size, file_index, created_at)
     VALUES (?, 'peer', '/home/a/photo.jpg', ?, 1048576, x'0a00', 1)`,
  )
  add.run(Buffer.alloc(16, 7), 0)
  assert.throws(() => add.run(Buffer.alloc(16, 7), 0), /UNIQUE/)
  assert.throws(() => add.run(Buffer.alloc(15, 8), 0), /CHECK constraint failed/)
  assert.throws(() => add.run(Buffer.alloc(16, 9), 2), /CHECK constraint failed/)
  assert.deepEqual(db.prepare('SELECT peer, source_path FROM file_offers').all(), [
    { peer: 'peer', source_path: '/home/a/photo.jpg' },
  ])
})
