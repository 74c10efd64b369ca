// The everyday actions through the web UI, two computers on one namespaced LAN (as in
// two-nodes.test.ts): reply, copy and recall from a message's menu, links that open outside and
// text that is never HTML, Busy shown as such, a muted group that still notifies a mention,
// drafts, and settings that live in the node — the language, the theme and a draft survive a
// restart of browser mode, whose new address is a new origin with an empty localStorage.
// Screenshots for the README land in test-results/e2e/ (reply, mention, dark).
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { ensureRendererBuilt } from '../../app/web/build.js'
import { createLan, type Lan } from '../support/netns.js'
import {
  closePeople,
  openPerson,
  startPigeon,
  stopPigeon,
  type Person,
} from './support/pigeon-host.js'

const SHOTS = fileURLToPath(new URL('../../test-results/e2e/', import.meta.url))
const WAIT = { timeout: 30_000 }

let lan: Lan
let scratch: string
let alice: Person
let bob: Person
let bobId = ''
let groupId = ''
const people: Person[] = []

const row = (page: Page, id: string) => page.locator(`[data-testid=contact][data-peer="${id}"]`)
const bubble = (page: Page, direction: 'in' | 'out', text: string) =>
  page.locator(`[data-testid=message][data-direction=${direction}]`, { hasText: text })
const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) })

async function send(page: Page, text: string): Promise<void> {
  const composer = page.getByTestId('composer')
  await composer.fill(text)
  await composer.press('Enter')
}

// a notification is only shown while the tab is hidden: Bob's page says it is, and records
// what it would have shown (title, body, silent) instead of asking the desktop. Bob turned
// notifications on and the browser allowed them (browser mode shows none before that).
const RECORD_NOTIFICATIONS = `
  Object.defineProperty(document, 'visibilityState', { get: () => 'hidden' })
  localStorage.setItem('pigeon.notifications', 'on')
  window.__shown = []
  window.Notification = class {
    static permission = 'granted'
    static requestPermission() { return Promise.resolve('granted') }
    constructor(title, options) { window.__shown.push({ title, body: options.body, silent: options.silent }) }
    close() {}
  }
`
type Shown = { title: string; body: string; silent: boolean }
const shown = (page: Page): Promise<Shown[]> => page.evaluate<Shown[]>('window.__shown')
before(async () => {
  mkdirSync(SHOTS, { recursive: true })
  await ensureRendererBuilt({ force: true })
  scratch = mkdtempSync(join(tmpdir(), 'pigeon-e2e-everyday-'))
  lan = await createLan({ hosts: 2 })
  alice = await openPerson(lan.hosts[0]!, scratch, 'Alice')
  people.push(alice)
  bob = await openPerson(lan.hosts[1]!, scratch, 'Bob')
  people.push(bob)
  const bobRow = alice.page.locator('[data-testid=lan-list] [data-testid=contact]', {
    hasText: 'Bob',
  })
  await bobRow.waitFor(WAIT)
  bobId = (await bobRow.getAttribute('data-peer')) ?? ''
  await bob.page
    .locator('[data-testid=lan-list] [data-testid=contact]', { hasText: 'Alice' })
    .waitFor(WAIT)
})

after(async () => {
  await closePeople(people)
  await lan?.destroy()
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true })
})

test('reply from the menu: the answer shows the message it quotes, on both sides', async () => {
  await row(alice.page, bobId).click()
  await send(alice.page, 'Lunch at noon? The new place on Fuxing Road.')
  await bob.page.locator('[data-testid=contact]', { hasText: 'Alice' }).first().click()
  const question = bubble(bob.page, 'in', 'Lunch at noon?')
  await question.locator('.bubble').click({ button: 'right' })
  await bob.page.getByTestId('menu-reply').click()
  await bob.page.getByTestId('replying').filter({ hasText: 'Replying to Alice' }).waitFor(WAIT)
  await send(bob.page, 'Yes! 12:00 at the door.')
  await bob.page.getByTestId('replying').waitFor({ ...WAIT, state: 'detached' })

  const answer = bubble(alice.page, 'in', 'Yes! 12:00')
  await answer.waitFor(WAIT)
  const quote = answer.getByTestId('quote')
  assert.match(await quote.innerText(WAIT), /You\s+Lunch at noon\?/)
  assert.match(
    await bubble(bob.page, 'out', 'Yes! 12:00').getByTestId('quote').innerText(WAIT),
    /Alice\s+Lunch at noon\?/,
  )
  await shot(alice.page, 'reply')
})

