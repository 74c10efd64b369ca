// A folder through the relay (docs/protocol.md §12 "In the app": one bundle blob — the index,
// then every file in index order): two whole nodes in this process (startNode: real stores,
// LAN nodes on 127.0.0.1 that never meet, mDNS off) and a real relay process. The folder —
// nested, an empty directory, an empty file, Chinese and emoji names, files that straddle the
// blob's 1 MiB chunks — arrives equal, the relay no longer has the blob, and the sender is done.
import assert from 'node:assert/strict'
import { mkdir, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { test } from 'node:test'
import { decodeEnvelope } from '../../shared/envelope.js'
import { tempDataDir } from '../app/support/cli.js'
import { eventually } from '../app/support/wait.js'
import { listTree, randomFile } from './harness.js'
import { relayHasNoBlob, relayNode, startTestRelay } from './relay-nodes.js'

test('a folder reaches a peer off the LAN through one relay blob, verified and equal', async (t) => {
  const relay = await startTestRelay(t)
  const ada = await relayNode(t, relay, 'Ada')
  const bo = await relayNode(t, relay, 'Bo')
  const dir = tempDataDir(t, 'folder')
  const source = join(dir, '报告 📁')
  await mkdir(join(source, 'deep', '更深'), { recursive: true })
  await mkdir(join(source, '空的 📂'))
  await randomFile(join(source, 'a.bin'), 1_500_000)
  await randomFile(join(source, 'deep', 'b 🐦.bin'), 2 * 1024 * 1024 + 17)
  await writeFile(join(source, 'deep', '更深', '文字.txt'), '你好')
  await writeFile(join(source, 'empty'), '')
  await eventually(
    async () => [ada, bo].every((n) => n.relay.status().state === 'connected'),
    'both on the relay',
  )
  const [sent] = await ada.messenger.transfers.send(bo.peerId, [source])
  const id = sent!.id
  await eventually(async () => bo.store.transfers.get(id)?.state === 'offered', 'offer at Bo')
  const offer = decodeEnvelope(bo.store.transfers.get(id)!.offer)
  assert.ok(offer.kind === 'file-offer' && offer.file.blobId !== undefined, 'a relay blob offer')
  const target = join(dir, 'in')
  await bo.messenger.transfers.accept(id, target)
  await eventually(async () => bo.store.transfers.get(id)?.state === 'done', 'Bo has it')
  assert.deepEqual(await listTree(join(target, '报告 📁')), await listTree(source))
  await eventually(() => relayHasNoBlob(relay), 'the blob is gone from the relay')
  await eventually(async () => ada.store.transfers.get(id)?.state === 'done', 'Ada sees it done')
})
