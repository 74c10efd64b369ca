// Files in browser mode, as a person sends them: two computers on one LAN (network namespaces,
// test/support/netns.ts), each running `pigeon start --web` with a Chromium on its web UI.
// Alice drags a whole folder (nested, an empty directory, Chinese and emoji names) onto the
// conversation with Bob — a real drag of a directory on disk, dispatched through the DevTools
// protocol (Input.dispatchDragEvent), so the page walks it with webkitGetAsEntry as it would a
// folder from the file manager — and attaches an image with the attach button. Bob sees each
// offer, accepts, watches the progress, and has the files on his disk with equal hashes (and as
// one .tar through the browser); the image shows inline and downloads through its link.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { readdir, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import type { Page } from 'playwright-core'
import { ensureRendererBuilt } from '../../app/web/build.js'
import { pageTrue } from './support/page-wait.js'
import { createLan, type Lan } from '../support/netns.js'
import { closePeople, openPerson, type Person } from './support/pigeon-host.js'

const SHOTS = fileURLToPath(new URL('../../test-results/e2e/', import.meta.url))
const IMAGE = fileURLToPath(new URL('../../docs/screenshots/empty-lan.png', import.meta.url))
const WAIT = { timeout: 30_000 }
const run = promisify(execFile)

let lan: Lan
let scratch: string
let outbox: string
let bobDownloads: string
let alice: Person
let bob: Person
const people: Person[] = []

/** the folder Alice sends, by relative path; undefined: an empty directory */
const FOLDER: Record<string, Buffer | undefined> = {
  '季度报告 📊/summary.txt': Buffer.from('第三季度：一切顺利\n'.repeat(500)),
  '季度报告 📊/数据/raw.bin': Buffer.alloc(6 * 1024 * 1024 + 3, 0xa5),
  '季度报告 📊/数据/深/notes 🐦.md': Buffer.from('# 鸽子\n'),
  '季度报告 📊/空文件夹': undefined,
}

const contact = (page: Page, name: string) =>
  page.locator('[data-testid=lan-list] [data-testid=contact]', { hasText: name })
const fileBubble = (page: Page, name: string) =>
  page.locator('[data-testid=file]', { hasText: name })
const sha = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex')

/** Chooses where received files land, in Settings → Files, as a person would. */
async function chooseDownloadDir(page: Page, dir: string): Promise<void> {
  await page.getByTestId('open-settings').click()
  const current = page.getByTestId('download-dir-current')
  await current.waitFor(WAIT)
  assert.match(await current.innerText(), /Downloads\/Pigeon|Pigeon/, 'the default is shown')
  await page.getByTestId('download-dir').fill(dir)
  await page.getByTestId('download-dir-save').click()
  await page.getByTestId('download-dir-current').filter({ hasText: dir }).waitFor(WAIT)
  await page.getByTestId('close-settings').click()
}

/** Drags a directory (or file) from disk onto the element, as the OS drag and drop does. */
async function dragFromDisk(page: Page, selector: string, path: string): Promise<void> {
  const box = await page.locator(selector).boundingBox()
  assert.ok(box !== null, `${selector} is on screen`)
  const session = await page.context().newCDPSession(page)
  const at = { x: box.x + box.width / 2, y: box.y + box.height / 2 }
  const data = { items: [], files: [path], dragOperationsMask: 1 }
  for (const type of ['dragEnter', 'dragOver', 'drop'] as const)
    await session.send('Input.dispatchDragEvent', { type, ...at, data })
  await session.detach()
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true })
  await ensureRendererBuilt({ force: true })
  scratch = mkdtempSync(join(tmpdir(), 'pigeon-e2e-files-'))
  outbox = join(scratch, 'outbox')
  bobDownloads = join(scratch, 'bob-downloads')
  for (const [path, bytes] of Object.entries(FOLDER)) {
    const full = join(outbox, path)
    if (bytes === undefined) mkdirSync(full, { recursive: true })
    else {
      mkdirSync(join(full, '..'), { recursive: true })
      await writeFile(full, bytes)
    }
  }
  copyFileSync(IMAGE, join(scratch, 'pigeon.png'))
  lan = await createLan({ hosts: 2 })
  alice = await openPerson(lan.hosts[0]!, scratch, 'Alice')
  people.push(alice)
  bob = await openPerson(lan.hosts[1]!, scratch, 'Bob')
  people.push(bob)
  await chooseDownloadDir(bob.page, bobDownloads)
})

after(async () => {
  await closePeople(people)
  await lan?.destroy()
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true })
})

