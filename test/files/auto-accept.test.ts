// The setting files.autoAcceptBytes (app/core/files/transfers.ts): an offer up to that size from
// a peer I have written to is accepted at once into the download dir; a stranger's, or a bigger
// one, waits as offered. Two whole nodes (startNode: real store, real LAN on 127.0.0.1).
import assert from 'node:assert/strict'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { eventually } from '../app/support/wait.js'
import { apiPair } from './api-node.js'

test('small files from someone I wrote to are accepted at once; strangers’ and big ones wait', async (t) => {
  const { ada, bo } = await apiPair(t)
  const dir = await mkdtemp(join(tmpdir(), 'pigeon-auto-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const small = join(dir, 'small.txt')
  const big = join(dir, 'big.bin')
  await writeFile(small, 'a small note')
  await writeFile(big, Buffer.alloc(2 * 1024 * 1024))
  const inbox = join(dir, 'bo-in')
  await bo.client.setSetting('files.downloadDir', inbox)
  await bo.client.setSetting('files.autoAcceptBytes', 1024 * 1024)
  const stateOf = async (id: string) =>
    (await bo.client.transfers()).find((v) => v.id === id)?.state

  // Bo never wrote to Ada: her small file waits
  const [stranger] = await ada.client.sendFiles('Bo', [small])
  await eventually(async () => (await stateOf(stranger!.id)) === 'offered', 'the offer arrives')

  await bo.client.send('Ada', 'send me the notes, please')
  const [known] = await ada.client.sendFiles('Bo', [small])
  const [tooBig] = await ada.client.sendFiles('Bo', [big])
  await eventually(async () => (await stateOf(known!.id)) === 'done', 'accepted by itself')
  assert.equal(await readFile(join(inbox, 'small.txt'), 'utf8'), 'a small note')
  await eventually(async () => (await stateOf(tooBig!.id)) === 'offered', 'the big one arrives')
  assert.equal(await stateOf(stranger!.id), 'offered', 'the earlier one still waits')
})
