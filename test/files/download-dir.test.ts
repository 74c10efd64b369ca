// Where received files land by default (app/core/files/download-dir.ts): the XDG download dir's
// Pigeon subfolder when ~/.config/user-dirs.dirs sets one (a Chinese desktop's ~/下载), else
// ~/Downloads/Pigeon; `pigeon start --downloads DIR` sets and remembers another. The real
// xdg-user-dir script (Debian's xdg-user-dirs) and a real `pigeon start`, asked over its API.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { defaultDownloadDir } from '../../app/core/files/download-dir.js'
import { connectToDataDir } from '../../app/api/discover.js'
import { startPigeon, tempDataDir } from '../app/support/cli.js'

function withHome<T>(configure: (home: string) => void, run: (home: string) => T): T {
  const saved = { HOME: process.env.HOME, XDG_CONFIG_HOME: process.env.XDG_CONFIG_HOME }
  const home = mkdtempSync(join(tmpdir(), 'pigeon-home-'))
  try {
    process.env.HOME = home
    process.env.XDG_CONFIG_HOME = join(home, '.config')
    configure(home)
    return run(home)
  } finally {
    for (const [key, value] of Object.entries(saved))
      if (value === undefined) delete process.env[key]
      else process.env[key] = value
    rmSync(home, { recursive: true, force: true })
  }
}

test('the default is the XDG download dir’s Pigeon, else ~/Downloads/Pigeon', () => {
  withHome(
    (home) => {
      mkdirSync(join(home, '.config'), { recursive: true })
      writeFileSync(join(home, '.config', 'user-dirs.dirs'), 'XDG_DOWNLOAD_DIR="$HOME/下载"\n')
    },
    (home) => assert.equal(defaultDownloadDir(), join(home, '下载', 'Pigeon')),
  )
  // no user-dirs.dirs: xdg-user-dir answers $HOME, which is not a download dir
  withHome(
    () => undefined,
    (home) => assert.equal(defaultDownloadDir(), join(home, 'Downloads', 'Pigeon')),
  )
})

test('pigeon start --downloads DIR sets the download dir, the API reports it, and it is remembered', async (t) => {
  const dataDir = tempDataDir(t, 'downloads')
  const target = join(dataDir, '..', `${dataDir.split('/').pop()}-in`)
  t.after(() => rmSync(target, { recursive: true, force: true }))
  const first = await startPigeon(t, dataDir, ['--name', 'Dora', '--downloads', target])
  assert.equal(await (await connectToDataDir(dataDir)).downloadDir(), target)
  first.child.kill('SIGTERM')
  await first.exited
  await startPigeon(t, dataDir, ['--name', 'Dora'])
  assert.equal(await (await connectToDataDir(dataDir)).downloadDir(), target, 'remembered')
})
