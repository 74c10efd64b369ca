// A file to a group (docs/protocol.md §12 "In the app"): three whole nodes in this process
// (startNode: real stores, LAN nodes on 127.0.0.1, mDNS off) and a real relay process. Cy is on
// Ada's LAN, Bo only behind the relay. Ada sends one file to the group: Cy pulls it over the LAN
// (the blob is not his to fetch: it is sealed to Bo alone), Bo downloads the one relay blob, each
// gets it once, and Ada's transfer is done when both have it.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { decodeEnvelope } from '../../shared/envelope.js'
import { tempDataDir } from '../app/support/cli.js'
import { eventually } from '../app/support/wait.js'
import { randomFile, sha256File } from './harness.js'
import { relayHasNoBlob, relayNode, startTestRelay } from './relay-nodes.js'

test('a group file reaches a LAN member directly and a remote member through one relay blob, once each', async (t: TestContext) => {
  const relay = await startTestRelay(t)
  const node = (name: string, connect?: string[]) => relayNode(t, relay, name, { connect })
  const ada = await node('Ada')
  const cy = await node('Cy', ada.addresses())
  const bo = await node('Bo')
  await eventually(
    async () => ada.messenger.peer(cy.peerId)?.online.includes('lan') === true,
    'Cy on the LAN',
  )
  await eventually(
    async () => [ada, bo].every((n) => n.relay.status().state === 'connected'),
    'Ada and Bo on the relay',
  )
  const group = await ada.messenger.createGroup('team', [bo.peerId, cy.peerId])
  await eventually(
    async () => [bo, cy].every((n) => n.messenger.groupById(group.groupId)?.joined === true),
    'both joined',
  )

  const dir = tempDataDir(t, 'files')
  const source = join(dir, 'plan.bin')
  await randomFile(source, 3 * 1024 * 1024 + 5)
  const [sent] = await ada.messenger.sendFiles(`group:${group.groupId}`, [source])
  const id = sent!.id
  for (const member of [cy, bo]) {
    await eventually(
      async () => member.store.transfers.get(id)?.state === 'offered',
      'the offer at each member',
    )
    await member.messenger.transfers.accept(id, join(dir, member.peerId))
  }
  const atBo = decodeEnvelope(bo.store.transfers.get(id)!.offer)
  assert.ok(atBo.kind === 'file-offer' && atBo.file.blobId !== undefined, 'Bo got a blob offer')
  for (const member of [cy, bo])
    await eventually(
      async () => member.store.transfers.get(id)?.state === 'done',
      'each member has it',
    )
  for (const member of [cy, bo]) {
    assert.equal(await sha256File(join(dir, member.peerId, 'plan.bin')), await sha256File(source))
    const files = member.messenger
      .history(`group:${group.groupId}`)
      .filter((m) => m.kind === 'file')
    assert.deepEqual(
      files.map((m) => m.text),
      ['plan.bin'],
      'one file message, in the group conversation',
    )
    assert.equal(member.store.transfers.all().length, 1, 'one transfer')
  }
  await eventually(() => relayHasNoBlob(relay), 'the blob is gone from the relay')
  await eventually(async () => ada.store.transfers.get(id)?.state === 'done', 'Ada: done')
})
