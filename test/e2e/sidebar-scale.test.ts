// The sidebar with a whole office in it, in Chromium against a real node on a namespaced LAN
// (test/support/netns.ts): 500 IP Messenger users enter at once through the node's IPMsg bridge
// (docs/protocol.md §15; the group of their entry is their workgroup), a presence burst the UI
// applies once per frame, not per event. The list is one virtual list (SidebarList.dom.tsx): the
// DOM holds a screenful of rows while the list has 500; scrolling to the bottom shows the last;
// the filter finds one deep in the list; a collapsed workgroup leaves only its header; the keys
// and a click open a far peer's conversation; the menu forgets one. No wall time is asserted.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { legacyPeerId } from '../../app/core/legacy/legacy-id.js'
import { ensureRendererBuilt } from '../../app/web/build.js'
import { eventually } from '../app/support/wait.js'
import { createLan, type Lan, type LanHost } from '../support/netns.js'
import { PeerProcess } from '../support/peer-process.js'
import { officeUser, PER_ADDRESS } from './support/ipmsg-office.js'
import { closePeople, openPerson, type Person } from './support/pigeon-host.js'

const SHOTS = fileURLToPath(new URL('../../test-results/e2e/', import.meta.url))
const WAIT = { timeout: 30_000 }
const USERS = 500
/** a screenful and the virtualiser's overscan, far below the list's 500 */
const MAX_ROWS_IN_DOM = 80

let lan: Lan
let scratch: string
let alice: Person
let office: PeerProcess
/** how many times the LAN count on screen changed while the office came in */
let countChanges = 0

// in the page: how many times the LAN list's count on screen changed (this file is type-checked
// without the DOM library, so page scripts are strings)
const COUNT_WATCH = `(() => {
  window.__countChanges = 0
  let last
  new MutationObserver(() => {
    const now = document.querySelector('[data-testid=lan-list] .section-count')?.textContent
    if (now !== last) window.__countChanges++
    last = now
  }).observe(document.body, { subtree: true, childList: true, characterData: true })
})()`

const idOf = (i: number): string => legacyPeerId(officeUser(i).user, officeUser(i).host)
const hostAt = (index: number): LanHost => {
  const host = lan.hosts[index]
  if (host === undefined) throw new Error('no such host')
  return host
}

before(async () => {
  mkdirSync(SHOTS, { recursive: true })
  await ensureRendererBuilt({ force: true })
  scratch = mkdtempSync(join(tmpdir(), 'pigeon-e2e-scale-'))
  lan = await createLan({ hosts: 2, subnet: '10.79.0' })
  alice = await openPerson(hostAt(0), scratch, 'Alice', ['--ipmsg'])
  // the office's machines: addresses of the test's own namespace, 25 users to each
  const addresses = [hostAt(1).address]
  for (let k = 1; k < Math.ceil(USERS / PER_ADDRESS); k++) {
    const address = `10.79.0.${100 + k}`
    await hostAt(1).exec('ip', ['addr', 'add', `${address}/24`, 'dev', 'eth0'])
    addresses.push(address)
  }
  office = PeerProcess.start(hostAt(1), 'test/e2e/support/ipmsg-office.ts', {
    users: USERS,
    addresses,
    to: hostAt(0).address,
  })
  await office.waitForEvent('ready')
  await alice.page.getByTestId('empty-lan').waitFor(WAIT)
  await alice.page.evaluate(COUNT_WATCH)
  await office.request('enter')
  await lanCount(String(USERS))
  countChanges = await alice.page.evaluate<number>('window.__countChanges')
})

after(async () => {
  office?.kill()
  if (alice !== undefined) await closePeople([alice])
  await lan?.destroy()
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true })
})

async function lanCount(expected: string): Promise<void> {
  const count = alice.page.locator('[data-testid=lan-list] .section-title .section-count')
  let seen = ''
  await eventually(async () => {
    seen = (await count.count()) === 1 ? await count.innerText() : '(no count)'
    return seen === expected
  }, `the LAN list counts ${expected}`).catch((error: Error) => {
    throw new Error(
      `${error.message}; it counts ${seen}; the node said:\n${alice.node.output.slice(-20).join('\n')}`,
    )
  })
}

const rows = () => alice.page.locator('[data-testid=contact]')
const row = (i: number) => alice.page.locator(`[data-testid=contact][data-peer="${idOf(i)}"]`)
/** scrolls the sidebar to a fraction of its height (0 the top, 1 the bottom), then lets the
 * virtualiser render what is now in view (two animation frames) */
const scrollList = (to: number) =>
  alice.page.evaluate(`(async () => {
    const el = document.querySelector('.sidebar-scroll')
    el.scrollTop = el.scrollHeight * ${to}
    for (let i = 0; i < 2; i++) await new Promise((r) => requestAnimationFrame(r))
  })()`)
const listHeight = () =>
  alice.page.evaluate<number>(`document.querySelector('.sidebar-list').scrollHeight`)
const focusedPeer = () =>
  alice.page.evaluate<string | null>(`document.activeElement?.getAttribute('data-peer') ?? null`)

