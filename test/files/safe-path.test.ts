// Path safety of received files (docs/protocol.md §10 "Safety"): every hostile name is refused
// with its code, and no accepted path resolves outside the target on POSIX or Windows.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import fc from 'fast-check'
import {
  checkIndexPaths,
  checkRelativePath,
  refuseSymlinks,
} from '../../app/core/files/safe-path.js'
import { isPigeonError, type PigeonErrorCode } from '../../shared/errors.js'

function refused(code: PigeonErrorCode, run: () => unknown): void {
  assert.throws(
    run,
    (e) => isPigeonError(e) && e.code === code && e.message.length > 20,
    `expected ${code}`,
  )
}

test('hostile paths are refused, each with its code and a sentence', () => {
  const cases: Array<[string, PigeonErrorCode]> = [
    ['../etc/passwd', 'FILE_PATH_TRAVERSAL'],
    ['a/../../b', 'FILE_PATH_TRAVERSAL'],
    ['a/..', 'FILE_PATH_TRAVERSAL'],
    ['..\\..\\windows\\system32', 'FILE_PATH_TRAVERSAL'],
    ['/etc/passwd', 'FILE_PATH_ABSOLUTE'],
    ['\\\\server\\share\\x', 'FILE_PATH_ABSOLUTE'],
    ['C:\\Windows\\x.dll', 'FILE_PATH_ABSOLUTE'],
    ['c:x', 'FILE_PATH_ABSOLUTE'],
    ['a\u0000b', 'FILE_NAME_INVALID'],
    ['a\\b', 'FILE_NAME_INVALID'],
    ['notes.txt:secret', 'FILE_NAME_INVALID'],
    ['a//b', 'FILE_NAME_INVALID'],
    ['./a', 'FILE_NAME_INVALID'],
    ['', 'FILE_NAME_INVALID'],
    ['trailing.', 'FILE_NAME_INVALID'],
    ['trailing ', 'FILE_NAME_INVALID'],
    ['line\nbreak', 'FILE_NAME_INVALID'],
    ['CON', 'FILE_NAME_RESERVED'],
    ['docs/nul.txt', 'FILE_NAME_RESERVED'],
    ['Com1.log', 'FILE_NAME_RESERVED'],
    ['lpt9', 'FILE_NAME_RESERVED'],
    ['AUX.tar.gz', 'FILE_NAME_RESERVED'],
    ['a'.repeat(256), 'FILE_NAME_TOO_LONG'],
    ['文'.repeat(86), 'FILE_NAME_TOO_LONG'], // 258 bytes in UTF-8
    [Array.from({ length: 20 }, () => 'x'.repeat(250)).join('/'), 'FILE_NAME_TOO_LONG'],
  ]
  for (const [name, code] of cases) refused(code, () => checkRelativePath(name))
})

test('ordinary names, Chinese and emoji included, are accepted', () => {
  for (const name of [
    'report.pdf',
    '照片/2026/春节 🎆.jpg',
    'a'.repeat(255),
    '文'.repeat(85),
    'CONSOLE.txt',
    'nul-not-reserved',
    '.hidden',
    'a..b',
  ]) {
    assert.deepEqual(checkRelativePath(name), name.split('/'))
  }
})

test('an index with names equal but for case, or a file that is also a folder, is refused', () => {
  refused('FILE_NAME_DUPLICATE', () =>
    checkIndexPaths([
      { path: 'Readme.md', directory: false },
      { path: 'README.md', directory: false },
    ]),
  )
  // NFC and NFD forms of é are one name on macOS
  refused('FILE_NAME_DUPLICATE', () =>
    checkIndexPaths([
      { path: 'caf\u00e9', directory: false },
      { path: 'cafe\u0301', directory: false },
    ]),
  )
  refused('FILE_NAME_DUPLICATE', () =>
    checkIndexPaths([
      { path: 'a', directory: false },
      { path: 'A/b', directory: false },
    ]),
  )
  checkIndexPaths([
    { path: 'a', directory: true },
    { path: 'a/b', directory: false },
    { path: 'a/c', directory: true },
  ])
})

test('a symbolic link anywhere on the way is refused before writing', async (t) => {
  const root = await mkdtemp(path.join(tmpdir(), 'pigeon-safe-'))
  t.after(() => rm(root, { recursive: true, force: true }))
  const outside = await mkdtemp(path.join(tmpdir(), 'pigeon-outside-'))
  t.after(() => rm(outside, { recursive: true, force: true }))
  await mkdir(path.join(root, 'real'))
  await symlink(outside, path.join(root, 'real', 'link'))
  await assert.rejects(
    refuseSymlinks(root, ['real', 'link', 'x.txt']),
    (e) => isPigeonError(e) && e.code === 'FILE_SYMLINK',
  )
  await symlink(path.join(outside, 'target'), path.join(root, 'file-link'))
  await assert.rejects(
    refuseSymlinks(root, ['file-link']),
    (e) => isPigeonError(e) && e.code === 'FILE_SYMLINK',
  )
  await refuseSymlinks(root, ['real', 'new', 'x.txt'])
})

test('property: no accepted path resolves outside the target, on POSIX or Windows', () => {
  const segment = fc.oneof(
    fc.constantFrom(
      '..',
      '.',
      '',
      'C:',
      'c:\\',
      '\\',
      '/',
      'CON',
      'nul.txt',
      '..\\..',
      ' ',
      'a.',
      '\u0000',
      '~',
      '%2e%2e',
    ),
    fc.string({ unit: 'grapheme', maxLength: 12 }),
    fc.string({
      unit: fc.constantFrom('.', '/', '\\', ':', 'a', 'é', '\u0000', ' '),
      maxLength: 8,
    }),
  )
  const candidate = fc.oneof(
    fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('/')),
    fc.string({ maxLength: 40 }),
  )
  fc.assert(
    fc.property(candidate, (name) => {
      let segments: string[]
      try {
        segments = checkRelativePath(name)
      } catch (error) {
        assert.ok(isPigeonError(error), `a refusal is a PigeonError: ${String(error)}`)
        return
      }
      for (const [flavour, root] of [
        [path.posix, '/srv/target'],
        [path.win32, 'D:\\Downloads\\Pigeon'],
      ] as const) {
        const resolved = flavour.resolve(root, ...segments)
        assert.ok(
          resolved.startsWith(root + flavour.sep),
          `${JSON.stringify(name)} → ${resolved} stays under ${root}`,
        )
      }
    }),
    { numRuns: 5000 },
  )
})
