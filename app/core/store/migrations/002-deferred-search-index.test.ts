import assert from 'node:assert/strict'
import { test } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import { migrate, schemaVersion } from '../migrate.js'
import { migration001 } from './001-initial.js'
import { migration002 } from './002-deferred-search-index.js'

const insertMessage = `INSERT INTO messages (id, conversation_id, sender, sent_at, kind, text, state, direction)
  VALUES (?, 'p', 'p', 1, 'text', ?, 'delivered', 'in')`

test('002 keeps text already indexed under 001 and queues new text instead of indexing it', (t) => {
  const db = new BetterSqlite3(':memory:')
  t.after(() => db.close())
  migrate(db, [migration001])
  db.prepare(`INSERT INTO conversations (id, kind, target) VALUES ('p', 'peer', 'p')`).run()
  db.prepare(insertMessage).run(Buffer.alloc(16, 1), 'indexed before the upgrade')
  assert.deepEqual(migrate(db, [migration001, migration002]), [2])
  assert.equal(schemaVersion(db), 2)

  db.prepare(insertMessage).run(Buffer.alloc(16, 2), 'written after the upgrade')
  const count = (sql: string): unknown => db.prepare(sql).pluck().get()
  assert.equal(count('SELECT count(*) FROM messages_fts'), 1)
  assert.deepEqual(db.prepare('SELECT message_id FROM fts_pending').pluck().all(), [
    Buffer.alloc(16, 2),
  ])
  db.prepare('DELETE FROM messages WHERE id = ?').run(Buffer.alloc(16, 2))
  assert.equal(count('SELECT count(*) FROM fts_pending'), 0)
})