test('500 peers entered at once: a screenful of rows in the DOM, rendered per frame, not per event', async () => {
  const inDom = await rows().count()
  assert.ok(inDom > 5 && inDom < MAX_ROWS_IN_DOM, `${inDom} rows in the DOM for ${USERS} peers`)
  // a count on screen per peer event would have changed 500 times
  assert.ok(countChanges < USERS, `the count changed ${countChanges} times for ${USERS} entries`)
  // the workgroups in order, the people without one last
  const first = alice.page.locator('[data-testid=lan-list] [data-testid=workgroup]').first()
  assert.equal(await first.getAttribute('data-workgroup'), 'Dept 0')
  await alice.page.screenshot({ path: join(SHOTS, 'sidebar-500.png') })
})

test('scrolling to the bottom shows the last peer; the DOM stays bounded', async () => {
  await scrollList(1)
  // the last row: "Person 475", the last of the people without a workgroup
  const last = row(475)
  await last.waitFor(WAIT)
  assert.equal(
    await alice.page.locator(`[data-workgroup=""] [data-peer="${idOf(475)}"]`).count(),
    1,
    'in the people without a workgroup',
  )
  // a reader hears where it is in a list most of which is not in the DOM
  const item = alice.page.getByRole('listitem').filter({ has: last })
  assert.equal(await item.getAttribute('aria-posinset'), '20')
  assert.equal(await item.getAttribute('aria-setsize'), '20')
  await eventually(async () => {
    const box = await last.boundingBox()
    const view = await alice.page.locator('.sidebar-scroll').boundingBox()
    return box !== null && view !== null && box.y + box.height <= view.y + view.height + 1
  }, 'the last row in view')
  assert.ok((await rows().count()) < MAX_ROWS_IN_DOM)
  assert.equal(await row(1).count(), 0, 'the first rows left the DOM')
  await scrollList(0)
})

test('the filter finds a peer deep in the list, by host; its conversation stays in view after', async () => {
  await scrollList(0)
  const filter = alice.page.getByTestId('peer-filter')
  await filter.fill('pc-337')
  await eventually(async () => (await rows().count()) === 1, 'one row for pc-337')
  assert.equal(await rows().getAttribute('data-peer'), idOf(337))
  assert.match(await rows().innerText(), /Person 337/)
  // opened from the filter, it stays in view when the filter is cleared
  await rows().click()
  await alice.page.locator('.conversation-header').getByText('Person 337').first().waitFor(WAIT)
  await filter.fill('')
  await row(337).waitFor(WAIT)
  assert.equal(await row(337).getAttribute('aria-current'), 'true')
  assert.equal(await row(10).count(), 0, 'the list is where the open conversation is')
  await scrollList(0)
  await lanCount(String(USERS))
})

test('a collapsed workgroup leaves only its header; the next one moves up', async () => {
  const page = alice.page
  await scrollList(0)
  const dept0 = page.locator('[data-workgroup="Dept 0"]')
  assert.ok((await dept0.locator('[data-testid=contact]').count()) > 0)
  assert.equal(await page.locator('[data-workgroup="Dept 1"] [data-testid=contact]').count(), 0)
  const before = await listHeight()
  await dept0.getByTestId('workgroup-toggle').click()
  await eventually(
    async () => (await dept0.locator('[data-testid=contact]').count()) === 0,
    'Dept 0 folded',
  )
  assert.equal(await dept0.getByTestId('workgroup-toggle').getAttribute('aria-expanded'), 'false')
  await page.locator('[data-workgroup="Dept 1"] [data-testid=contact]').first().waitFor(WAIT)
  const afterFold = await listHeight()
  assert.ok(afterFold < before, 'the list is shorter by the folded rows')
  await lanCount(String(USERS))
  await dept0.getByTestId('workgroup-toggle').click()
  await dept0.locator('[data-testid=contact]').first().waitFor(WAIT)
})

test('the keys reach the far end of the list and open its conversation; a click opens another', async () => {
  const page = alice.page
  await scrollList(0)
  await row(10).focus()
  await page.keyboard.press('End')
  await eventually(async () => (await focusedPeer()) === idOf(475), 'the last row focused')
  await page.keyboard.press('ArrowUp')
  await eventually(async () => (await focusedPeer()) === idOf(450), 'the row above focused')
  await page.keyboard.press('Enter')
  const header = page.locator('.conversation-header')
  await header.getByText('Person 450').first().waitFor(WAIT)
  assert.equal(await row(450).getAttribute('aria-current'), 'true')

  // a far peer in the middle of the list, scrolled to and clicked
  await scrollList(0.5)
  const id = await rows().nth(5).getAttribute('data-peer')
  const far = page.locator(`[data-testid=contact][data-peer="${id}"]`)
  const name = /Person \d+/.exec(await far.innerText())?.[0] ?? ''
  assert.notEqual(name, '')
  await far.click()
  await header.getByText(name).first().waitFor(WAIT)
  assert.equal(await far.getAttribute('aria-current'), 'true')
})

test('the menu of a far row forgets that peer', async () => {
  const page = alice.page
  await scrollList(1)
  const item = page.locator('li', { has: row(475) })
  await item.click({ button: 'right' })
  await item.getByTestId('menu-forget').click()
  await row(475).waitFor({ state: 'detached', ...WAIT })
  await scrollList(0)
  await lanCount(String(USERS - 1))
})
