import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { isPigeonError } from '../../shared/errors.js'
import { IDENTITY_FILE, loadOrCreateIdentity, resolveDataDir } from './data-dir.js'

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
    (e) => isPigeonError(e) && e.code === 'IDENTITY_FILE_INVALID',
  )
})
