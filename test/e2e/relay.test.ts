// Two people who share no LAN: each node runs with mDNS off on 127.0.0.1, and the only way
// between them is a real `pigeon-relay`. In the UI: Alice starts a chat by pasting Bob's address
// (his contact link, read off his Settings), the message travels by relay (badge "Relay"), Bob finds
// Alice under "Through the relay", and he answers.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { Browser, Page } from 'playwright-core'
import { ensureRendererBuilt } from '../../app/web/build.js'
import { startRelayProcess, type RelayProcess } from '../support/relay-process.js'
import { launchChromium } from './support/chromium.js'
import { startPigeon, stopPigeon, type RunningPigeon } from './support/pigeon-host.js'

const SHOTS = fileURLToPath(new URL('../../test-results/e2e/', import.meta.url))
const WAIT = { timeout: 30_000 }

let relay: RelayProcess
let scratch: string
let browser: Browser
const nodes: RunningPigeon[] = []
let alice: Page
let bob: Page

async function open(name: string, relayAddress: string): Promise<Page> {
  const node = await startPigeon(undefined, {
    dataDir: join(scratch, name),
    name,
    args: ['--no-mdns', '--listen-host', '127.0.0.1', '--relay', relayAddress],
  })
  nodes.push(node)
  const page = await (
    await browser.newContext({ viewport: { width: 1180, height: 760 }, locale: 'en-US' })
  ).newPage()
  await page.goto(node.url)
  await page.getByTestId('me-name').waitFor(WAIT)
  return page
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true })
  await ensureRendererBuilt()
  scratch = mkdtempSync(join(tmpdir(), 'pigeon-e2e-relay-'))
  relay = await startRelayProcess()
  const address = `${relay.mqtt}#${relay.relayId}`
  browser = await launchChromium()
  alice = await open('Alice', address)
  bob = await open('Bob', address)
})

after(async () => {
  await browser?.close().catch(() => undefined)
  for (const node of nodes) await stopPigeon(node.child)
  await relay?.stop()
  relay?.cleanup()
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true })
})

test('a chat by PeerId travels through the relay, and the other side sees who wrote', async () => {
  // nobody on a LAN: both see the empty LAN state
  await alice.getByTestId('empty-lan').waitFor(WAIT)
  await bob.getByTestId('open-settings').click()
  const bobAddress = (await bob.getByTestId('my-peer-id').innerText()).trim()
  const bobLink = await bob.getByTestId('my-link').inputValue()
  assert.ok(bobLink.startsWith(`pigeon:${bobAddress}`), bobLink)
  await bob.locator('[data-testid=relay-state][data-state=connected]').waitFor(WAIT)
  await bob.getByTestId('close-settings').click()

  await alice.getByTestId('new-chat').click()
  await alice.getByTestId('new-chat-peer').fill('12D3KooWnot-an-address')
  await alice.getByTestId('new-chat-open').click()
  assert.match(await alice.getByTestId('new-chat-error').innerText(), /neither a contact link/)
  await alice.getByTestId('new-chat-peer').fill(bobLink)
  await alice.getByTestId('new-chat-open').click()
  await alice
    .getByTestId('conversation')
    .and(alice.locator(`[data-peer="${bobAddress}"]`))
    .waitFor(WAIT)

  await alice.getByTestId('composer').fill('Hi Bob, this one goes through the relay')
  await alice.getByTestId('composer').press('Enter')
  const mine = alice.locator('[data-testid=message][data-direction=out]', {
    hasText: 'through the relay',
  })
  await mine.getByTestId('path').filter({ hasText: 'Relay' }).waitFor(WAIT)
  await mine.locator('[data-testid=ticks][data-state=delivered]').waitFor(WAIT)

  const fromAlice = bob.locator('[data-testid=relay-list] [data-testid=contact]', {
    hasText: 'Alice',
  })
  await fromAlice.getByTestId('unread').waitFor(WAIT)
  await fromAlice.click()
  const received = bob.locator('[data-testid=message][data-direction=in]', {
    hasText: 'through the relay',
  })
  await received.getByTestId('path').filter({ hasText: 'Relay' }).waitFor(WAIT)
  await mine.locator('[data-testid=ticks][data-state=read]').waitFor(WAIT)

  await bob.getByTestId('composer').fill('收到！中继也很快。')
  await bob.getByTestId('composer').press('Enter')
  await alice
    .locator('[data-testid=message][data-direction=in]', { hasText: '中继也很快' })
    .waitFor(WAIT)
  await alice
    .locator('[data-testid=relay-list] [data-testid=contact]', { hasText: 'Bob' })
    .waitFor(WAIT)
  await alice.screenshot({ path: join(SHOTS, 'relay.png') })
})

test('the connection check explains what works and what does not', async () => {
  await alice.getByTestId('open-settings').click()
  await alice.getByTestId('doctor-run').click()
  await alice.getByTestId('finding').first().waitFor({ timeout: 60_000 })
  const findings = await alice.getByTestId('finding').allInnerTexts()
  assert.ok(
    findings.every((f) => f.length > 10),
    'each finding is a sentence',
  )
  assert.ok(
    findings.some((f) => /relay/i.test(f)),
    findings.join('\n'),
  )
  await alice.getByTestId('close-settings').click()
})

test('a relay that goes away is explained in words, and the relay can be turned off', async () => {
  await relay.stop()
  const problem = alice.getByTestId('relay-problem')
  await problem.waitFor(WAIT)
  const text = await problem.innerText()
  assert.match(text, /^Relay: \S.{10,}/)
  assert.doesNotMatch(
    text,
    /\n\s*at |\(\S+:\d+:\d+\)|\w*Error:|\.[jt]s:\d/,
    'words, not a stack trace',
  )
  await alice.getByTestId('open-settings').click()
  await alice.locator('[data-testid=relay-state][data-state=error]').waitFor(WAIT)
  assert.ok((await alice.getByTestId('relay-error').innerText()).length > 10)
  await alice.screenshot({ path: join(SHOTS, 'relay-error.png') })
  await alice.getByTestId('relay-off').click()
  await alice.locator('[data-testid=relay-state][data-state=off]').waitFor(WAIT)
  await alice.getByTestId('close-settings').click()
  assert.equal(await alice.getByTestId('relay-problem').count(), 0)
})
