import assert from 'node:assert/strict'
import { test } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import { migrate, schemaVersion } from '../migrate.js'
import { migrations } from './index.js'

test('010 adds reply, mentions, recall and mute columns; old rows read as plain and unmuted', (t) => {
  const db = new BetterSqlite3(':memory:')
  t.after(() => db.close())
  migrate(db, migrations.slice(0, 9))
  db.prepare(`INSERT INTO conversations (id, kind, target) VALUES ('p', 'peer', 'p')`).run()
  db.prepare(
    `INSERT INTO messages (id, conversation_id, sender, sent_at, kind, text, state, direction, order_key)
     VALUES (?, 'p', 'p', 1, 'text', 'hi', 'delivered', 'in', ?)`,
  ).run(Buffer.alloc(16, 1), Buffer.alloc(16, 1))

  assert.deepEqual(migrate(db, migrations.slice(0, 10)), [10])
  assert.equal(schemaVersion(db), 10)
  assert.deepEqual(db.prepare('SELECT text, reply_to, mentions, recalled_at FROM messages').get(), {
    text: 'hi',
    reply_to: null,
    mentions: null,
    recalled_at: null,
  })
  assert.deepEqual(db.prepare('SELECT muted, mentions FROM conversations').get(), {
    muted: 0,
    mentions: 0,
  })
  assert.throws(
    () => db.prepare(`UPDATE messages SET reply_to = x'00'`).run(),
    /CHECK/,
    'a reply_to is a 16-byte message id',
  )
  assert.throws(() => db.prepare('UPDATE conversations SET muted = 2').run(), /CHECK/)
})
