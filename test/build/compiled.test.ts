// The shipped path: `pigeon` and `pigeon-relay` as package.json's `bin` names them, compiled by
// tsc from tsconfig.build.json, running with only the production dependencies — so no tsx, no
// TypeScript, no Vite. The build goes to a scratch checkout (package.json, dist/, and a
// node_modules holding just the packages package-lock.json marks neither dev nor devOptional —
// TypeScript is devOptional, an optional peer of i18next's types). Our compiled code resolves its
// imports there, so importing a build tool would fail; the packages themselves, symlinked,
// resolve theirs from where they are installed, as npm laid them out. Every other test runs the
// source (test/support/entry-points.ts).
import assert from 'node:assert/strict'
import { execFile, spawn } from 'node:child_process'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { createInterface } from 'node:readline'
import { after, before, test } from 'node:test'
import { promisify } from 'node:util'
import { CLI_ENV, tempDataDir } from '../app/support/cli.js'
import { PIGEON_SOURCE } from '../support/entry-points.js'
import { startRelayProcess } from '../support/relay-process.js'

const ROOT = join(import.meta.dirname, '..', '..')
const run = promisify(execFile)
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  bin: Record<'pigeon' | 'pigeon-relay', string>
}
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { dev?: boolean; devOptional?: boolean }>
}

const checkout = mkdtempSync(join(tmpdir(), 'pigeon-compiled-'))
const bin = (name: keyof typeof pkg.bin): string => join(checkout, pkg.bin[name])

/** a node_modules of symlinks to the installed production packages (nested ones come along) */
function productionModules(): void {
  for (const [path, entry] of Object.entries(lock.packages)) {
    const name = /^node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(path)?.[1]
    if (name === undefined || entry.dev === true || entry.devOptional === true) continue
    // an optional package for another platform is in the lock but not installed
    if (!existsSync(join(ROOT, path))) continue
    mkdirSync(dirname(join(checkout, path)), { recursive: true })
    symlinkSync(join(ROOT, path), join(checkout, path))
  }
}

before(async () => {
  writeFileSync(join(checkout, 'package.json'), readFileSync(join(ROOT, 'package.json')))
  productionModules()
  await run(process.execPath, [
    join(ROOT, 'node_modules/typescript/bin/tsc'),
    '-p',
    join(ROOT, 'tsconfig.build.json'),
    '--outDir',
    join(checkout, 'dist'),
  ])
})
after(() => rmSync(checkout, { recursive: true, force: true }))

test('the scratch checkout has the production dependencies and none of the build tools', () => {
  assert.ok(existsSync(join(checkout, 'node_modules/libp2p')))
  assert.ok(existsSync(join(checkout, 'node_modules/aedes')))
  for (const tool of ['tsx', 'esbuild', 'typescript', 'vite'])
    assert.equal(existsSync(join(checkout, 'node_modules', tool)), false, tool)
})

test('bin points at the compiled entry points, and the systemd unit runs the relay one', () => {
  assert.match(pkg.bin.pigeon, /^\.\/dist\/.+\.js$/)
  assert.match(pkg.bin['pigeon-relay'], /^\.\/dist\/.+\.js$/)
  const unit = readFileSync(join(ROOT, 'docs/pigeon-relay.service'), 'utf8')
  const execStart = /^ExecStart=\S+ (\S+)/m.exec(unit)?.[1]
  assert.equal(execStart, `/opt/pigeon/${pkg.bin['pigeon-relay'].slice(2)}`)
})

test('compiled `pigeon --help` prints what the source prints', async () => {
  const compiled = await run(process.execPath, [bin('pigeon'), '--help'], { env: CLI_ENV })
  const source = await run(process.execPath, [...PIGEON_SOURCE, '--help'], { env: CLI_ENV })
  assert.match(compiled.stdout, /^Usage: pigeon /)
  assert.equal(compiled.stdout, source.stdout)
})

test('compiled `pigeon start --web` runs a node and serves the renderer from dist/renderer', async (t) => {
  // the renderer is Vite's output, not tsc's: a stand-in page shows where the server looks
  mkdirSync(join(checkout, 'dist/renderer'), { recursive: true })
  writeFileSync(
    join(checkout, 'dist/renderer/index.html'),
    '<!doctype html><title>compiled-test</title>',
  )
  const child = spawn(
    process.execPath,
    [bin('pigeon'), 'start', '--web', '--data', tempDataDir(t, 'compiled')],
    { env: CLI_ENV, stdio: ['ignore', 'pipe', 'pipe'] },
  )
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
  t.after(() => child.kill('SIGKILL'))
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const url = await new Promise<string>((found, fail) => {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = /^web\s+(http:\/\/127\.0\.0\.1:\d+\/)#token=/.exec(line)
      if (match?.[1] !== undefined) found(match[1])
    })
    void exited.then((code) => fail(new Error(`pigeon start exited (${code}): ${stderr}`)))
  })
  const page = await fetch(url)
  assert.equal(page.status, 200)
  assert.match(await page.text(), /compiled-test/)
  child.kill('SIGTERM')
  assert.equal(await exited, 0)
})

test('the compiled relay starts, answers /healthz and stops cleanly on SIGTERM', async () => {
  const relay = await startRelayProcess({ entry: [bin('pigeon-relay')] })
  try {
    assert.match(relay.relayId, /^12D3KooW/)
    assert.equal((await fetch(`${relay.http}/healthz`)).status, 200)
    assert.equal(await relay.stop(), 0)
  } finally {
    await relay.kill9()
    relay.cleanup()
  }
})
