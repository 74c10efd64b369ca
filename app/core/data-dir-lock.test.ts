import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { isPigeonError } from '../../shared/errors.js'
import { lockDataDir } from './data-dir-lock.js'

test('a data dir is locked until released; the refusal names the holder', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'pigeon-lock-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const first = lockDataDir(dir)
  // SQLite keeps its locks per file, not per connection: the same process is refused too
  assert.throws(
    () => lockDataDir(dir),
    (e) =>
      isPigeonError(e) &&
      e.code === 'DATA_DIR_LOCKED' &&
      e.message.includes(`(process ${process.pid})`) &&
      e.message.includes(dir),
  )
  first.release()
  first.release()
  lockDataDir(dir).release()
})
