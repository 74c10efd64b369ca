// Two computers on one LAN, each running a real `pigeon start --web` and a Chromium showing its
// web UI — all inside network namespaces (test/support/netns.ts), so mDNS finds the other node
// exactly as on a real LAN and nothing leaves the test's own bridge. What a person would do:
// watch the other appear, chat both ways, see ticks reach "read", find a Chinese phrase, switch
// the language, and read errors in words. Screenshots land in test-results/e2e/.
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
let emptyLanText = ''
let scratch: string
let alice: Person
let bob: Person
const people: Person[] = []

async function join_(index: number, name: string): Promise<Person> {
  const host = lan.hosts[index]
  if (host === undefined) throw new Error('no such host')
  const person = await openPerson(host, scratch, name)
  people.push(person)
  return person
}

const contact = (page: Page, name: string) =>
  page.locator('[data-testid=lan-list] [data-testid=contact]', { hasText: name })
const shot = (page: Page, name: string) => page.screenshot({ path: join(SHOTS, `${name}.png`) })

before(async () => {
  mkdirSync(SHOTS, { recursive: true })
  await ensureRendererBuilt({ force: true })

  scratch = mkdtempSync(join(tmpdir(), 'pigeon-e2e-'))
  lan = await createLan({ hosts: 2 })
  alice = await join_(0, 'Alice')
  // alone on the LAN: the empty state teaches what to do
  emptyLanText = await alice.page.getByTestId('empty-lan').innerText(WAIT)
  await shot(alice.page, 'empty-lan')
  bob = await join_(1, 'Bob')
})

after(async () => {
  await closePeople(people)
  await lan?.destroy()
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true })
})

test('alone on the LAN, the empty state says what to do', () => {
  assert.match(
    emptyLanText,
    /No one on this LAN yet — start Pigeon on another computer on the same network/,
  )
})

test('each user sees the other appear on this LAN', async () => {
  await contact(alice.page, 'Bob').waitFor(WAIT)
  await contact(bob.page, 'Alice').waitFor(WAIT)
  assert.equal(await alice.page.getByTestId('empty-lan').count(), 0)
})

test('they chat both ways, Enter sends, Shift+Enter starts a new line, ticks go to read', async () => {
  await contact(alice.page, 'Bob').click()
  const composer = alice.page.getByTestId('composer')
  await composer.fill('Hello Bob — lunch at noon?')
  await composer.press('Enter')
  const sent = alice.page.locator('[data-testid=message][data-direction=out]', {
    hasText: 'lunch at noon',
  })
  await sent.waitFor(WAIT)
  assert.equal(await composer.inputValue(), '', 'the composer is cleared')

  // Bob has not opened the chat: an unread count, and the message is "delivered", not "read"
  await contact(bob.page, 'Alice').getByTestId('unread').waitFor(WAIT)
  assert.equal(await contact(bob.page, 'Alice').getByTestId('unread').textContent(), '1')
  await sent.locator('[data-testid=ticks][data-state=delivered]').waitFor(WAIT)

  await contact(bob.page, 'Alice').click()
  await bob.page
    .locator('[data-testid=message][data-direction=in]', { hasText: 'Hello Bob — lunch at noon?' })
    .waitFor(WAIT)
  // opening the chat reads it: the badge goes once the node has marked the message read
  await contact(bob.page, 'Alice')
    .getByTestId('unread')
    .waitFor({ state: 'detached', ...WAIT })
  await sent.locator('[data-testid=ticks][data-state=read]').waitFor(WAIT)

  const reply = bob.page.getByTestId('composer')
  await reply.fill('你好 Alice！')
  await reply.press('Shift+Enter')
  await reply.pressSequentially('我们明天在会议室见')
  assert.equal(await reply.inputValue(), '你好 Alice！\n我们明天在会议室见')
  await reply.press('Enter')
  const received = alice.page.locator('[data-testid=message][data-direction=in]', {
    hasText: '会议室',
  })
  await received.waitFor(WAIT)
  assert.equal(
    await received.locator('.bubble-text').innerText(),
    '你好 Alice！\n我们明天在会议室见',
  )
  assert.equal(await received.getByTestId('path').innerText(), 'LAN')
  await bob.page
    .locator('[data-testid=message][data-direction=out] [data-testid=ticks][data-state=read]')
    .waitFor(WAIT)
  // a little more conversation, as people have it
  await composer.fill('好的，明天见！I’ll bring the slides for the LAN demo.')
  await composer.press('Enter')
  await bob.page
    .locator('[data-testid=message][data-direction=in]', { hasText: 'slides' })
    .waitFor(WAIT)
  await reply.fill('Perfect. If I’m out of the office, the relay carries anything I miss.')
  await reply.press('Enter')
  await alice.page
    .locator('[data-testid=message][data-direction=in]', { hasText: 'Perfect.' })
    .waitFor(WAIT)
  await alice.page
    .locator('[data-testid=message][data-direction=out]', { hasText: 'slides' })
    .locator('[data-testid=ticks][data-state=read]')
    .waitFor(WAIT)
  assert.ok(
    (await alice.page.getByTestId('day-separator').count()) >= 1,
    'a day separator heads the history',
  )
  await contact(alice.page, 'Bob')
    .locator('.row-detail', { hasText: 'the relay carries anything I miss' })
    .waitFor(WAIT)
  await shot(alice.page, 'conversation')
  await alice.page.emulateMedia({ colorScheme: 'dark' })
  await shot(alice.page, 'conversation-dark')
  await alice.page.emulateMedia({ colorScheme: 'light' })
})

