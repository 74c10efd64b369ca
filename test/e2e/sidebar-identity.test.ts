// Who is who, in Chromium against real nodes on a namespaced LAN (test/support/netns.ts; mDNS
// finds the nodes as on a real LAN): the list grouped by workgroup with host and address, a
// filter, two Bobs told apart by host and key fingerprint, the safety number both sides see the
// same, the verified badge, the warning when a verified name comes with another key, a contact
// added by link listed and forgotten from its menu, and the workgroup set in Settings.
// Screenshots land in test-results/e2e/.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { ed25519 } from '@noble/curves/ed25519.js'
import type { PeerView } from '../../app/api/contract.js'
import { ensureRendererBuilt } from '../../app/web/build.js'
import { peerIdFromPublicKey } from '../../shared/identity.js'
import { pigeonVia } from '../app/support/cli.js'
import { eventually } from '../app/support/wait.js'
import { createLan, type Lan, type LanHost } from '../support/netns.js'
import {
  closePeople,
  openPerson,
  startPigeon,
  stopPigeon,
  type Person,
  type RunningPigeon,
} from './support/pigeon-host.js'

const SHOTS = fileURLToPath(new URL('../../test-results/e2e/', import.meta.url))
const WAIT = { timeout: 30_000 }

let lan: Lan
let scratch: string
let alice: Person
const nodes: RunningPigeon[] = []
const bobDir = (which: string): string => join(scratch, `bob-${which}`)

function hostAt(index: number): LanHost {
  const host = lan.hosts[index]
  if (host === undefined) throw new Error('no such host')
  return host
}

/** `pigeon <args>` run inside a host's namespace, where its node's local API is */
async function cliIn<T>(index: number, ...args: string[]): Promise<T> {
  const result = await pigeonVia(
    ['ip', 'netns', 'exec', hostAt(index).namespace],
    ...args,
    '--json',
  )
  if (result.code !== 0) throw new Error(`pigeon ${args.join(' ')}: ${result.stderr}`)
  return JSON.parse(result.stdout) as T
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true })
  await ensureRendererBuilt({ force: true })
  scratch = mkdtempSync(join(tmpdir(), 'pigeon-e2e-identity-'))
  lan = await createLan({ hosts: 3 })
  alice = await openPerson(hostAt(0), scratch, 'Alice', ['--host-name', 'alice-pc'])
  for (const [index, which, extra] of [
    [1, 'a', ['--workgroup', '研发部']],
    [2, 'b', []],
  ] as const) {
    nodes.push(
      await startPigeon(hostAt(index), {
        dataDir: bobDir(which),
        name: 'Bob',
        args: ['--host-name', `host${which.toUpperCase()}`, ...extra],
      }),
    )
  }
})

after(async () => {
  if (alice !== undefined) await closePeople([alice])
  for (const node of nodes) await stopPigeon(node.child)
  await lan?.destroy()
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true })
})

const lanRow = (text: string) =>
  alice.page.locator('[data-testid=lan-list] [data-testid=contact]', { hasText: text })

test('the LAN list: grouped by workgroup, host and address under each name, fingerprints where names collide', async () => {
  const page = alice.page
  await lanRow('hostA').waitFor(WAIT)
  await lanRow('hostB').waitFor(WAIT)
  const groups = page.locator('[data-testid=lan-list] [data-testid=workgroup]')
  assert.deepEqual(
    await groups.evaluateAll((els) => els.map((e) => e.getAttribute('data-workgroup'))),
    ['研发部', ''],
  )
  const inRnd = page.locator(
    '[data-testid=workgroup][data-workgroup="研发部"] [data-testid=contact]',
  )
  assert.match(await inRnd.innerText(), /Bob/)
  assert.match(await inRnd.getByTestId('row-where').innerText(), /^hostA · 10\.\d+\.\d+\.\d+$/)
  // two Bobs: each shows its fingerprint, and they differ
  const prints = await page
    .locator('[data-testid=lan-list] [data-testid=row-fingerprint]')
    .allInnerTexts()
  assert.equal(prints.length, 2)
  assert.notEqual(prints[0], prints[1])
  await page.screenshot({ path: join(SHOTS, 'sidebar-workgroups.png') })

  // a workgroup folds away and comes back
  await page.locator('[data-workgroup="研发部"] [data-testid=workgroup-toggle]').click()
  assert.equal(await inRnd.count(), 0)
  await page.locator('[data-workgroup="研发部"] [data-testid=workgroup-toggle]').click()
  assert.equal(await inRnd.count(), 1)
})

