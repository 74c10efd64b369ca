import assert from 'node:assert/strict'
import { test } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import { migrate, schemaVersion } from '../migrate.js'
import { migrations } from './index.js'

test('007 adds transfers, keeps file_offers, and refuses an unknown state or direction', (t) => {
  const db = new BetterSqlite3(':memory:')
  t.after(() => db.close())
  migrate(db, migrations.slice(0, 6))
  db.prepare(
    `INSERT INTO file_offers (transfer_id, peer, source_path, directory, chunk_size, file_index, created_at)
     VALUES (?, 'peer', '/home/a/photo.jpg', 0, 1048576, x'0a00', 1)`,
  ).run(Buffer.alloc(16, 7))

  assert.deepEqual(migrate(db, migrations.slice(0, 7)), [7])
  assert.equal(schemaVersion(db), 7)
  assert.equal((db.prepare('SELECT count(*) AS n FROM file_offers').get() as { n: number }).n, 1)
  const add = db.prepare(
    `INSERT INTO transfers (id, message_id, peer, direction, name, size, state, offer, created_at, updated_at)
     VALUES (?, ?, 'peer', ?, 'report.pdf', 2100000, ?, x'00', 1, 1)`,
  )
  add.run(Buffer.alloc(16, 1), Buffer.alloc(16, 1), 'in', 'offered')
  assert.throws(() => add.run(Buffer.alloc(16, 2), Buffer.alloc(16, 2), 'in', 'lost'), /CHECK/)
  assert.throws(() => add.run(Buffer.alloc(16, 3), Buffer.alloc(16, 3), 'up', 'offered'), /CHECK/)
  assert.throws(() => add.run(Buffer.alloc(16, 4), Buffer.alloc(16, 1), 'out', 'offered'), /UNIQUE/)
  assert.deepEqual(db.prepare('SELECT name, bytes_done, state FROM transfers').all(), [
    { name: 'report.pdf', bytes_done: 0, state: 'offered' },
  ])
})
