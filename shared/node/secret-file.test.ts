import assert from 'node:assert/strict'
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { isPigeonError } from '../errors.js'
import {
  loadOrCreateSecretFile,
  readSecretFile,
  writeSecretFile,
  type SecretFormat,
} from './secret-file.js'

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'pigeon-secret-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  return dir
}

/** four bytes, nothing else */
const FOUR: SecretFormat<string> = {
  what: 'four bytes',
  parse: (bytes) => {
    if (bytes.length !== 4) throw new Error(`${bytes.length} bytes`)
    return Buffer.from(bytes).toString('hex')
  },
  remedy: 'Move it away.',
}

test('written 0600 and whole, replacing the old file; no temp file is left behind', (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'key')
  writeFileSync(file, 'old', { mode: 0o644 })
  const umask = process.umask(0o000) // a permissive umask must not widen the mode
  try {
    writeSecretFile(file, 'new!')
  } finally {
    process.umask(umask)
  }
  assert.equal(readFileSync(file, 'utf8'), 'new!')
  assert.equal(statSync(file).mode & 0o777, 0o600)
  assert.deepEqual(readdirSync(dir), ['key'])
})

test('exclusive: an existing file is never replaced (EEXIST), and no temp file is left', (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'key')
  writeSecretFile(file, 'mine', { exclusive: true })
  assert.throws(
    () => writeSecretFile(file, 'them', { exclusive: true }),
    (e) => (e as NodeJS.ErrnoException).code === 'EEXIST',
  )
  assert.equal(readFileSync(file, 'utf8'), 'mine')
  assert.equal(statSync(file).mode & 0o777, 0o600)
  assert.deepEqual(readdirSync(dir), ['key'])
})

test('read: missing is undefined, damaged and unreadable are errors naming the file and what to do', (t) => {
  const dir = tempDir(t)
  const file = join(dir, 'key')
  assert.equal(readSecretFile(file, FOUR), undefined)
  writeSecretFile(file, new Uint8Array([1, 2, 3, 4]))
  assert.equal(readSecretFile(file, FOUR), '01020304')

  writeFileSync(file, 'five!')
  assert.throws(
    () => readSecretFile(file, FOUR),
    (e) =>
      isPigeonError(e) &&
      e.code === 'SECRET_FILE_INVALID' &&
      e.message === `${file} is damaged: it does not hold four bytes (5 bytes). Move it away.`,
  )
  // a directory where the file should be: unreadable for everyone, root included
  rmSync(file)
  mkdirSync(file)
  assert.throws(
    () => readSecretFile(file, FOUR),
    (e) =>
      isPigeonError(e) &&
      e.code === 'SECRET_FILE_UNREADABLE' &&
      e.message.startsWith(`Cannot read ${file} (EISDIR): it holds four bytes`),
  )
})

test('two creations at once agree on one value: the loser reads the winner’s file', async (t) => {
  const file = join(tempDir(t), 'key')
  let made = 0
  const make = async (): Promise<string> => {
    made += 1
    const mine = made
    await new Promise((resolve) => setImmediate(resolve)) // both have read "missing" by now
    return `0${mine}0${mine}0${mine}0${mine}`
  }
  const encode = (hex: string): Uint8Array => Buffer.from(hex, 'hex')
  const [a, b] = await Promise.all([
    loadOrCreateSecretFile(file, FOUR, make, encode),
    loadOrCreateSecretFile(file, FOUR, make, encode),
  ])
  assert.equal(made, 2)
  assert.equal(a, b)
  assert.equal(readSecretFile(file, FOUR), a)
})