test('the filter finds people by host and workgroup substrings', async () => {
  const page = alice.page
  const rows = page.locator('[data-testid=lan-list] [data-testid=contact]')
  await page.getByTestId('peer-filter').fill('STB')
  await eventually(async () => (await rows.count()) === 1, 'one row for "STB"')
  assert.match(await rows.innerText(), /hostB/)
  await page.getByTestId('peer-filter').fill('研发')
  await eventually(async () => (await rows.count()) === 1, 'one row for "研发"')
  assert.match(await rows.innerText(), /hostA/)
  await page.getByTestId('peer-filter').fill('')
  await eventually(async () => (await rows.count()) === 2, 'both again')
})

test('verify a Bob: the same 60 digits as his side, a QR code, then the badge; the other Bob is flagged', async () => {
  const page = alice.page
  await lanRow('hostA').click()
  const header = page.locator('.conversation-header')
  await header.getByTestId('unverified-note').waitFor(WAIT)
  assert.equal(await page.getByTestId('unverified-note').count(), 1, 'said once')
  await page.getByTestId('open-verify').click()
  const dialog = page.getByTestId('verify-dialog')
  await dialog.getByTestId('safety-number').waitFor(WAIT)
  const digits = (await dialog.getByTestId('safety-number').locator('span').allInnerTexts()).join(
    '',
  )
  assert.match(digits, /^\d{60}$/)
  const atBob = await cliIn<{ safety_number: string }>(1, 'verify', 'Alice', '--data', bobDir('a'))
  assert.equal(digits, atBob.safety_number, 'both sides show the same number')
  assert.ok((await dialog.locator('[data-testid=safety-qr] path').getAttribute('d'))!.length > 100)
  await page.screenshot({ path: join(SHOTS, 'verify-dialog.png') })
  await dialog.getByTestId('mark-verified').click()
  await dialog.getByTestId('unmark-verified').waitFor(WAIT)
  await dialog.getByTestId('verify-close').click()

  await header.getByTestId('verified-badge').waitFor(WAIT)
  assert.equal(await header.getByTestId('unverified-note').count(), 0)
  await lanRow('hostA').getByTestId('row-verified').waitFor(WAIT)
  await page.screenshot({ path: join(SHOTS, 'verified-contact.png') })

  // the other Bob has the verified name with another key: his header says so
  await lanRow('hostB').click()
  const warning = header.getByTestId('identity-warning')
  await warning.waitFor(WAIT)
  assert.match(await warning.innerText(), /not the Bob you verified.*hostA/)
})

test('a contact added by link is listed, and its menu forgets it', async () => {
  const page = alice.page
  const stranger = peerIdFromPublicKey(ed25519.getPublicKey(new Uint8Array(32).fill(9)))
  await page.getByTestId('new-chat').click()
  await page.getByTestId('new-chat-peer').fill(`pigeon:${stranger}?name=Carol`)
  await page.getByTestId('new-chat-open').click()
  const row = page.locator(`[data-testid=contacts-list] [data-peer="${stranger}"]`)
  await row.waitFor(WAIT)
  assert.match(await row.innerText(), /Carol/)
  const item = page.locator('[data-testid=contacts-list] li', {
    has: page.locator(`[data-peer="${stranger}"]`),
  })
  await item.getByTestId('row-menu').click()
  await item.getByTestId('menu-forget').click()
  await row.waitFor({ state: 'detached', ...WAIT })
  const peers = await cliIn<PeerView[]>(0, 'peers', '--data', join(scratch, 'Alice'))
  assert.equal(
    peers.some((p) => p.peerId === stranger),
    false,
  )
})

test('the workgroup set in Settings reaches the others', async () => {
  const page = alice.page
  await page.getByTestId('open-settings').click()
  await page.getByTestId('settings-workgroup').fill('Design')
  await page.getByTestId('settings-save-workgroup').click()
  await eventually(async () => {
    const peers = await cliIn<PeerView[]>(1, 'peers', '--data', bobDir('a'))
    return peers.some(
      (p) => p.name === 'Alice' && p.workgroup === 'Design' && p.host === 'alice-pc',
    )
  }, 'Bob at hostA sees Alice in Design')
})

test('in 简体中文 the list and the warnings are Chinese', async () => {
  const page = alice.page
  await page.getByTestId('language').selectOption('zh-CN')
  await page.getByTestId('close-settings').click()
  await page.getByTestId('peer-filter').waitFor(WAIT)
  assert.equal(
    await page.getByTestId('peer-filter').getAttribute('placeholder'),
    '筛选联系人、群组、主机',
  )
  await lanRow('hostB').click()
  const warning = page.locator('.conversation-header').getByTestId('identity-warning')
  await warning.waitFor(WAIT)
  assert.match(await warning.innerText(), /这不是你验证过的 Bob/)
  assert.match(
    await page.locator('[data-workgroup=""] [data-testid=workgroup-toggle]').innerText(),
    /未分组/,
  )
  await page.screenshot({ path: join(SHOTS, 'identity-zh.png') })
  await page.getByTestId('open-settings').click()
  await page.getByTestId('language').selectOption('en')
})
