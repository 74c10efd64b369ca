// `name (1).ext` for a received file whose name is taken, within one path segment's 255 bytes
// (app/core/files/unique-name.ts): the stem shortened at a code point, never the extension
// split, never a broken UTF-8 sequence. Real files in a temp dir.
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { checkSegment } from '../../app/core/files/safe-path.js'
import { numberedName, uniqueName } from '../../app/core/files/unique-name.js'
import { LIMITS } from '../../shared/limits.js'

const size = (text: string) => Buffer.byteLength(text, 'utf8')

test('a taken name gets (1), (2), … before its extension', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pigeon-unique-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  assert.equal(await uniqueName(dir, 'report.pdf'), 'report.pdf')
  await writeFile(join(dir, 'report.pdf'), 'a')
  assert.equal(await uniqueName(dir, 'report.pdf'), 'report (1).pdf')
  await writeFile(join(dir, 'report (1).pdf'), 'b')
  assert.equal(await uniqueName(dir, 'report.pdf'), 'report (2).pdf')
  assert.equal(numberedName('.bashrc', 1), '.bashrc (1)')
  assert.equal(numberedName('archive.tar.gz', 3), 'archive.tar (3).gz')
})

test('a 255-byte name with its counter stays within 255 bytes, cut at a code point', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'pigeon-unique-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  // 3-byte CJK characters and a 4-byte emoji, so a byte cut would land inside a character
  const long = `${'报'.repeat(80)}🐦${'a'.repeat(7)}.txt` // 240 + 4 + 7 + 4 = 255 bytes
  assert.equal(size(long), LIMITS.fileSegmentBytes)
  await writeFile(join(dir, long), 'taken')
  const next = await uniqueName(dir, long)
  assert.ok(size(next) <= LIMITS.fileSegmentBytes, `${size(next)} bytes`)
  assert.match(next, / \(1\)\.txt$/)
  assert.ok(long.startsWith(next.replace(/ \(1\)\.txt$/, '')), 'a prefix of the stem')
  assert.doesNotThrow(() => checkSegment(next), 'the disk takes it')
  await writeFile(join(dir, next), 'the disk took it') // ENAMETOOLONG if it were longer

  const cjk = '鸽'.repeat(85) // 255 bytes, no extension
  for (const n of [1, 10, 1000]) {
    const name = numberedName(cjk, n)
    assert.ok(size(name) <= LIMITS.fileSegmentBytes)
    assert.equal(Buffer.from(name, 'utf8').toString('utf8'), name, 'whole characters only')
    assert.ok(name.endsWith(` (${n})`))
  }
  // an "extension" that leaves no room for a stem is treated as part of the stem
  const dotted = `a.${'x'.repeat(252)}`
  assert.ok(size(numberedName(dotted, 1)) <= LIMITS.fileSegmentBytes)
})
