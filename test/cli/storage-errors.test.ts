// Storage and port failures of `pigeon start` reach the person as one sentence naming the file or
// port and what to do, with a code — not EROFS, "attempt to write a readonly database" or "file is
// not a database", and not a silent move to another port.
import assert from 'node:assert/strict'
import { mkdirSync, truncateSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { test } from 'node:test'
import { loadOrCreateIdentity } from '../../app/core/data-dir.js'
import { lockDataDir } from '../../app/core/data-dir-lock.js'
import { Store } from '../../app/core/store/index.js'
import { pigeon, pigeonVia, tempDataDir } from '../app/support/cli.js'

const readOnly = (dir: string): string =>
  `pigeon: Pigeon cannot write ${join(dir, 'lock.db')}: the data dir ${dir} is read-only. Make it writable (remount it read-write, or fix its permissions), or start with --data <a writable dir>. [DATA_DIR_READ_ONLY]\n`

const damaged = (file: string): string =>
  `pigeon: ${file} is damaged or is not a Pigeon database. Move it aside together with its -wal and -shm files (e.g. into a folder named damaged), then restore it from a backup, or start again to begin an empty history with the same identity. [STORE_DAMAGED]\n`

test(
  'a read-only data dir, new or used, is named with what to do',
  { skip: process.getuid?.() !== 0 && 'mounting needs root' },
  async (t) => {
    const used = tempDataDir(t, 'used')
    await loadOrCreateIdentity(used)
    lockDataDir(used).release()
    Store.open(join(used, 'pigeon.db')).close()
    const mnt = tempDataDir(t, 'mnt')
    // a tmpfs in a mount namespace of its own: it goes away with the process, nothing to unmount
    const readOnlyMount = [
      'unshare',
      '-m',
      'sh',
      '-c',
      'set -e; mount -t tmpfs tmpfs "$0"; mkdir "$0/new"; cp -a "$1" "$0/used"; mount -o remount,ro "$0"; shift; exec "$@"',
      mnt,
      `${used}/.`,
    ]
    for (const name of ['new', 'used']) {
      const dir = join(mnt, name)
      const result = await pigeonVia(readOnlyMount, 'start', '--data', dir)
      assert.notEqual(result.code, 0)
      assert.equal(result.stderr, readOnly(dir), name)
    }
  },
)

test('a garbage or truncated pigeon.db is named with what to do', async (t) => {
  const garbage = tempDataDir(t, 'garbage')
  writeFileSync(join(garbage, 'pigeon.db'), 'this is not a database\n'.repeat(100))
  const truncated = tempDataDir(t, 'truncated')
  const store = Store.open(join(truncated, 'pigeon.db'))
  store.db.pragma('wal_checkpoint(TRUNCATE)')
  store.close()
  truncateSync(join(truncated, 'pigeon.db'), 4096)
  for (const dir of [garbage, truncated]) {
    const result = await pigeon('start', '--data', dir)
    assert.notEqual(result.code, 0)
    assert.equal(result.stderr, damaged(join(dir, 'pigeon.db')))
  }
})

test('--port N that is taken fails start instead of listening elsewhere', async (t) => {
  const taken = createServer()
  await new Promise<void>((listening) => taken.listen(0, '127.0.0.1', listening))
  t.after(() => taken.close())
  const address = taken.address()
  assert.ok(typeof address === 'object' && address !== null)
  const dir = tempDataDir(t, 'port')
  mkdirSync(dir, { recursive: true })
  const result = await pigeon('start', '--data', dir, '--port', String(address.port))
  assert.notEqual(result.code, 0)
  assert.match(
    result.stderr,
    new RegExp(
      `^pigeon: The LAN port ${address.port} is taken by another program; pick another with --port, or leave --port out to use any free one\\. \\[NODE_START_FAILED\\]\\n$`,
    ),
  )
})
