import assert from 'node:assert/strict'
import { test } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import { migrate, schemaVersion } from '../migrate.js'
import { migration001 } from './001-initial.js'
import { migration002 } from './002-deferred-search-index.js'
import { migration003 } from './003-lean-outbox.js'
import { migration004 } from './004-groups.js'

test('004 keeps every queued row in its place and lets the outbox hold group changes', (t) => {
  const db = new BetterSqlite3(':memory:')
  t.after(() => db.close())
  migrate(db, [migration001, migration002, migration003])
  const add = db.prepare(
    `INSERT INTO outbox (message_id, recipient, kind, receipt_state, attempts, next_attempt_at, created_at) VALUES (?, 'p', ?, ?, ?, 5, 1)`,
  )
  add.run(Buffer.alloc(16, 1), 'text', null, 3)
  add.run(Buffer.alloc(16, 2), 'receipt', 'read', 0)
  db.prepare('DELETE FROM outbox WHERE seq = 1').run()
  add.run(Buffer.alloc(16, 3), 'text', null, 0)
  assert.throws(() => add.run(Buffer.alloc(16, 9), 'control', null, 0), /CHECK constraint failed/)
  const before = db.prepare('SELECT * FROM outbox ORDER BY seq').all()

  assert.deepEqual(migrate(db, [migration001, migration002, migration003, migration004]), [4])
  assert.equal(schemaVersion(db), 4)
  assert.deepEqual(db.prepare('SELECT * FROM outbox ORDER BY seq').all(), before)
  add.run(Buffer.alloc(16, 4), 'control', null, 0)
  const seqs = db.prepare<[], number>('SELECT seq FROM outbox ORDER BY seq').pluck().all()
  assert.deepEqual(seqs, [2, 3, 4])
  assert.throws(() => add.run(Buffer.alloc(16, 5), 'receipt', null, 0), /CHECK constraint failed/)
  assert.throws(() => add.run(Buffer.alloc(16, 6), 'group', null, 0), /CHECK constraint failed/)
  const tables = db
    .prepare<[], string>(`SELECT name FROM pragma_table_list WHERE strict = 1 ORDER BY name`)
    .pluck()
    .all()
  for (const name of ['groups', 'group_controls', 'group_copies', 'group_parked', 'outbox'])
    assert.ok(tables.includes(name), name)
  assert.throws(
    () =>
      db
        .prepare(`INSERT INTO group_copies (message_id, member, state) VALUES (?, 'p', 'lost')`)
        .run(Buffer.alloc(16, 1)),
    /CHECK constraint failed/,
  )
})