test('a folder dragged onto the conversation in the web UI reaches Bob, verified, empty directory and all', async () => {
  await contact(alice.page, 'Bob').click(WAIT)
  await contact(bob.page, 'Alice').click(WAIT)
  await dragFromDisk(alice.page, '[data-testid=conversation]', join(outbox, '季度报告 📊'))

  const sent = fileBubble(alice.page, '季度报告 📊')
  await sent.waitFor(WAIT)
  const offered = fileBubble(bob.page, '季度报告 📊')
  await offered.locator('[data-testid=file-accept]').waitFor(WAIT)
  assert.match(await offered.innerText(), /Alice sent 季度报告 📊 \(6\.3 MB\)/)

  // the progress bar shows while the bytes move: recorded by the page itself, however fast
  await bob.page.evaluate(`
    window.sawProgress = false
    new MutationObserver(() => {
      if (document.querySelector('[data-testid=file-progress]') !== null) window.sawProgress = true
    }).observe(document.body, { subtree: true, childList: true, attributes: true })
  `)
  await offered.locator('[data-testid=file-accept]').click()
  await offered.and(bob.page.locator('[data-state=done]')).waitFor(WAIT)
  assert.ok(await bob.page.evaluate('window.sawProgress'), 'Bob saw the progress bar')
  await sent.and(alice.page.locator('[data-state=done]')).waitFor(WAIT)
  await bob.page.screenshot({ path: join(SHOTS, 'files-folder-received.png') })

  const received = join(bobDownloads, '季度报告 📊')
  for (const [path, bytes] of Object.entries(FOLDER)) {
    const full = join(bobDownloads, path)
    if (bytes === undefined) {
      assert.ok(statSync(full).isDirectory(), `${path} is a directory`)
      assert.deepEqual(await readdir(full), [])
    } else assert.equal(sha(readFileSync(full)), sha(bytes), path)
  }
  // in the browser, the folder downloads as one tar that any tar opens, names and all
  const [download] = await Promise.all([
    bob.page.waitForEvent('download', WAIT),
    offered.getByTestId('file-download').click(),
  ])
  assert.equal(download.suggestedFilename(), '季度报告 📊.tar')
  const unpacked = join(scratch, 'unpacked')
  mkdirSync(unpacked)
  await run('tar', ['-xf', await download.path(), '-C', unpacked])
  for (const [path, bytes] of Object.entries(FOLDER)) {
    if (bytes === undefined) assert.deepEqual(await readdir(join(unpacked, path)), [])
    else assert.equal(sha(readFileSync(join(unpacked, path))), sha(bytes), `${path} in the tar`)
  }
  assert.match(await offered.innerText(), new RegExp(`Saved to ${received.replace(/[.]/g, '\\.')}`))
})

test('an image attached with the button shows inline on the other side and downloads', async () => {
  await alice.page.getByTestId('attach-input').setInputFiles(join(scratch, 'pigeon.png'))
  const offered = fileBubble(bob.page, 'pigeon.png')
  await offered.locator('[data-testid=file-accept]').click(WAIT)
  await offered.and(bob.page.locator('[data-state=done]')).waitFor(WAIT)
  const thumbnail = offered.getByTestId('file-thumbnail')
  await thumbnail.waitFor(WAIT)
  await pageTrue(
    bob.page,
    `document.querySelector('[data-testid=file-thumbnail]')?.naturalWidth > 0`,
  )
  const [download] = await Promise.all([
    bob.page.waitForEvent('download', WAIT),
    offered.getByTestId('file-download').click(),
  ])
  assert.equal(download.suggestedFilename(), 'pigeon.png')
  const path = await download.path()
  assert.equal(sha(readFileSync(path)), sha(readFileSync(IMAGE)))
  await bob.page.screenshot({ path: join(SHOTS, 'files-image-inline.png') })
})

test('the transfers panel lists every transfer with its state', async () => {
  await bob.page.getByTestId('open-transfers').click(WAIT)
  const rows = bob.page.getByTestId('transfers').getByTestId('transfer')
  await rows.first().waitFor(WAIT)
  assert.deepEqual(
    await rows.evaluateAll((items) =>
      items.map((li) => [li.textContent?.includes('pigeon.png'), li.getAttribute('data-state')]),
    ),
    [
      [true, 'done'],
      [false, 'done'],
    ],
  )
  assert.match(await rows.nth(1).innerText(), /季度报告 📊[\s\S]*from Alice/)
  await bob.page.screenshot({ path: join(SHOTS, 'files-transfers-panel.png') })
  await bob.page.getByTestId('open-transfers').click()
})

test('with auto-accept on, a small file from someone Bob wrote to arrives without a click', async () => {
  await bob.page.getByTestId('open-settings').click()
  await bob.page.getByTestId('auto-accept-mb').fill('1')
  await bob.page.getByTestId('download-dir-save').click()
  await bob.page.getByTestId('download-dir-save').filter({ hasText: 'Saved' }).waitFor(WAIT)
  await bob.page.getByTestId('close-settings').click()
  await contact(bob.page, 'Alice').click()
  await bob.page.getByTestId('composer').fill('Send me the agenda, please')
  await bob.page.getByTestId('composer').press('Enter')
  await alice.page
    .locator('[data-testid=message][data-direction=in]', { hasText: 'agenda' })
    .waitFor(WAIT)

  await writeFile(join(scratch, 'agenda 议程.txt'), '10:00 站会\n')
  await alice.page.getByTestId('attach-input').setInputFiles(join(scratch, 'agenda 议程.txt'))
  await fileBubble(bob.page, 'agenda 议程.txt')
    .and(bob.page.locator('[data-state=done]'))
    .waitFor(WAIT)
  assert.equal(readFileSync(join(bobDownloads, 'agenda 议程.txt'), 'utf8'), '10:00 站会\n')
})
