// Groups in the web UI, as two people on one LAN use them: each runs a real `pigeon start --web`
// in its own network namespace (test/support/netns.ts) with a Chromium showing its UI, so the
// group's signed changes and messages travel between real engines over libp2p. Alice makes a
// group with Bob, they talk, she renames it and then removes him: his side follows each step.
// The screenshot of the group with its info panel lands in test-results/e2e/group.png.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import type { Page } from 'playwright-core'
import { ensureRendererBuilt } from '../../app/web/build.js'
import { createLan, type Lan } from '../support/netns.js'
import { closePeople, openPerson, type Person } from './support/pigeon-host.js'

const SHOTS = fileURLToPath(new URL('../../test-results/e2e/', import.meta.url))
const WAIT = { timeout: 30_000 }

let lan: Lan
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

const onLan = (page: Page, name: string) =>
  page.locator('[data-testid=lan-list] [data-testid=contact]', { hasText: name })
const groupRow = (page: Page, name: string) =>
  page.locator('[data-testid=group-list] [data-testid=contact]', { hasText: name })
const inbound = (page: Page, text: string) =>
  page.locator('[data-testid=message][data-direction=in]', { hasText: text })
const member = (page: Page, name: string) =>
  page.locator('[data-testid=group-info] [data-testid=group-member]', { hasText: name })

before(async () => {
  mkdirSync(SHOTS, { recursive: true })
  await ensureRendererBuilt({ force: true })
  scratch = mkdtempSync(join(tmpdir(), 'pigeon-e2e-groups-'))
  lan = await createLan({ hosts: 2 })
  alice = await join_(0, 'Alice')
  bob = await join_(1, 'Bob')
  // a group is made of people this node knows: wait until each knows the other
  await onLan(alice.page, 'Bob').waitFor(WAIT)
  await onLan(bob.page, 'Alice').waitFor(WAIT)
})

after(async () => {
  await closePeople(people)
  await lan?.destroy()
  if (scratch !== undefined) rmSync(scratch, { recursive: true, force: true })
})

test('Alice makes a group with Bob: it opens, with its name and two members', async () => {
  const page = alice.page
  await page.getByTestId('new-group').click()
  const dialog = page.getByTestId('new-group-dialog')
  await dialog.waitFor(WAIT)
  // nobody picked yet: the dialog says what is missing instead of making an empty group
  await page.getByTestId('new-group-name').fill('Weekend hike')
  await page.getByTestId('new-group-create').click()
  assert.match(
    await page.getByTestId('new-group-error').innerText(WAIT),
    /Pick at least one person/,
  )
  await dialog.locator('.picker-row', { hasText: 'Bob' }).getByTestId('pick-peer').check()
  await page.screenshot({ path: join(SHOTS, 'group-new.png') })
  await page.getByTestId('new-group-create').click()
  await dialog.waitFor({ ...WAIT, state: 'detached' })

  await page
    .getByTestId('conversation-title')
    .filter({ hasText: /^Weekend hike$/ })
    .waitFor(WAIT)
  assert.equal(await page.getByTestId('reach').innerText(), '2 members')
  await groupRow(page, 'Weekend hike').waitFor(WAIT)
  // groups get no typing indicators: the line that shows them is not there at all
  assert.equal(await page.getByTestId('typing').count(), 0)

  await page.getByTestId('composer').fill('Who brings the map?')
  await page.getByTestId('composer').press('Enter')
  await page
    .locator('[data-testid=message][data-direction=out]', { hasText: 'Who brings the map?' })
    .waitFor(WAIT)
})

test('Bob sees the group appear, unread, and the message under Alice’s name', async () => {
  const page = bob.page
  const row = groupRow(page, 'Weekend hike')
  await row.getByTestId('unread').filter({ hasText: '1' }).waitFor(WAIT)
  await row.locator('.row-detail', { hasText: 'Alice: Who brings the map?' }).waitFor(WAIT)
  await row.click()
  const message = inbound(page, 'Who brings the map?')
  await message.waitFor(WAIT)
  assert.equal(await message.getByTestId('sender').innerText(), 'Alice')
  assert.equal(await page.getByTestId('reach').innerText(), '2 members')
  // opening the group reads it
  await row.getByTestId('unread').waitFor({ ...WAIT, state: 'detached' })

  await page.getByTestId('composer').fill('I will — 我带地图和水')
  await page.getByTestId('composer').press('Enter')
  const reply = inbound(alice.page, '我带地图和水')
  await reply.waitFor(WAIT)
  assert.equal(await reply.getByTestId('sender').innerText(), 'Bob')
  await groupRow(alice.page, 'Weekend hike')
    .locator('.row-detail', { hasText: 'Bob: I will — 我带地图和水' })
    .waitFor(WAIT)
})

test('the info panel lists the members; only the owner may change the group, only Bob may leave', async () => {
  await alice.page.getByTestId('group-info-toggle').click()
  await member(alice.page, 'Alice')
    .getByTestId('member-role')
    .filter({ hasText: 'Owner' })
    .waitFor(WAIT)
  const bobRow = member(alice.page, 'Bob')
  assert.equal(await bobRow.getByTestId('member-role').count(), 0, 'Bob is a plain member')
  assert.equal(await bobRow.getByTestId('member-presence').getAttribute('data-presence'), 'online')
  assert.equal(await alice.page.getByTestId('group-leave').count(), 0, 'the owner cannot leave')
  assert.equal(await alice.page.getByTestId('group-rename-input').count(), 1)
  assert.equal(await bobRow.getByTestId('group-remove').count(), 1)

  await bob.page.getByTestId('group-info-toggle').click()
  await member(bob.page, 'Alice')
    .getByTestId('member-role')
    .filter({ hasText: 'Owner' })
    .waitFor(WAIT)
  assert.equal(await bob.page.getByTestId('group-rename-input').count(), 0)
  assert.equal(await bob.page.getByTestId('group-remove').count(), 0)
  assert.equal(await bob.page.getByTestId('group-leave').count(), 1)
  // leaving asks first; cancelling keeps him in
  await bob.page.getByTestId('group-leave').click()
  const ask = bob.page.getByTestId('group-leave-ask')
  assert.match(await ask.innerText(WAIT), /Leave “Weekend hike”\? You keep its history/)
  await ask.getByRole('button', { name: 'Cancel' }).click()
  await bob.page.getByTestId('group-leave').waitFor(WAIT)
  assert.equal(await bob.page.getByTestId('composer').count(), 1)
})

