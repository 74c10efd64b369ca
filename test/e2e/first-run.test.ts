// A first run in browser mode, as a new user has it: `pigeon start --web` without --name, the
// page asks what to call me (the OS account's full name filled in, never a bare "root") and asks
// once; the web UI is on a stable port (24250, else a free one with a line saying so); `pigeon
// open` prints the address with the token of this start; the notifications box asks the browser
// for permission on its first click; the page names CJK and emoji fonts that are installed.
// In this namespace, loopback only and mDNS off; a real Chromium.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { promisify } from 'node:util'
import type { Browser, Page } from 'playwright-core'
import { readEndpoint } from '../../app/api/discover.js'
import { defaultDisplayName } from '../../app/node/default-name.js'
import { DEFAULT_WEB_PORT } from '../../app/web/serve.js'
import { ensureRendererBuilt } from '../../app/web/build.js'
import { CLI_ENV, pigeon } from '../app/support/cli.js'
import { eventually } from '../app/support/wait.js'
import { PIGEON_SOURCE } from '../support/entry-points.js'
import { launchChromium } from './support/chromium.js'
import { pageTrue } from './support/page-wait.js'
import { startPigeon, stopPigeon, type RunningPigeon } from './support/pigeon-host.js'

const WAIT = { timeout: 30_000 }
const LOCAL = ['--no-mdns', '--listen-host', '127.0.0.1']
const run = promisify(execFile)

let scratch: string
let first: RunningPigeon
let second: RunningPigeon
let browser: Browser
let page: Page

const portOf = (url: string) => Number(new URL(url).port)

before(async () => {
  await ensureRendererBuilt({ force: true })
  scratch = mkdtempSync(join(tmpdir(), 'pigeon-first-run-'))
  first = await startPigeon(undefined, { dataDir: join(scratch, 'first'), args: LOCAL })
  // the default port is held now (by the first node, or by whatever else holds it)
  second = await startPigeon(undefined, { dataDir: join(scratch, 'second'), args: LOCAL })
  browser = await launchChromium()
  page = await browser.newPage({ locale: 'en-US' })
})

after(async () => {
  await browser?.close()
  for (const node of [first, second]) if (node !== undefined) await stopPigeon(node.child)
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true })
})

test('browser mode takes the stable default port, or says which free one it took', () => {
  const taken = new RegExp(
    `Port ${DEFAULT_WEB_PORT} is taken; the web UI is on port (\\d+) instead\\.`,
  )
  for (const node of [first, second]) {
    const line = node.output.map((l) => taken.exec(l)).find((m) => m !== null)
    if (portOf(node.url) === DEFAULT_WEB_PORT) assert.equal(line, undefined)
    else assert.equal(Number(line?.[1]), portOf(node.url), node.output.join('\n'))
  }
  assert.notEqual(portOf(second.url), DEFAULT_WEB_PORT, 'the second one cannot have it')
})

test('pigeon start without --name takes the OS account’s full name, never root', async () => {
  const name = defaultDisplayName()
  assert.notEqual(name.toLowerCase(), 'root')
  const id = await pigeon('id', '--data', join(scratch, 'second'), '--json')
  assert.equal(id.code, 0, id.stderr)
  assert.equal((JSON.parse(id.stdout) as { name: string }).name, name)
})

test('the first start asks for a name in the UI, once', async () => {
  await page.goto(first.url)
  const input = page.getByTestId('first-run-name')
  await input.waitFor(WAIT)
  assert.equal(await input.inputValue(), defaultDisplayName())
  await input.fill('Ada 测试')
  await page.getByTestId('first-run-save').click()
  await page.getByTestId('first-run').waitFor({ state: 'detached', ...WAIT })
  await page.getByTestId('me-name').filter({ hasText: 'Ada 测试' }).waitFor(WAIT)

  // the node remembers it was asked: a reload (same token, kept by the tab) does not ask again
  const [asked] = await Promise.all([
    // the one for this setting: the page also reads its language, theme and drafts at load
    page.waitForResponse(
      (r) =>
        r.url().endsWith('/api/getSetting') &&
        (r.request().postData() ?? '').includes('profile.nameChosen'),
      WAIT,
    ),
    page.reload(),
  ])
  assert.equal(((await asked.json()) as { value: unknown }).value, true)
  await page.getByTestId('me-name').filter({ hasText: 'Ada 测试' }).waitFor(WAIT)
  assert.equal(await page.getByTestId('first-run').count(), 0)
})

