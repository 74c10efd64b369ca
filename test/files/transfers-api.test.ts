// Transfers through the local API over real HTTP and WebSocket: two whole nodes (startNode: real
// store, real LAN nodes on 127.0.0.1, mDNS off), each driven only by its ApiClient. Every view
// and event is checked against the method table's schemas.
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { isPigeonError } from '../../shared/errors.js'
import { tempDataDir } from '../app/support/cli.js'
import { until } from '../app/support/wait.js'
import { randomFile, sha256File } from './harness.js'
import { startNode } from '../../app/node/start-node.js'
import type { MessengerEvent, TransferView } from '../../app/api/contract.js'
import { connectToDataDir } from '../../app/api/discover.js'
import { EVENTS, METHODS } from '../../app/api/methods.js'
import { compileSchema } from '../../app/api/validator.js'

const base = { mdns: false, listenHost: '127.0.0.1' }
const validTransfers = compileSchema(METHODS.transfers.result)
const validEvent = compileSchema(EVENTS.transfer)

async function node(t: TestContext, name: string, connect?: string[]) {
  const running = await startNode({ ...base, dataDir: tempDataDir(t, name), name, connect })
  t.after(() => running.stop())
  return { running, client: await connectToDataDir(running.dataDir) }
}

test('sendFiles, transfers, accept, decline, pause, resume and transfer events over HTTP', async (t) => {
  const ada = await node(t, 'Ada')
  const bo = await node(t, 'Bo', ada.running.addresses())
  await until(() => ada.running.messenger.peer(bo.running.peerId)?.online.length === 1, 'online')
  const dir = await mkdtemp(join(tmpdir(), 'pigeon-api-files-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const report = join(dir, 'report.bin')
  await randomFile(report, 5 * 1024 * 1024)
  const note = join(dir, 'note.txt')
  await writeFile(note, 'decline me')

  const events: MessengerEvent[] = []
  await bo.client.subscribed((event) => {
    if (event.type === 'transfer') events.push(event)
  })
  const sent = await ada.client.sendFiles('Bo', [report, note])
  assert.deepEqual(
    sent.map((v) => [v.name, v.direction, v.state, v.peer]),
    [
      ['report.bin', 'out', 'offered', bo.running.peerId],
      ['note.txt', 'out', 'offered', bo.running.peerId],
    ],
  )
  await until(() => events.length >= 2, 'two offers reach Bo')
  const listed: TransferView[] = await bo.client.transfers()
  assert.ok(validTransfers(listed))
  assert.deepEqual(
    listed.map((v) => [v.id, v.name, v.size, v.direction, v.state]),
    [
      [sent[0]!.id, 'report.bin', 5 * 1024 * 1024, 'in', 'offered'],
      [sent[1]!.id, 'note.txt', 10, 'in', 'offered'],
    ],
  )
  const history = await bo.client.history(ada.running.peerId)
  assert.deepEqual(
    history.map((m) => [m.kind, m.text]),
    [
      ['file', 'report.bin'],
      ['file', 'note.txt'],
    ],
  )

  const target = join(dir, 'in')
  const accepted = await bo.client.acceptTransfer(sent[0]!.id, target)
  assert.equal(accepted.state, 'transferring')
  assert.equal((await bo.client.pauseTransfer(sent[0]!.id)).state, 'paused')
  assert.equal((await bo.client.resumeTransfer(sent[0]!.id)).state, 'transferring')
  assert.equal((await bo.client.declineTransfer(sent[1]!.id)).state, 'declined')
  await until(
    () => events.some((e) => e.type === 'transfer' && e.transfer.state === 'done'),
    'done',
  )
  assert.ok(events.every((e) => e.type === 'transfer' && validEvent({ transfer: e.transfer })))
  assert.equal(await sha256File(join(target, 'report.bin')), await sha256File(report))
  await until(
    () =>
      ada.running.store.transfers
        .all()
        .map((r) => r.state)
        .join() === 'done,declined',
    'Ada hears done and declined',
  )
  const mine = await ada.client.transfers()
  assert.deepEqual(
    mine.map((v) => [v.state, v.bytesDone]),
    [
      ['done', 5 * 1024 * 1024],
      ['declined', 0],
    ],
  )

  await assert.rejects(
    bo.client.acceptTransfer(sent[1]!.id),
    (e) => isPigeonError(e) && e.code === 'FILE_TRANSFER_STATE',
  )
  await assert.rejects(
    bo.client.cancelTransfer('f'.repeat(32)),
    (e) => isPigeonError(e) && e.code === 'FILE_TRANSFER_UNKNOWN',
  )
  await assert.rejects(
    bo.client.pauseTransfer('not-an-id'),
    (e) => isPigeonError(e) && e.code === 'API_BAD_REQUEST',
  )
})
