import assert from 'node:assert/strict'
import { test } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import { migrate, schemaVersion } from '../migrate.js'
import { migrations } from './index.js'

const before005 = migrations.slice(0, 4)
const through005 = migrations.slice(0, 5)

test('005 keeps every message, queue row and search entry, and adds relayed_at, failure and order_key', (t) => {
  const db = new BetterSqlite3(':memory:')
  t.after(() => db.close())
  db.pragma('foreign_keys = ON')
  migrate(db, before005)
  db.prepare(`INSERT INTO conversations (id, kind, target) VALUES ('p', 'peer', 'p')`).run()
  const addMessage = db.prepare(
    `INSERT INTO messages (id, conversation_id, sender, sent_at, kind, text, state, direction)
     VALUES (?, 'p', 'me', 1, 'text', ?, ?, 'out')`,
  )
  addMessage.run(Buffer.alloc(16, 1), 'hello pigeon', 'sent')
  addMessage.run(Buffer.alloc(16, 2), 'second message', 'pending')
  db.prepare(
    `INSERT INTO outbox (message_id, recipient, kind, next_attempt_at, created_at) VALUES (?, 'p', 'text', 5, 1)`,
  ).run(Buffer.alloc(16, 2))
  // one already in the search index, one still waiting for it (migration 002)
  db.exec(`INSERT INTO messages_fts (text, message_id) SELECT text, id FROM messages WHERE text = 'hello pigeon';
           DELETE FROM fts_pending WHERE message_id IN (SELECT id FROM messages WHERE text = 'hello pigeon')`)
  const messagesBefore = db.prepare('SELECT * FROM messages ORDER BY id').all()
  const outboxBefore = db.prepare('SELECT * FROM outbox ORDER BY seq').all()

  assert.deepEqual(migrate(db, through005), [5])
  assert.equal(schemaVersion(db), 5)
  const messagesAfter = db.prepare('SELECT * FROM messages ORDER BY id').all() as Array<
    Record<string, unknown>
  >
  assert.deepEqual(
    messagesAfter.map(({ failure, order_key, ...rest }) => {
      assert.equal(failure, null)
      assert.deepEqual(order_key, rest['id'], 'history keeps its order: the key is the id')
      return rest
    }),
    messagesBefore,
  )
  assert.deepEqual(
    (db.prepare('SELECT * FROM outbox ORDER BY seq').all() as Array<Record<string, unknown>>).map(
      ({ relayed_at, ...rest }) => {
        assert.equal(relayed_at, null)
        return rest
      },
    ),
    outboxBefore,
  )
  // the rebuild dropped nothing from the search index (a DROP TABLE fires no triggers)
  assert.equal(
    db
      .prepare(`SELECT count(*) FROM messages_fts WHERE messages_fts MATCH '"pigeon"'`)
      .pluck()
      .get(),
    1,
  )
  assert.equal(db.prepare('SELECT count(*) FROM fts_pending').pluck().get(), 1)
  // the search triggers were made again: a new message is queued for indexing, a deleted one leaves
  db.prepare(
    `INSERT INTO messages (id, conversation_id, sender, sent_at, kind, text, state, direction, order_key)
     VALUES (?, 'p', 'me', 1, 'text', 'third', 'pending', 'out', ?)`,
  ).run(Buffer.alloc(16, 3), Buffer.alloc(16, 3))
  assert.equal(db.prepare('SELECT count(*) FROM fts_pending').pluck().get(), 2)
  db.prepare('DELETE FROM messages WHERE id = ?').run(Buffer.alloc(16, 3))
  assert.equal(db.prepare('SELECT count(*) FROM fts_pending').pluck().get(), 1)
  db.prepare('DELETE FROM messages WHERE id = ?').run(Buffer.alloc(16, 1))
  assert.equal(db.prepare('SELECT count(*) FROM messages_fts').pluck().get(), 0)
  // failed needs its reason, and only failed has one
  const setState = db.prepare('UPDATE messages SET state = ?, failure = ? WHERE id = ?')
  assert.throws(() => setState.run('failed', null, Buffer.alloc(16, 2)), /CHECK constraint failed/)
  assert.throws(() => setState.run('sent', 'why', Buffer.alloc(16, 2)), /CHECK constraint failed/)
  setState.run('failed', 'the message can never be encoded', Buffer.alloc(16, 2))
  assert.deepEqual(db.pragma('foreign_key_check'), [])
})