test('typing shows on the other side', async () => {
  await bob.page.getByTestId('composer').pressSequentially('one moment')
  await alice.page.getByTestId('typing').filter({ hasText: 'Bob is typing' }).waitFor(WAIT)
  await bob.page.getByTestId('composer').fill('')
  await alice.page
    .getByTestId('typing')
    .filter({ hasText: 'typing' })
    .waitFor({ ...WAIT, state: 'detached' })
})

test('a Chinese phrase is found by search', async () => {
  await alice.page.getByTestId('search').fill('会议室')
  const result = alice.page.getByTestId('search-result').filter({ hasText: '我们明天在会议室见' })
  await result.waitFor(WAIT)
  assert.equal(await result.locator('mark').innerText(), '会议室')
  await shot(alice.page, 'search')
  await result.click()
  await alice.page.locator('.message-flash', { hasText: '我们明天在会议室见' }).waitFor(WAIT)
  await alice.page.getByTestId('search').fill('不存在的词语')
  await alice.page
    .getByTestId('search-results')
    .filter({ hasText: 'No message contains' })
    .waitFor(WAIT)
  await alice.page.getByTestId('search').fill('')
  await contact(alice.page, 'Bob').waitFor(WAIT)
})

test('the language switches to 简体中文 and back', async () => {
  const page = alice.page
  await page.getByTestId('open-settings').click()
  await page.getByTestId('language').selectOption('zh-CN')
  await page.getByRole('heading', { name: '设置' }).waitFor(WAIT)
  await page.locator('.section-title', { hasText: '本局域网' }).waitFor(WAIT)
  assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN')
  await shot(page, 'settings-zh')
  await page.getByTestId('close-settings').click()
  await contact(page, 'Bob').click()
  await page.getByTestId('composer').and(page.getByPlaceholder('发消息给 Bob')).waitFor(WAIT)
  await shot(page, 'conversation-zh')
  await page.getByTestId('open-settings').click()
  await page.getByTestId('language').selectOption('en')
  await page.getByRole('heading', { name: 'Settings' }).waitFor(WAIT)
  await page.keyboard.press('Escape')
  await page.getByTestId('settings').waitFor({ ...WAIT, state: 'detached' })
  await page.locator('.section-title', { hasText: 'On this LAN' }).waitFor(WAIT)

  // with no choice made, the UI follows the browser's (the OS's) language
  const context = await bob.browser.newContext({
    locale: 'zh-CN',
    viewport: { width: 1180, height: 760 },
  })
  try {
    const chinese = await context.newPage()
    await chinese.goto(bob.node.url)
    await chinese.locator('.section-title', { hasText: '本局域网' }).waitFor(WAIT)
    assert.equal(await chinese.getByTestId('search').getAttribute('placeholder'), '搜索消息')
  } finally {
    await context.close()
  }
})

test('an error is shown in words, never as a stack trace', async () => {
  const page = alice.page
  await contact(page, 'Bob').click()
  await page.getByTestId('composer').fill('长'.repeat(6000)) // 18,000 bytes of UTF-8: over the 16 KiB limit
  await page.getByTestId('composer').press('Enter')
  // too long for a message: the composer says so in words, before anything is sent
  // (test/e2e/everyday.test.ts sends it as a .txt file instead)
  const notice = page.getByTestId('long-text')
  await notice.waitFor(WAIT)
  const text = await notice.innerText()
  assert.match(text, /more than one message holds/)
  assert.doesNotMatch(text, /\n\s*at |\(\S+:\d+:\d+\)|\w*Error:|\.[jt]s:\d/)
  assert.equal(
    (await page.getByTestId('composer').inputValue()).length,
    6000,
    'what the user wrote is kept',
  )
  await page.getByTestId('composer').fill('')
  await notice.waitFor({ ...WAIT, state: 'detached' })
})

test('when Bob leaves, Alice sees it and her message waits in the outbox until he is back', async () => {
  await stopPigeon(bob.node.child)
  // Bob's page lost its node: it says so, in words
  await bob.page
    .getByTestId('banner')
    .filter({ hasText: 'Lost the connection to your Pigeon node' })
    .waitFor(WAIT)
  // Alice's LAN list no longer has him; the conversation stays, under Earlier
  await alice.page
    .locator('[data-testid=earlier-list] [data-testid=contact]', { hasText: 'Bob' })
    .waitFor(WAIT)
  assert.equal(await contact(alice.page, 'Bob').count(), 0)
  await alice.page
    .locator('[data-testid=earlier-list] [data-testid=contact]', { hasText: 'Bob' })
    .click()
  await alice.page
    .getByTestId('reach')
    .filter({ hasText: 'messages wait in your outbox' })
    .waitFor(WAIT)
  await alice.page.getByTestId('composer').fill('Are you still there?')
  await alice.page.getByTestId('composer').press('Enter')
  const waiting = alice.page.locator('[data-testid=message][data-direction=out]', {
    hasText: 'Are you still there?',
  })
  await waiting.locator('[data-testid=ticks][data-state=pending]').waitFor(WAIT)
  await shot(alice.page, 'offline-pending')

  const host = lan.hosts[1]
  if (host === undefined) throw new Error('no host')
  // same web port, new token: the page still open from before says to open the new address
  const port = new URL(bob.node.url).port
  bob.node = await startPigeon(host, {
    dataDir: join(scratch, 'Bob'),
    name: 'Bob',
    args: ['--web-port', port],
  })
  await bob.page
    .locator('[data-testid=banner][data-code=API_UNAUTHORIZED]')
    .filter({ hasText: 'Open the address' })
    .waitFor(WAIT)
  await bob.page.goto(bob.node.url)
  await waiting.locator('[data-testid=ticks][data-state=delivered]').waitFor(WAIT)
  await contact(alice.page, 'Bob').waitFor(WAIT)
  await contact(bob.page, 'Alice').getByTestId('unread').filter({ hasText: '1' }).waitFor(WAIT)
})
