// The aedes seams (docs/relay.md "The aedes seams"): the relay's patches hold for one aedes build,
// so the start-up check must pass on the pinned install and refuse any other, with a sentence an
// admin can act on.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { appendFileSync, cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { Aedes } from 'aedes'
import { PigeonError } from '../../shared/errors.js'
import {
  AEDES_VERSION,
  aedesRoot,
  checkAedesSources,
  checkBroker,
  checkParserSources,
} from '../../relay/aedes/self-check.js'

function refused(error: unknown, detail: RegExp): boolean {
  assert.ok(error instanceof PigeonError)
  assert.equal(error.code, 'RELAY_AEDES_MISMATCH')
  assert.match(error.message, detail)
  assert.match(error.message, /Install aedes 1\.2\.0 exactly/)
  return true
}

test('package.json pins aedes to the version the patches were written for', () => {
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')) as {
    dependencies: Record<string, string>
    devDependencies: Record<string, string>
  }
  assert.equal(pkg.dependencies.aedes, AEDES_VERSION)
  const require = createRequire(import.meta.url)
  for (const name of ['aedes-persistence-level', 'aedes-persistence-redis', 'aedes-persistence']) {
    const pinned = pkg.dependencies[name] ?? pkg.devDependencies[name]
    assert.equal(pinned, (require(`${name}/package.json`) as { version: string }).version, name)
  }
})

test('the installed aedes passes the check; a changed file or another version is refused', (t) => {
  checkAedesSources()
  checkParserSources()
  const copy = mkdtempSync(join(tmpdir(), 'pigeon-aedes-'))
  t.after(() => rmSync(copy, { recursive: true, force: true }))
  cpSync(aedesRoot(), copy, { recursive: true, dereference: true })
  checkAedesSources(copy)

  appendFileSync(join(copy, 'lib/handlers/publish.js'), '\n// patched\n')
  assert.throws(
    () => checkAedesSources(copy),
    (e) => refused(e, /publish\.js differs/),
  )

  const pkgPath = join(copy, 'package.json')
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { version: string }
  writeFileSync(pkgPath, JSON.stringify({ ...pkg, version: '1.3.0' }))
  assert.throws(
    () => checkAedesSources(copy),
    (e) => refused(e, /version 1\.3\.0/),
  )
})

test('a broker without the fields the patches use is refused', async () => {
  const broker = await Aedes.createBroker()
  try {
    checkBroker(broker)
    const { counter: _counter, ...rest } = broker as unknown as Record<string, unknown>
    assert.throws(
      () => checkBroker({ ...rest, publish: broker.publish }),
      (e) => refused(e, /no counter/),
    )
  } finally {
    await new Promise<void>((resolve) => broker.close(() => resolve()))
  }
})