test('Alice renames the group and Bob sees the new name live', async () => {
  await alice.page.getByTestId('group-rename-input').fill('Sunday hike')
  await alice.page.getByTestId('group-rename-save').click()
  await alice.page
    .getByTestId('conversation-title')
    .filter({ hasText: /^Sunday hike$/ })
    .waitFor(WAIT)
  await bob.page
    .getByTestId('conversation-title')
    .filter({ hasText: /^Sunday hike$/ })
    .waitFor(WAIT)
  await bob.page.getByTestId('group-info-name').filter({ hasText: 'Sunday hike' }).waitFor(WAIT)
  await groupRow(bob.page, 'Sunday hike').waitFor(WAIT)
  assert.equal(await groupRow(bob.page, 'Weekend hike').count(), 0)
  await bob.page.getByTestId('group-info-close').click()
  await bob.page.getByTestId('group-info').waitFor({ ...WAIT, state: 'detached' })

  await alice.page.getByTestId('composer').fill('Sunday then — 8:00 at the station.')
  await alice.page.getByTestId('composer').press('Enter')
  await inbound(bob.page, '8:00 at the station').waitFor(WAIT)
  await alice.page.screenshot({ path: join(SHOTS, 'group.png') })
})

test('a group message is found by search, under the group’s name', async () => {
  const page = alice.page
  await page.getByTestId('search').fill('地图')
  const result = page.getByTestId('search-result').filter({ hasText: '我带地图和水' })
  await result.waitFor(WAIT)
  assert.match(await result.locator('.row-name').innerText(), /^Bob → Sunday hike/)
  await result.click()
  await page.locator('.message-flash', { hasText: '我带地图和水' }).waitFor(WAIT)
  await page.getByTestId('search').fill('')
  await groupRow(page, 'Sunday hike').waitFor(WAIT)
})

test('Alice removes Bob: his history stays, his composer becomes a line saying he is out', async () => {
  const bobRow = member(alice.page, 'Bob')
  await bobRow.getByTestId('group-remove').click()
  await bobRow.getByTestId('group-remove-confirm').click()
  await bobRow.waitFor({ ...WAIT, state: 'detached' })
  assert.equal(await alice.page.getByTestId('reach').innerText(), '1 member')

  const closed = bob.page.getByTestId('group-closed')
  await closed.waitFor(WAIT)
  assert.equal(
    await closed.innerText(),
    'You are no longer in this group. Its history stays here to read.',
  )
  assert.equal(await bob.page.getByTestId('composer').count(), 0)
  // what was said stays readable, and the group stays in his list
  assert.equal(await inbound(bob.page, 'Who brings the map?').count(), 1)
  assert.equal(await inbound(bob.page, '8:00 at the station').count(), 1)
  await groupRow(bob.page, 'Sunday hike').waitFor(WAIT)
  // his info panel shows no actions any more, not even leave
  await bob.page.getByTestId('group-info-toggle').click()
  await bob.page.getByTestId('group-info-closed').waitFor(WAIT)
  assert.equal(await bob.page.getByTestId('group-leave').count(), 0)
  await bob.page.screenshot({ path: join(SHOTS, 'group-removed.png') })
})

test('Alice adds Bob back from the pick-list, and he can write again', async () => {
  const panel = alice.page.getByTestId('group-info')
  await panel.locator('.picker-row', { hasText: 'Bob' }).getByTestId('pick-peer').check()
  await panel.getByTestId('group-add').click()
  await member(alice.page, 'Bob').waitFor(WAIT)
  assert.equal(await alice.page.getByTestId('reach').innerText(), '2 members')
  assert.equal(await panel.getByTestId('group-nobody-to-add').count(), 1)

  await bob.page.getByTestId('composer').waitFor(WAIT)
  assert.equal(await bob.page.getByTestId('group-closed').count(), 0)
  await bob.page.getByTestId('group-leave').waitFor(WAIT)
  await bob.page.getByTestId('composer').fill('Back in — thanks!')
  await bob.page.getByTestId('composer').press('Enter')
  const back = inbound(alice.page, 'Back in — thanks!')
  await back.waitFor(WAIT)
  assert.equal(await back.getByTestId('sender').innerText(), 'Bob')
})

test('Bob leaves after confirming; Alice sees him go', async () => {
  await bob.page.getByTestId('group-leave').click()
  await bob.page.getByTestId('group-leave-confirm').click()
  await bob.page.getByTestId('group-closed').waitFor(WAIT)
  assert.equal(await bob.page.getByTestId('composer').count(), 0)
  await member(alice.page, 'Bob').waitFor({ ...WAIT, state: 'detached' })
  assert.equal(await alice.page.getByTestId('reach').innerText(), '1 member')
  // Alice, the owner, still has her composer
  assert.equal(await alice.page.getByTestId('composer').count(), 1)
})
