import assert from 'node:assert/strict'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { isPigeonError } from '../../shared/errors.js'
import { generateIdentity } from '../../shared/identity.js'
import { archiveDataDir, IDENTITY_FILE, loadOrCreateIdentity, resolveDataDir } from './data-dir.js'
import { LOCK_FILE } from './data-dir-lock.js'

test('the data dir is --data, else PIGEON_HOME, else the platform convention', () => {
  const home = '/home/ada'
  assert.equal(
    resolveDataDir({ flag: '/tmp/x', env: { PIGEON_HOME: '/srv/p' }, platform: 'linux', home }),
    '/tmp/x',
  )
  assert.equal(
    resolveDataDir({ env: { PIGEON_HOME: '/srv/p' }, platform: 'linux', home }),
    '/srv/p',
  )
  assert.equal(
    resolveDataDir({ env: {}, platform: 'linux', home }),
    '/home/ada/.local/share/pigeon',
  )
  assert.equal(
    resolveDataDir({ env: { XDG_DATA_HOME: '/data' }, platform: 'linux', home }),
    '/data/pigeon',
  )
  assert.equal(
    resolveDataDir({ env: { XDG_DATA_HOME: 'relative' }, platform: 'linux', home }),
    '/home/ada/.local/share/pigeon',
  )
  assert.equal(
    resolveDataDir({ env: {}, platform: 'darwin', home }),
    '/home/ada/Library/Application Support/Pigeon',
  )
  assert.equal(
    resolveDataDir({ env: { APPDATA: '/c/Users/ada/AppData/Roaming' }, platform: 'win32', home }),
    '/c/Users/ada/AppData/Roaming/Pigeon',
  )
})

test('the identity is created once, kept 0600, and the same PeerId comes back', async (t) => {
  const dir = join(mkdtempSync(join(tmpdir(), 'pigeon-dd-')), 'nested', 'data')
  t.after(() => rmSync(join(dir, '..', '..'), { recursive: true, force: true }))
  const first = await loadOrCreateIdentity(dir)
  assert.equal(statSync(join(dir, IDENTITY_FILE)).mode & 0o777, 0o600)
  assert.equal(statSync(dir).mode & 0o777, 0o700)
  const again = await loadOrCreateIdentity(dir)
  assert.equal(again.peerId, first.peerId)
})

test('a damaged identity file is reported, never silently replaced', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pigeon-dd-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  writeFileSync(join(dir, IDENTITY_FILE), 'garbage')
  await assert.rejects(
    loadOrCreateIdentity(dir),
    (e) =>
      isPigeonError(e) &&
      e.code === 'SECRET_FILE_INVALID' &&
      e.message.startsWith(`${join(dir, IDENTITY_FILE)} is damaged`),
  )
})

test("a history is never taken over by another key: missing or someone else's key is refused", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pigeon-dd-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const owner = (await generateIdentity()).peerId
  await assert.rejects(
    loadOrCreateIdentity(dir, owner),
    (e) => isPigeonError(e) && e.code === 'IDENTITY_MISSING' && e.message.includes(owner),
  )
  assert.equal(existsSync(join(dir, IDENTITY_FILE)), false, 'no key was made for the history')
  const mine = await loadOrCreateIdentity(dir)
  assert.equal((await loadOrCreateIdentity(dir, mine.peerId)).peerId, mine.peerId)
  await assert.rejects(
    loadOrCreateIdentity(dir, owner),
    (e) =>
      isPigeonError(e) &&
      e.code === 'IDENTITY_MISMATCH' &&
      e.message.includes(owner) &&
      e.message.includes(mine.peerId),
  )
})

test('archiving moves everything but the lock and earlier archives into archive-<UTC time>', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pigeon-dd-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const now = new Date('2026-12-01T10:30:00.123Z')
  assert.equal(archiveDataDir(dir, now), undefined, 'an empty dir has nothing to archive')
  for (const name of [IDENTITY_FILE, 'pigeon.db', 'pigeon.db-wal', LOCK_FILE])
    writeFileSync(join(dir, name), name)
  mkdirSync(join(dir, 'files'))
  const first = archiveDataDir(dir, now)
  assert.equal(first, join(dir, 'archive-2026-12-01T10-30-00Z'))
  assert.deepEqual(
    readdirSync(first).sort(),
    ['files', IDENTITY_FILE, 'pigeon.db', 'pigeon.db-wal'].sort(),
  )
  assert.deepEqual(readdirSync(dir).sort(), ['archive-2026-12-01T10-30-00Z', LOCK_FILE])
  writeFileSync(join(dir, IDENTITY_FILE), 'again')
  assert.equal(archiveDataDir(dir, now), join(dir, 'archive-2026-12-01T10-30-00Z-2'))
})