test('copy puts the text on the clipboard; Escape closes the menu', async () => {
  await bob.page.context().grantPermissions(['clipboard-read', 'clipboard-write'])
  await bubble(bob.page, 'in', 'Lunch at noon?').locator('.bubble').click({ button: 'right' })
  await bob.page.getByTestId('menu-copy').click()
  assert.equal(
    await bob.page.evaluate<string>('navigator.clipboard.readText()'),
    'Lunch at noon? The new place on Fuxing Road.',
  )
  await bubble(bob.page, 'in', 'Lunch at noon?').locator('.bubble').click({ button: 'right' })
  assert.equal(await bob.page.getByTestId('menu-recall').count(), 0, 'not mine: no recall')
  await bob.page.keyboard.press('Escape')
  await bob.page.getByTestId('message-menu').waitFor({ ...WAIT, state: 'detached' })
})

test('recall: the text is gone on both sides, a line says who recalled it', async () => {
  await send(alice.page, 'the wifi password is hunter2')
  await bubble(bob.page, 'in', 'hunter2').waitFor(WAIT)
  await bubble(alice.page, 'out', 'hunter2').locator('.bubble').click({ button: 'right' })
  await alice.page.getByTestId('menu-recall').click()
  await bob.page
    .getByTestId('recalled')
    .filter({ hasText: 'Alice recalled a message' })
    .waitFor(WAIT)
  await alice.page
    .getByTestId('recalled')
    .filter({ hasText: 'You recalled a message' })
    .waitFor(WAIT)
  assert.equal(await bob.page.getByText('hunter2').count(), 0)
  assert.equal(await alice.page.getByText('hunter2').count(), 0)
})

test('links open outside with noopener; markup in a message stays text', async () => {
  await send(
    bob.page,
    'Menu: https://example.com/menu?day=mon. <b>bold</b> <img src=x onerror=alert(1)>',
  )
  const message = bubble(alice.page, 'in', 'Menu:')
  await message.waitFor(WAIT)
  const link = message.getByTestId('link')
  assert.equal(await link.getAttribute('href'), 'https://example.com/menu?day=mon')
  assert.equal(await link.getAttribute('target'), '_blank')
  assert.equal(await link.getAttribute('rel'), 'noopener noreferrer')
  assert.equal(await message.locator('b, img').count(), 0, 'no HTML from a message')
  assert.match(await message.locator('.bubble-text').innerText(), /<b>bold<\/b> <img src=x/)
})

test('Busy reads Busy in the header and the group panel, not "online"', async () => {
  await bob.page.getByTestId('open-settings').click()
  await bob.page.getByTestId('settings-status').selectOption('busy')
  await alice.page
    .getByTestId('reach')
    .filter({ hasText: /^Busy · online on this LAN$/ })
    .waitFor(WAIT)
  await bob.page.getByTestId('close-settings').click()
})

test('a muted group notifies only a mention, quietly while Busy; the @ badge and the picker', async () => {
  await bob.page.addInitScript(RECORD_NOTIFICATIONS)
  await bob.page.reload()
  await bob.page.getByTestId('me-name').waitFor(WAIT)

  const page = alice.page
  await page.getByTestId('new-group').click()
  await page.getByTestId('new-group-name').fill('Launch')
  await page
    .getByTestId('new-group-dialog')
    .locator('.picker-row', { hasText: 'Bob' })
    .getByTestId('pick-peer')
    .check()
  await page.getByTestId('new-group-create').click()
  await page
    .getByTestId('conversation-title')
    .filter({ hasText: /^Launch$/ })
    .waitFor(WAIT)
  await page.getByTestId('group-info-toggle').click()
  await page
    .getByTestId('member-presence')
    .filter({ hasText: /^Busy$/ })
    .waitFor(WAIT)
  await page.getByTestId('group-info-toggle').click()

  const groupRow = bob.page.locator('[data-testid=contact]', { hasText: 'Launch' })
  await groupRow.waitFor(WAIT)
  groupId = (await groupRow.getAttribute('data-peer')) ?? ''
  await groupRow.click()
  await bob.page.getByTestId('mute').click()
  await groupRow.getByTestId('muted').waitFor(WAIT)
  await bob.page.locator('[data-testid=contact]', { hasText: 'Alice' }).first().click()

  await send(page, 'Release notes are in the shared folder.')
  await groupRow.getByTestId('unread').waitFor(WAIT)
  const composer = page.getByTestId('composer')
  await composer.fill('')
  await composer.pressSequentially('Thanks @B')
  await page.getByTestId('mention-option').filter({ hasText: 'Bob' }).waitFor(WAIT)
  await shot(page, 'mention')
  await composer.press('Enter')
  assert.equal(await composer.inputValue(), 'Thanks @Bob ')
  await composer.pressSequentially('can you check them?')
  await composer.press('Enter')

  await groupRow.getByTestId('mention-badge').waitFor(WAIT)
  const notes = await shown(bob.page)
  assert.deepEqual(notes, [
    { title: 'Alice · Launch', body: 'Thanks @Bob can you check them?', silent: true },
  ])
  await groupRow.click()
  await bubble(bob.page, 'in', 'can you check them')
    .getByTestId('mention')
    .filter({ hasText: '@Bob' })
    .waitFor(WAIT)
  await groupRow.getByTestId('mention-badge').waitFor({ ...WAIT, state: 'detached' })
  await shot(bob.page, 'mention-received')
})

