import assert from 'node:assert/strict'
import { test } from 'node:test'
import BetterSqlite3 from 'better-sqlite3'
import { isPigeonError } from '../../../shared/errors.js'
import { migrate, schemaVersion, type Migration } from './migrate.js'
import { migrations } from './migrations/index.js'

const first: Migration = {
  version: 1,
  name: 'a',
  up: (db) => db.exec('CREATE TABLE a (x INTEGER) STRICT'),
}
const second: Migration = {
  version: 2,
  name: 'b',
  up: (db) => db.exec('CREATE TABLE b (y INTEGER) STRICT'),
}

test('migrate applies only the migrations newer than the database, in order', (t) => {
  const db = new BetterSqlite3(':memory:')
  t.after(() => db.close())
  assert.deepEqual(migrate(db, [first]), [1])
  assert.deepEqual(migrate(db, [second, first]), [2])
  assert.deepEqual(migrate(db, [first, second]), [])
  assert.equal(schemaVersion(db), 2)
})

test('a failing migration leaves the schema where it was', (t) => {
  const db = new BetterSqlite3(':memory:')
  t.after(() => db.close())
  const broken: Migration = {
    version: 2,
    name: 'broken',
    up: (d) => d.exec('CREATE TABLE c (z INTEGER) STRICT; nonsense'),
  }
  migrate(db, [first])
  assert.throws(() => migrate(db, [first, broken]))
  assert.equal(schemaVersion(db), 1)
  assert.equal(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name = 'c'`).pluck().get(), 0)
})

test('a database from a newer Pigeon is refused', (t) => {
  const db = new BetterSqlite3(':memory:')
  t.after(() => db.close())
  db.pragma(`user_version = ${migrations.length + 1}`)
  assert.throws(
    () => migrate(db, migrations),
    (e) => isPigeonError(e) && e.code === 'STORE_SCHEMA_TOO_NEW',
  )
})

test('versions must be 1..n without gaps', (t) => {
  const db = new BetterSqlite3(':memory:')
  t.after(() => db.close())
  assert.throws(() => migrate(db, [second]), /expected 1/)
})