test('pigeon open prints the running web UI’s address with this start’s token', async () => {
  const dataDir = join(scratch, 'first')
  const opened = await pigeon('open', '--data', dataDir, '--no-browser')
  assert.equal(opened.code, 0, opened.stderr)
  const url = opened.stdout.trim()
  const token = readEndpoint(dataDir)?.token ?? ''
  assert.equal(url, `http://127.0.0.1:${portOf(first.url)}/#token=${encodeURIComponent(token)}`)
  const fresh = await browser.newPage()
  await fresh.goto(url)
  await fresh.getByTestId('me-name').filter({ hasText: 'Ada 测试' }).waitFor(WAIT)
  await fresh.close()

  // on a desktop it runs the browser opener with the address: xdg-open here, a script on PATH
  // that writes down what it was given
  const bin = join(scratch, 'bin')
  mkdirSync(bin)
  const openerLog = join(scratch, 'xdg-open.txt')
  writeFileSync(join(bin, 'xdg-open'), `#!/bin/sh\nprintf '%s' "$1" > '${openerLog}'\n`, {
    mode: 0o755,
  })
  await run(process.execPath, [...PIGEON_SOURCE, 'open', '--data', dataDir], {
    env: { ...CLI_ENV, DISPLAY: ':0', PATH: `${bin}:${process.env.PATH ?? ''}` },
  })
  await eventually(async () => existsSync(openerLog), 'xdg-open ran')
  await eventually(async () => readFileSync(openerLog, 'utf8') === url, 'with the address')

  const none = await pigeon('open', '--data', join(scratch, 'nobody'), '--no-browser')
  assert.notEqual(none.code, 0)
  assert.match(none.stderr, /No Pigeon node is running/)
})

test('the notifications box asks the browser for permission on its first click', async () => {
  const context = await browser.newContext({ locale: 'en-US' })
  // counts the page's calls of the real requestPermission (the browser still answers)
  await context.addInitScript(`{
    const ask = Notification.requestPermission.bind(Notification)
    window.asked = 0
    Notification.requestPermission = (...args) => { window.asked += 1; return ask(...args) }
  }`)
  const tab = await context.newPage()
  await tab.goto(first.url)
  await tab.getByTestId('open-settings').click(WAIT)
  const box = tab.getByTestId('notifications')
  assert.equal(await box.isChecked(), false, 'off until the browser allows it')
  await box.click()
  await pageTrue(tab, 'window.asked === 1')
  // headless Chromium does not grant it by itself: the box says what is true, off
  await pageTrue(
    tab,
    `document.querySelector('[data-testid=notifications]').checked === (Notification.permission === 'granted')`,
  )
  await context.grantPermissions(['notifications'], { origin: new URL(first.url).origin })
  if (!(await box.isChecked())) await box.click()
  await pageTrue(tab, `document.querySelector('[data-testid=notifications]').checked`)
  await context.close()
})

test('the UI names CJK and emoji fonts, and the Linux ones are installed', async () => {
  const family = await page.evaluate('getComputedStyle(document.documentElement).fontFamily')
  for (const font of ['Noto Sans CJK SC', 'Noto Color Emoji', 'PingFang SC', 'Microsoft YaHei'])
    assert.ok(String(family).includes(font), `${font} in ${String(family)}`)
  const { stdout } = await run('fc-list', [':', 'family'])
  assert.match(stdout, /Noto Sans CJK SC/)
  assert.match(stdout, /Noto Color Emoji/)
})
