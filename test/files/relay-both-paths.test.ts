// A relay offer while the LAN comes back (docs/protocol.md §12 "In the app", Both paths): Ada
// sends to Bo while only the relay reaches him (her item goes up as a blob, the offer through the
// relay); Bo then restarts on Ada's LAN and accepts: he pulls it directly, once — one transfer,
// one file message — tells the relay he has it, and the blob is gone; Ada's transfer is done.
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { decodeEnvelope } from '../../shared/envelope.js'
import { tempDataDir } from '../app/support/cli.js'
import { eventually } from '../app/support/wait.js'
import { randomFile, sha256File } from './harness.js'
import { relayHasNoBlob, relayNode, startTestRelay } from './relay-nodes.js'

test('a relay offer accepted once the LAN reaches the sender is pulled directly, once', async (t: TestContext) => {
  const relay = await startTestRelay(t)
  const ada = await relayNode(t, relay, 'Ada')
  const boDir = tempDataDir(t, 'bo')
  const first = await relayNode(t, relay, 'Bo', { dataDir: boDir, keep: true })
  await eventually(
    async () => [ada, first].every((n) => n.relay.status().state === 'connected'),
    'both on the relay',
  )
  const dir = tempDataDir(t, 'files')
  const source = join(dir, 'notes.bin')
  await randomFile(source, 2 * 1024 * 1024 + 3)
  const [sent] = await ada.messenger.sendFiles(first.peerId, [source])
  const id = sent!.id
  await eventually(async () => first.store.transfers.get(id)?.state === 'offered', 'offer at Bo')
  const offer = decodeEnvelope(first.store.transfers.get(id)!.offer)
  assert.ok(offer.kind === 'file-offer' && offer.file.blobId !== undefined, 'a relay blob offer')
  await first.stop()

  const bo = await relayNode(t, relay, 'Bo', { dataDir: boDir, connect: ada.addresses() })
  await eventually(
    async () => bo.messenger.peer(ada.peerId)?.online.includes('lan') === true,
    'Ada on the LAN',
  )
  await bo.messenger.transfers.accept(id, join(dir, 'in'))
  await eventually(async () => bo.store.transfers.get(id)?.state === 'done', 'Bo has it')
  assert.equal(await sha256File(join(dir, 'in', 'notes.bin')), await sha256File(source))
  assert.equal(bo.store.transfers.all().length, 1, 'one transfer')
  assert.deepEqual(
    bo.messenger
      .history(ada.peerId)
      .filter((m) => m.kind === 'file')
      .map((m) => m.text),
    ['notes.bin'],
    'one file message',
  )
  await eventually(() => relayHasNoBlob(relay), 'the blob is gone from the relay')
  await eventually(async () => ada.store.transfers.get(id)?.state === 'done', 'Ada: done')
})
