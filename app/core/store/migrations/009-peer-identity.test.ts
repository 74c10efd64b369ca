import assert from 'node:assert/strict'
import { test } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import { migrate, schemaVersion } from '../migrate.js'
import { migrations } from './index.js'

test('009 adds workgroup, host and verified_at and keeps every profile', (t) => {
  const db = new BetterSqlite3(':memory:')
  t.after(() => db.close())
  migrate(db, migrations.slice(0, 8))
  db.prepare(
    `INSERT INTO me (singleton, peer_id, name, color, status, version) VALUES (1, 'me', 'Ada', 1, 'online', 3)`,
  ).run()
  db.prepare(
    `INSERT INTO peers (peer_id, name, color, status, profile_version) VALUES ('bo', 'Bo', 2, 'busy', 5)`,
  ).run()

  assert.deepEqual(migrate(db, migrations.slice(0, 9)), [9])
  assert.equal(schemaVersion(db), 9)
  assert.deepEqual(db.prepare('SELECT name, workgroup, host FROM me').get(), {
    name: 'Ada',
    workgroup: null,
    host: null,
  })
  assert.deepEqual(
    db.prepare('SELECT name, profile_version, workgroup, host, verified_at FROM peers').get(),
    { name: 'Bo', profile_version: 5, workgroup: null, host: null, verified_at: null },
  )
})