test('a text over the limit says so and offers what to do, instead of a bare error', async () => {
  await row(alice.page, bobId).click()
  await alice.page.getByTestId('composer').fill('长'.repeat(6000))
  assert.match(
    await alice.page.getByTestId('long-text').innerText(WAIT),
    /^This text is 18\.0 kB: more than one message holds \(16\.4 kB\)\. Split it, or send it as a \.txt file\./,
  )
  assert.equal(await alice.page.getByTestId('send').isDisabled(), true)
  await alice.page.getByTestId('send-as-file').click()
  // the node wrote the text into a file and offers it to Bob like any file
  await alice.page
    .locator('[data-testid=message][data-direction=out]', { hasText: /message-.*\.txt/ })
    .waitFor(WAIT)
  await bob.page
    .locator('[data-testid=contact]', { hasText: 'Alice' })
    .first()
    .locator('.row-detail', { hasText: /message-.*\.txt/ })
    .waitFor(WAIT)
  assert.equal(await alice.page.getByTestId('composer').inputValue(), '')
  await alice.page.getByTestId('long-text').waitFor({ ...WAIT, state: 'detached' })
})

test('language, theme and a draft live in the node: a restarted browser mode keeps them', async () => {
  const page = alice.page
  await row(page, bobId).click()
  await page.getByTestId('composer').fill('half a thought about the launch')
  await row(page, groupId).click()
  await page
    .getByTestId('conversation-title')
    .filter({ hasText: /^Launch$/ })
    .waitFor(WAIT)
  assert.equal(await page.getByTestId('composer').inputValue(), '')
  await row(page, bobId).click()
  await page.getByTestId('composer').and(page.locator('textarea')).waitFor(WAIT)
  await waitForValue(page, 'half a thought about the launch')

  await page.getByTestId('open-settings').click()
  await page.getByTestId('language').selectOption('zh-CN')
  await page.getByRole('heading', { name: '设置' }).waitFor(WAIT)
  await page.getByTestId('theme').selectOption('dark')
  assert.equal(await page.locator('html').getAttribute('data-theme'), 'dark')
  await page.getByTestId('close-settings').click()

  // a new node process: another API token, and the web UI on another port unless it was fixed
  await stopPigeon(alice.node.child)
  alice.node = await startPigeon(lan.hosts[0], { dataDir: join(scratch, 'Alice'), name: 'Alice' })
  // a fresh context too: nothing of the old page's storage, whatever port the UI is on now
  const context = await alice.browser.newContext({
    viewport: { width: 1180, height: 760 },
    locale: 'en-US',
    colorScheme: 'light',
  })
  const fresh = await context.newPage()
  await page.close()
  alice.page = fresh
  await fresh.goto(alice.node.url)
  await fresh.getByTestId('me-name').waitFor(WAIT)
  await fresh.locator('.section-title', { hasText: '本局域网' }).waitFor(WAIT)
  assert.equal(await fresh.locator('html').getAttribute('lang'), 'zh-CN')
  assert.equal(await fresh.locator('html').getAttribute('data-theme'), 'dark')
  const background = await fresh.evaluate<string>(
    'getComputedStyle(document.documentElement).backgroundColor',
  )
  assert.equal(background, 'rgb(18, 21, 26)', 'dark although the browser asks for light')
  await row(fresh, bobId).click()
  await waitForValue(fresh, 'half a thought about the launch')
  await shot(fresh, 'dark')
})

/** the composer shows `value` (the page's CSP allows no string evaluation: poll from here) */
async function waitForValue(page: Page, value: string): Promise<void> {
  const composer = page.getByTestId('composer')
  const deadline = Date.now() + WAIT.timeout
  let last = ''
  while (Date.now() < deadline) {
    last = await composer.inputValue(WAIT)
    if (last === value) return
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  assert.equal(last, value, 'the draft is back in the composer')
}
