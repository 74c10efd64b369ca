// `npm start` rebuilds only when a source is newer than the oldest output (freshness.js).
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { BUILD_OUTPUTS, buildIsCurrent } from './freshness.js'

function file(root: string, path: string, seconds: number): void {
  mkdirSync(dirname(join(root, path)), { recursive: true })
  writeFileSync(join(root, path), '')
  utimesSync(join(root, path), seconds, seconds)
}

/** a checkout whose sources date from t=1000 and whose build from t=2000 */
function checkout(t: TestContext): string {
  const root = mkdtempSync(join(tmpdir(), 'pigeon-freshness-'))
  t.after(() => rmSync(root, { recursive: true, force: true }))
  for (const path of ['app/core/messenger.ts', 'relay/main.ts', 'shared/seal.ts', 'package.json'])
    file(root, path, 1000)
  for (const path of BUILD_OUTPUTS) file(root, path, 2000)
  return root
}

test('a build newer than every source is current', (t) => {
  assert.equal(buildIsCurrent(checkout(t)), true)
})

test('a source edited after the build, however deep, makes it stale', (t) => {
  const root = checkout(t)
  file(root, 'app/renderer/src/components/deep/Thing.tsx', 3000)
  assert.equal(buildIsCurrent(root), false)
})

test('a newer lock file (other dependencies) makes it stale', (t) => {
  const root = checkout(t)
  file(root, 'package-lock.json', 3000)
  assert.equal(buildIsCurrent(root), false)
})

test('an output missing, or older than a source, makes it stale', (t) => {
  const missing = checkout(t)
  rmSync(join(missing, 'dist/electron/preload.cjs'))
  assert.equal(buildIsCurrent(missing), false)
  const older = checkout(t)
  utimesSync(join(older, 'dist/renderer/index.html'), 500, 500)
  assert.equal(buildIsCurrent(older), false)
})

test('editing a test file needs no rebuild: tests are not built', (t) => {
  const root = checkout(t)
  file(root, 'relay/acl.test.ts', 3000)
  file(root, 'app/renderer/src/App.test.tsx', 3000)
  assert.equal(buildIsCurrent(root), true)
})
