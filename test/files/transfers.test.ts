// Transfers through the whole node (startNode in-process: real store, real LAN nodes on 127.0.0.1,
// mDNS off): an offer queued by sendFiles reaches the peer through the outbox, shows as a file
// message and an 'offered' transfer; accept pulls it into the chosen dir and the sender learns
// done or declined (CLOSE, docs/protocol.md §11); pause/resume, and a receiver restart in the middle of a pull (it resumes at start and completes).
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import type { TransferRow } from '../../app/core/store/index.js'
import { startNode, type RunningNode } from '../../app/node/start-node.js'
import { tempDataDir } from '../app/support/cli.js'
import { eventually, until } from '../app/support/wait.js'
import { listTree, randomFile, sha256File } from './harness.js'

const base = { mdns: false, listenHost: '127.0.0.1' }
const MiB = 1024 * 1024

async function tempDir(t: TestContext, name: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), `pigeon-transfers-${name}-`))
  t.after(() => rm(dir, { recursive: true, force: true }))
  return dir
}

function transferOf(node: RunningNode, id: Uint8Array): TransferRow | undefined {
  return node.store.transfers.get(id)
}

async function pair(t: TestContext): Promise<{ ada: RunningNode; bo: RunningNode; boDir: string }> {
  const ada = await startNode({ ...base, dataDir: tempDataDir(t, 'ada'), name: 'Ada' })
  t.after(() => ada.stop())
  const boDir = tempDataDir(t, 'bo')
  const bo = await startNode({ ...base, dataDir: boDir, name: 'Bo', connect: ada.addresses() })
  t.after(() => bo.stop())
  await until(() => ada.messenger.peer(bo.peerId)?.online.includes('lan') === true, 'Ada sees Bo')
  return { ada, bo, boDir }
}

test('a file and a folder offered, listed, accepted and verified; a decline is stored', async (t) => {
  const { ada, bo } = await pair(t)
  const source = await tempDir(t, 'source')
  const file = join(source, 'report.bin')
  await randomFile(file, 3 * MiB + 17)
  const folder = join(source, 'photos')
  await mkdir(join(folder, 'empty'), { recursive: true })
  await writeFile(join(folder, '北京.txt'), 'hello')
  const declined = join(source, 'unwanted.txt')
  await writeFile(declined, 'no thanks')

  const sent = await ada.messenger.transfers.send(bo.peerId, [file, folder, declined])
  assert.deepEqual(
    sent.map((r) => [r.name, r.direction, r.state]),
    [
      ['report.bin', 'out', 'offered'],
      ['photos', 'out', 'offered'],
      ['unwanted.txt', 'out', 'offered'],
    ],
  )
  await until(() => sent.every((r) => transferOf(bo, r.id) !== undefined), 'the offers reach Bo')
  const history = bo.messenger.history(ada.peerId)
  assert.deepEqual(
    history.map((m) => [m.kind, m.text, m.direction]),
    [
      ['file', 'report.bin', 'in'],
      ['file', 'photos', 'in'],
      ['file', 'unwanted.txt', 'in'],
    ],
  )
  assert.equal(transferOf(bo, sent[0]!.id)?.size, 3 * MiB + 17)

  const target = await tempDir(t, 'target')
  const events: string[] = []
  bo.messenger.on('transfer', (view) => events.push(view.state))
  await bo.messenger.transfers.accept(sent[0]!.id, target)
  await bo.messenger.transfers.accept(sent[1]!.id, target)
  bo.messenger.transfers.decline(sent[2]!.id)
  await until(
    () => [0, 1].every((i) => transferOf(bo, sent[i]!.id)?.state === 'done'),
    'both transfers are done',
    30_000,
  )
  assert.equal(await sha256File(join(target, 'report.bin')), await sha256File(file))
  assert.deepEqual(await listTree(join(target, 'photos')), await listTree(folder))
  assert.equal(transferOf(bo, sent[0]!.id)?.bytesDone, 3 * MiB + 17)
  assert.equal(transferOf(bo, sent[2]!.id)?.state, 'declined')
  assert.ok(events.includes('transferring') && events.includes('done'), events.join(','))
  // Bo's CLOSE frames: Ada sees the outcomes and serves none of them any more
  await until(
    () => sent.map((r) => transferOf(ada, r.id)?.state).join() === 'done,done,declined',
    'Ada sees done, done, declined',
  )
  const offered = ada.store.db.prepare('SELECT count(*) AS n FROM file_offers').get() as {
    n: number
  }
  assert.equal(offered.n, 0)
  await assert.rejects(
    bo.messenger.transfers.accept(sent[2]!.id, target),
    (e: Error & { code?: string }) => e.code === 'FILE_TRANSFER_STATE',
  )
})

test('pause keeps the partial data, resume completes; a receiver restarted mid-pull resumes at start', async (t) => {
  const { ada, bo, boDir } = await pair(t)
  const source = await tempDir(t, 'big')
  const file = join(source, 'big.bin')
  await randomFile(file, 24 * MiB)
  const second = join(source, 'second.bin')
  await randomFile(second, 24 * MiB)
  const [one, two] = await ada.messenger.transfers.send(bo.peerId, [file, second])
  await until(() => transferOf(bo, two!.id) !== undefined, 'the offers reach Bo')
  const target = await tempDir(t, 'target')

  // paused while it runs (accept returns with the pull started), then resumed
  await bo.messenger.transfers.accept(one!.id, target)
  const paused = await bo.messenger.transfers.pause(one!.id)
  assert.equal(paused.state, 'paused')
  assert.equal(transferOf(bo, one!.id)?.state, 'paused')
  await bo.messenger.transfers.resume(one!.id)
  await until(() => transferOf(bo, one!.id)?.state === 'done', 'the paused one completes', 60_000)
  assert.equal(await sha256File(join(target, 'big.bin')), await sha256File(file))

  // Bo stops while the second pull runs: it stays 'transferring' and resumes at the next start
  await bo.messenger.transfers.accept(two!.id, target)
  await bo.stop()
  const again = await startNode({ ...base, dataDir: boDir, connect: ada.addresses() })
  t.after(() => again.stop())
  assert.equal(transferOf(again, two!.id)?.state, 'transferring')
  await eventually(
    async () => transferOf(again, two!.id)?.state === 'done',
    'the resumed pull completes',
  )
  assert.equal(await sha256File(join(target, 'second.bin')), await sha256File(second))
})

test('a CLOSE from a peer the transfer was not offered to changes nothing', async (t) => {
  const { ada, bo } = await pair(t)
  const cy = await startNode({ ...base, dataDir: tempDataDir(t, 'cy'), connect: ada.addresses() })
  t.after(() => cy.stop())
  const source = await tempDir(t, 'close')
  const file = join(source, 'private.txt')
  await writeFile(file, 'for Bo only')
  const [sent] = await ada.messenger.transfers.send(bo.peerId, [file])
  await until(() => transferOf(bo, sent!.id) !== undefined, 'the offer reaches Bo')
  await until(() => ada.messenger.peer(cy.peerId)?.online.length === 1, 'Ada sees Cy')

  // Cy learned the id somehow and claims to have declined it
  await cy.lan.files!.close(ada.peerId, sent!.id, 'declined')
  const target = await tempDir(t, 'target')
  await bo.messenger.transfers.accept(sent!.id, target)
  await until(() => transferOf(bo, sent!.id)?.state === 'done', 'Bo still gets it')
  await until(() => transferOf(ada, sent!.id)?.state === 'done', 'Ada hears done, from Bo')
})
