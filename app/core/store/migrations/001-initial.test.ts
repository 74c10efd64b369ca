import assert from 'node:assert/strict'
import { test } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import { migrate, schemaVersion } from '../migrate.js'
import { migration001 } from './001-initial.js'

function migrated(): BetterSqlite3.Database {
  const db = new BetterSqlite3(':memory:')
  migrate(db, [migration001])
  return db
}

test('001 creates every table as STRICT and records schema 1', (t) => {
  const db = migrated()
  t.after(() => db.close())
  assert.equal(schemaVersion(db), 1)
  const tables = db
    .prepare<[], { name: string; strict: number }>(
      `SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'messages_fts%'`,
    )
    .all()
  assert.deepEqual(tables.map((t) => t.name).sort(), [
    'conversations',
    'me',
    'messages',
    'outbox',
    'peers',
    'settings',
  ])
  for (const table of tables) assert.equal(table.strict, 1, `${table.name} is STRICT`)
})

test('001 refuses wrong types, bad states and ids that are not 16 bytes', (t) => {
  const db = migrated()
  t.after(() => db.close())
  db.prepare(`INSERT INTO conversations (id, kind, target) VALUES ('p', 'peer', 'p')`).run()
  const insert = db.prepare(
    `INSERT INTO messages (id, conversation_id, sender, sent_at, kind, text, state, direction) VALUES (?, 'p', 'p', ?, 'text', 'hi', ?, 'in')`,
  )
  assert.throws(
    () => insert.run(Buffer.alloc(16), 'yesterday', 'delivered'),
    /cannot store TEXT value in INTEGER column/,
  )
  assert.throws(() => insert.run(Buffer.alloc(16), 1, 'lost'), /CHECK constraint failed/)
  assert.throws(() => insert.run(Buffer.alloc(15), 1, 'delivered'), /CHECK constraint failed/)
  assert.throws(
    () =>
      db
        .prepare(
          `INSERT INTO messages (id, conversation_id, sender, sent_at, kind, state, direction) VALUES (?, 'nowhere', 'p', 1, 'text', 'pending', 'out')`,
        )
        .run(Buffer.alloc(16, 2)),
    /FOREIGN KEY/,
  )
})

test('001 indexes inserted text in the trigram index, keyed by message id', (t) => {
  const db = migrated()
  t.after(() => db.close())
  db.pragma('foreign_keys = ON')
  db.prepare(`INSERT INTO conversations (id, kind, target) VALUES ('p', 'peer', 'p')`).run()
  const id = Buffer.alloc(16, 7)
  db.prepare(
    `INSERT INTO messages (id, conversation_id, sender, sent_at, kind, text, state, direction) VALUES (?, 'p', 'p', 1, 'text', '我们明天去北京', 'delivered', 'in')`,
  ).run(id)
  const hit = db
    .prepare<[string], { message_id: Buffer }>(
      `SELECT message_id FROM messages_fts WHERE messages_fts MATCH ?`,
    )
    .get('"天去北"')
  assert.deepEqual(hit?.message_id, id)
  db.prepare('DELETE FROM messages WHERE id = ?').run(id)
  assert.equal(db.prepare(`SELECT count(*) AS n FROM messages_fts`).pluck().get(), 0)
})

test('001 keeps one outbox row per message, recipient and receipt state', (t) => {
  const db = migrated()
  t.after(() => db.close())
  const add = db.prepare(
    `INSERT INTO outbox (message_id, recipient, kind, receipt_state, next_attempt_at, created_at) VALUES (?, 'p', ?, ?, 0, 0) ON CONFLICT DO NOTHING`,
  )
  const id = Buffer.alloc(16, 3)
  assert.equal(add.run(id, 'text', null).changes, 1)
  assert.equal(add.run(id, 'text', null).changes, 0)
  assert.equal(add.run(id, 'receipt', 'delivered').changes, 1)
  assert.equal(add.run(id, 'receipt', 'read').changes, 1)
  assert.throws(() => add.run(Buffer.alloc(16, 4), 'receipt', null), /CHECK constraint failed/)
})
