import assert from 'node:assert/strict'
import { test } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import { migrate, schemaVersion } from '../migrate.js'
import { migrations } from './index.js'

test('011 gives parked group texts their reply and mentions; old parked rows read as plain', (t) => {
  const db = new BetterSqlite3(':memory:')
  t.after(() => db.close())
  migrate(db, migrations.slice(0, 10))
  db.prepare(
    `INSERT INTO group_parked (id, group_id, sender, sent_at, text, parked_at)
     VALUES (?, 'g', 'p', 1, 'hi', 2)`,
  ).run(Buffer.alloc(16, 1))

  assert.deepEqual(migrate(db, migrations.slice(0, 11)), [11])
  assert.equal(schemaVersion(db), 11)
  assert.deepEqual(db.prepare('SELECT text, reply_to, mentions FROM group_parked').get(), {
    text: 'hi',
    reply_to: null,
    mentions: null,
  })
  assert.throws(
    () => db.prepare(`UPDATE group_parked SET reply_to = x'00'`).run(),
    /CHECK/,
    'a reply_to is a 16-byte message id',
  )
})
