// The desktop app itself, where an Electron binary exists (never on our build machines: it cannot
// be downloaded there, and the same scenarios run in Chromium in two-nodes.test.ts). The app runs
// in the root namespace, so mDNS is off and both nodes listen on 127.0.0.1 only; the app dials
// the headless peer by address.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { _electron } from 'playwright-core'
import { connectToDataDir } from '../../app/api/discover.js'
import { buildElectron } from '../../app/main/build.js'
import { PIGEON_ARGV, stopPigeon } from './support/pigeon-host.js'

const root = fileURLToPath(new URL('../../', import.meta.url))

function electronBinary(): string | undefined {
  try {
    const dir = join(root, 'node_modules/electron')
    const binary = join(dir, 'dist', readFileSync(join(dir, 'path.txt'), 'utf8').trim())
    return existsSync(binary) ? binary : undefined
  } catch {
    return undefined
  }
}

const binary = electronBinary()
const skip =
  binary === undefined
    ? 'no Electron binary on this machine (it cannot be downloaded here); the same scenarios ran in Chromium (two-nodes.test.ts)'
    : undefined

async function until(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs = 30_000,
): Promise<void> {
  const end = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}

test(
  'the desktop app shows a peer, chats both ways and sees its message read',
  { skip, timeout: 120_000 },
  async (t) => {
    const scratch = mkdtempSync(join(tmpdir(), 'pigeon-electron-'))
    t.after(() => rmSync(scratch, { recursive: true, force: true }))
    const bobDir = join(scratch, 'bob')
    const bob = spawn(
      process.execPath,
      [
        ...PIGEON_ARGV,
        'start',
        '--data',
        bobDir,
        '--name',
        'Bob',
        '--no-mdns',
        '--listen-host',
        '127.0.0.1',
      ],
      { cwd: root, stdio: 'ignore' },
    )
    t.after(() => stopPigeon(bob))
    await until(async () => existsSync(join(bobDir, 'api.json')), 'Bob’s API')
    const bobApi = await connectToDataDir(bobDir)
    const address = (await bobApi.me()).addresses.find((a) => a.includes('/ip4/127.0.0.1/'))
    assert.ok(address !== undefined)

    const main = await buildElectron()
    const app = await _electron.launch({
      executablePath: binary,
      args: [main, '--data', join(scratch, 'alice')],
      env: {
        ...process.env,
        PIGEON_MDNS: 'off',
        PIGEON_LISTEN_HOST: '127.0.0.1',
        PIGEON_CONNECT: address,
      },
    })
    t.after(() => app.close())
    const page = await app.firstWindow()
    assert.match(page.url(), /^pigeon:\/\/app\//)
    // the page has the bridge and no Node
    assert.equal(await page.evaluate('typeof window.pigeon.send'), 'function')
    assert.equal(await page.evaluate('typeof require + typeof process'), 'undefinedundefined')

    // a fresh data dir: the first start asks for a name (FirstRun.dom.tsx)
    await page.getByTestId('first-run-name').fill('Alice', { timeout: 30_000 })
    await page.getByTestId('first-run-save').click()
    await page.getByTestId('first-run').waitFor({ state: 'detached' })
    const contact = page.locator('[data-testid=lan-list] [data-testid=contact]', { hasText: 'Bob' })
    await contact.waitFor({ timeout: 30_000 })
    await contact.click()
    await page.getByTestId('composer').fill('Hello from the desktop app')
    await page.getByTestId('composer').press('Enter')
    await until(
      async () =>
        (await bobApi.history('Alice')).some((m) => m.text === 'Hello from the desktop app'),
      'Bob receives',
    )
    await bobApi.markRead('Alice')
    await page
      .locator('[data-testid=message][data-direction=out] [data-testid=ticks][data-state=read]')
      .waitFor({ timeout: 30_000 })
    await bobApi.send('Alice', '你好，桌面应用')
    await page
      .locator('[data-testid=message][data-direction=in]', { hasText: '你好，桌面应用' })
      .waitFor({ timeout: 30_000 })
    await page.screenshot({ path: join(root, 'test-results/e2e/electron-conversation.png') })
  },
)
