// The main process opens or shows only received files inside the download dir: a path outside
// it, a symbolic link out of it, a relative path or a non-string are refused. Real files.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { insideDownloads, isOpenAction } from './open-file.main.js'

test('only paths inside the download dir are opened', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'pigeon-open-'))
  t.after(() => rmSync(root, { recursive: true, force: true }))
  const downloads = join(root, 'Downloads', 'Pigeon')
  mkdirSync(join(downloads, '照片'), { recursive: true })
  writeFileSync(join(downloads, '照片', 'a.png'), 'x')
  writeFileSync(join(root, 'secret.sh'), 'x')
  symlinkSync(join(root, 'secret.sh'), join(downloads, 'link.sh'))

  assert.equal(
    await insideDownloads(join(downloads, '照片', 'a.png'), downloads),
    join(downloads, '照片', 'a.png'),
  )
  assert.equal(await insideDownloads(join(downloads, '照片'), downloads), join(downloads, '照片'))
  const refused = (e: unknown) => (e as { code?: string }).code === 'FILE_PATH_TRAVERSAL'
  await assert.rejects(insideDownloads(join(root, 'secret.sh'), downloads), refused)
  await assert.rejects(
    insideDownloads(join(downloads, '..', '..', 'secret.sh'), downloads),
    refused,
  )
  await assert.rejects(insideDownloads(join(downloads, 'link.sh'), downloads), refused)
  await assert.rejects(insideDownloads('照片/a.png', downloads), refused)
  await assert.rejects(insideDownloads(42, downloads), refused)
  assert.ok(isOpenAction('show') && !isOpenAction('exec'))
})
