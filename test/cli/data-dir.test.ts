// One data dir, one node, one owner — with the real `pigeon` command: the OS lock keeps a second
// node out even from another network namespace (where no port probe reaches) and is released by
// kill -9; a history never starts under another key; identity backups move a user.
import assert from 'node:assert/strict'
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { generateIdentity } from '../../shared/identity.js'
import type { ApiEndpoint, MessageView } from '../../app/api/contract.js'
import { pigeon, pigeonJson, pigeonVia, startPigeon, tempDataDir } from '../app/support/cli.js'

const endpointOf = (dir: string): ApiEndpoint =>
  JSON.parse(readFileSync(join(dir, 'api.json'), 'utf8')) as ApiEndpoint

test(
  'a second node on a data dir is refused, even from another network namespace; kill -9 frees it',
  { skip: process.getuid?.() !== 0 && 'unshare -n needs root' },
  async (t) => {
    const dir = tempDataDir(t, 'lock')
    const first = await startPigeon(t, dir)
    const before = endpointOf(dir)

    // another network namespace: 127.0.0.1 there is not the first node's, so only the lock can tell
    const second = await pigeonVia(['unshare', '-n'], 'start', '--data', dir)
    assert.notEqual(second.code, 0)
    assert.equal(
      second.stderr,
      `pigeon: Another Pigeon node (process ${first.child.pid}) is using the data dir ${dir}. Stop it first, or start this one with --data <another dir>. [DATA_DIR_LOCKED]\n`,
    )
    assert.deepEqual(
      endpointOf(dir),
      before,
      "the refused node leaves the first one's api.json alone",
    )
    assert.equal((await pigeonJson<{ peerId: string }>('id', '--data', dir)).peerId, first.peerId)

    first.child.kill('SIGKILL')
    await first.exited
    const again = await startPigeon(t, dir)
    assert.equal(again.peerId, first.peerId)
  },
)

test('a deleted key refuses to start; --new-identity archives; a backup brings the user back elsewhere', async (t) => {
  const dir = tempDataDir(t, 'ada')
  const ada = await startPigeon(t, dir, ['--name', 'Ada'])
  const friend = (await generateIdentity()).peerId
  const sent = await pigeon('send', '--data', dir, friend, 'kept in the history')
  assert.equal(sent.code, 0, sent.stderr)
  ada.child.kill('SIGTERM')
  assert.equal(await ada.exited, 0)

  const secrets = tempDataDir(t, 'secrets')
  const passFile = join(secrets, 'pass')
  writeFileSync(passFile, 'correct horse battery\n')
  const wrongFile = join(secrets, 'wrong')
  writeFileSync(wrongFile, 'wrong horse battery\n')
  const backup = join(secrets, 'ada.pigeonid')
  const exported = await pigeon(
    'identity',
    'export',
    backup,
    '--data',
    dir,
    '--passphrase-file',
    passFile,
  )
  assert.equal(exported.code, 0, exported.stderr)
  assert.ok(exported.stdout.includes(ada.peerId))
  const overwrite = await pigeon(
    'identity',
    'export',
    backup,
    '--data',
    dir,
    '--passphrase-file',
    passFile,
  )
  assert.match(overwrite.stderr, /already exists.*\[BACKUP_FILE_EXISTS\]\n$/)

  rmSync(join(dir, 'identity.key'))
  const refused = await pigeon('start', '--data', dir)
  assert.notEqual(refused.code, 0)
  assert.equal(
    refused.stderr,
    `pigeon: ${join(dir, 'identity.key')} is missing, and the history in ${dir} belongs to ${ada.peerId}. Restore the key from a backup (pigeon identity import <backup file>), or start with --new-identity to archive this history and start as a new user. [IDENTITY_MISSING]\n`,
  )
  assert.equal(existsSync(join(dir, 'identity.key')), false, 'no new key was made')

  // the explicit way out: the old data is archived, never deleted, and a new user starts
  const fresh = await startPigeon(t, dir, ['--new-identity'])
  assert.notEqual(fresh.peerId, ada.peerId)
  const archive = /^The previous identity and its history are in (\S+)$/m.exec(fresh.stdout)?.[1]
  assert.ok(archive !== undefined && archive.startsWith(join(dir, 'archive-')), fresh.stdout)
  assert.ok(readdirSync(archive).includes('pigeon.db'))
  assert.deepEqual(await pigeonJson<MessageView[]>('history', '--data', dir, friend), [])
  fresh.child.kill('SIGTERM')
  assert.equal(await fresh.exited, 0)

  // the backup does not silently replace another user's key
  const mismatch = await pigeon(
    'identity',
    'import',
    backup,
    '--data',
    dir,
    '--passphrase-file',
    passFile,
  )
  assert.notEqual(mismatch.code, 0)
  assert.match(
    mismatch.stderr,
    new RegExp(
      `holds the identity or history of ${fresh.peerId}.*--replace.*\\[IDENTITY_MISMATCH\\]\\n$`,
    ),
  )

  const nowhere = await pigeon(
    'identity',
    'import',
    join(secrets, 'nowhere'),
    '--data',
    dir,
    '--passphrase-file',
    passFile,
  )
  assert.match(
    nowhere.stderr,
    /nowhere cannot be read \(ENOENT\); give the path of a file made by `pigeon identity export`\. \[BACKUP_INVALID\]\n$/,
  )

  // a new computer: the history copied over, the key from the backup
  const laptop = tempDataDir(t, 'laptop')
  const wrong = await pigeon(
    'identity',
    'import',
    backup,
    '--data',
    laptop,
    '--passphrase-file',
    wrongFile,
  )
  assert.notEqual(wrong.code, 0)
  assert.match(
    wrong.stderr,
    /^pigeon: The passphrase does not open this backup .*\[BACKUP_WRONG_PASSPHRASE\]\n$/,
  )
  assert.equal(existsSync(join(laptop, 'identity.key')), false)
  copyFileSync(join(archive, 'pigeon.db'), join(laptop, 'pigeon.db'))
  const imported = await pigeon(
    'identity',
    'import',
    backup,
    '--data',
    laptop,
    '--passphrase-file',
    passFile,
  )
  assert.equal(imported.code, 0, imported.stderr)
  const back = await startPigeon(t, laptop)
  assert.equal(back.peerId, ada.peerId)
  assert.match(back.stdout, /^name\s+Ada$/m)
  const history = await pigeonJson<MessageView[]>('history', '--data', laptop, friend)
  assert.deepEqual(
    history.map((m) => [m.id, m.text]),
    [[sent.stdout.trim(), 'kept in the history']],
  )
})
