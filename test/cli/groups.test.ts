// `pigeon group …` against three real nodes (`pigeon start` processes, libp2p over TCP on
// 127.0.0.1; mDNS off in the root namespace, peers linked with --connect). The NAT topology with
// the relay and an offline member is test/paths/paths.test.ts.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { GroupView, MessageView } from '../../app/api/contract.js'
import { connectToDataDir } from '../../app/api/discover.js'
import { eventually } from '../app/support/wait.js'
import { pigeon, pigeonJson, startPigeon, tempDataDir } from '../app/support/cli.js'

test('group create, send, history, rename, add, remove, leave and list, as the CLI documents them', async (t) => {
  const ada = await startPigeon(t, tempDataDir(t, 'ada'), ['--name', 'Ada'])
  const bo = await startPigeon(t, tempDataDir(t, 'bo'), ['--name', 'Bo', '--connect', ada.address])
  const cy = await startPigeon(t, tempDataDir(t, 'cy'), [
    '--name',
    'Cy',
    '--connect',
    ada.address,
    bo.address,
  ])
  await eventually(async () => {
    const peers = await (await connectToDataDir(ada.dataDir)).peers()
    return ['Bo', 'Cy'].every((name) => peers.some((p) => p.name === name && p.online))
  }, 'Ada knows Bo and Cy by name')
  const run = async (dir: string, ...args: string[]): Promise<string> => {
    const result = await pigeon(...args, '--data', dir)
    assert.equal(result.code, 0, `pigeon ${args.join(' ')}: ${result.stderr}`)
    return result.stdout
  }

  const created = await run(ada.dataDir, 'group', 'create', 'Lunch club', 'Bo', cy.peerId)
  assert.match(created, /^\S{22} {2}Lunch club {2}owner {2}v1 {2}me \(owner\), Bo, Cy$/m)
  const [group] = await pigeonJson<GroupView[]>('group', 'list', '--json', '--data', ada.dataDir)
  assert.equal(group?.name, 'Lunch club')
  const groupId = group?.id ?? ''

  const id = (
    await run(ada.dataDir, 'group', 'send', 'Lunch club', 'noodles', 'at', 'noon?')
  ).trim()
  assert.match(id, /^[0-9a-f]{32}$/)
  for (const member of [bo, cy]) {
    await eventually(async () => {
      const h = await pigeonJson<MessageView[]>(
        'history',
        '--json',
        '--data',
        member.dataDir,
        groupId,
      )
      return h.some((m) => m.id === id && m.text === 'noodles at noon?')
    }, 'each member has it')
  }
  await eventually(async () => {
    const h = await (await connectToDataDir(ada.dataDir)).history(`group:${groupId}`)
    return h.find((m) => m.id === id)?.state === 'delivered'
  }, 'delivered to both')
  await run(bo.dataDir, 'group', 'send', groupId, 'yes!')
  await eventually(
    async () => (await run(cy.dataDir, 'history', 'Lunch club')).includes('Bo → #Lunch club'),
    'Cy sees Bo’s reply, named',
  )
  assert.match(
    await run(cy.dataDir, 'history', `group:${groupId}`),
    /Ada → #Lunch club {2}\[delivered\/lan\] {2}noodles at noon\?/,
  )

  await run(ada.dataDir, 'group', 'rename', groupId, 'Dinner', 'club')
  await eventually(
    async () => (await run(bo.dataDir, 'group', 'list')).includes('Dinner club  member  v2'),
    'Bo sees the new name',
  )

  // Bo is a member, not an admin: one line, non-zero
  const refused = await pigeon('group', 'remove', 'Dinner club', 'Cy', '--data', bo.dataDir)
  assert.notEqual(refused.code, 0)
  assert.match(
    refused.stderr,
    /^pigeon: This group change is not allowed: only the owner or an admin changes a group; a member may only leave\. \[GROUP_NOT_AUTHORIZED\]\n$/,
  )
  const ownerLeaves = await pigeon('group', 'leave', 'Dinner club', '--data', ada.dataDir)
  assert.match(ownerLeaves.stderr, /^pigeon: You own group "Dinner club"/)
  // a schema refusal of the API, in words about the field (app/api/schema-errors.ts)
  const unnamed = await pigeon('group', 'create', '', 'Bo', '--data', ada.dataDir)
  assert.notEqual(unnamed.code, 0)
  assert.match(
    unnamed.stderr,
    /^pigeon: The group name is empty: give text of 1–\d+ characters\. \[API_BAD_REQUEST\]\n$/,
  )
  const unknown = await pigeon('group', 'send', 'Breakfast', 'hi', '--data', ada.dataDir)
  assert.equal(
    unknown.stderr,
    'pigeon: No group of yours is called "Breakfast"; `pigeon group list` shows your groups. [GROUP_UNKNOWN]\n',
  )

  await run(ada.dataDir, 'group', 'remove', 'Dinner club', 'Cy')
  await eventually(
    async () => (await run(cy.dataDir, 'group', 'list')).includes('Dinner club  left'),
    'Cy is told',
  )
  const closed = await pigeon('group', 'send', 'Dinner club', 'hello?', '--data', cy.dataDir)
  assert.match(closed.stderr, /^pigeon: You are no longer in group "Dinner club"/)
  await run(ada.dataDir, 'group', 'add', 'Dinner club', 'Cy')
  await eventually(
    async () => (await run(cy.dataDir, 'group', 'list')).includes('Dinner club  member  v4'),
    'Cy is back',
  )
  await run(bo.dataDir, 'group', 'leave', 'Dinner club')
  await eventually(async () => {
    const [g] = await pigeonJson<GroupView[]>('group', 'list', '--json', '--data', ada.dataDir)
    return g?.members.length === 2 && !g.members.includes(bo.peerId)
  }, 'Ada sees Bo leave')
  assert.match(
    await run(bo.dataDir, 'history', groupId),
    /noodles at noon\?/,
    'the history stays with Bo',
  )
})
