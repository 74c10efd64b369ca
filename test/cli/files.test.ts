// `pigeon send-file`, `transfers`, `accept`, `decline`, `pause`, `resume` between two real
// `pigeon start` processes (mDNS off, 127.0.0.1, linked with --connect): a 20 MiB file and a
// small folder arrive with equal SHA-256; a decline reaches the sender; a pause and a resume, then
// a kill -9 of the receiver while the pull is running and a restart: it resumes and completes.
// Ada is frozen (SIGSTOP) while Bo pauses, resumes and is killed, so each of those steps happens
// while the pull is running, however fast the machine.
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { listTree, randomFile, sha256File } from '../files/harness.js'
import { pigeon, pigeonJson, startPigeon, tempDataDir } from '../app/support/cli.js'
import { eventually } from '../app/support/wait.js'

interface TransferJson {
  id: string
  peer: string
  name: string
  size: number
  bytes_done: number
  direction: 'in' | 'out'
  state: string
}

async function ok(...args: string[]): Promise<string> {
  const result = await pigeon(...args)
  assert.equal(result.code, 0, `pigeon ${args.join(' ')}: ${result.stderr}`)
  return result.stdout
}

test('files and a folder between two pigeon processes: accept, decline, pause, resume, kill -9', async (t) => {
  const aDir = tempDataDir(t, 'files-ada')
  const bDir = tempDataDir(t, 'files-bo')
  const ada = await startPigeon(t, aDir, ['--name', 'Ada'])
  let bo = await startPigeon(t, bDir, ['--name', 'Bo', '--connect', ada.address])
  t.after(() => {
    ada.child.kill('SIGCONT')
  })
  const source = await mkdtemp(join(tmpdir(), 'pigeon-cli-files-'))
  t.after(() => rm(source, { recursive: true, force: true }))
  const big = join(source, 'big.bin')
  await randomFile(big, 20 * 1024 * 1024)
  const folder = join(source, 'album')
  await mkdir(join(folder, 'nested', 'empty'), { recursive: true })
  await writeFile(join(folder, 'a.txt'), 'alpha')
  await writeFile(join(folder, 'nested', '照片.txt'), 'beta')
  const note = join(source, 'note.txt')
  await writeFile(note, 'decline me')
  await eventually(
    async () =>
      (await pigeonJson<Array<{ online: boolean }>>('peers', '--data', aDir))[0]?.online === true,
    'Ada sees Bo',
  )

  const ids = (await ok('send-file', '--data', aDir, 'Bo', big, folder, note)).trim().split('\n')
  assert.equal(ids.length, 3)
  for (const id of ids) assert.match(id, /^[0-9a-f]{32}$/)
  const [bigId, folderId, noteId] = ids as [string, string, string]
  await eventually(
    async () => (await pigeonJson<TransferJson[]>('transfers', '--data', bDir)).length === 3,
    'Bo lists the three offers',
  )
  const listed = await pigeonJson<TransferJson[]>('transfers', '--data', bDir)
  assert.deepEqual(
    listed.map((x) => [x.id, x.peer, x.name, x.size, x.bytes_done, x.direction, x.state]),
    [
      [bigId, ada.peerId, 'big.bin', 20 * 1024 * 1024, 0, 'in', 'offered'],
      [folderId, ada.peerId, 'album', 9, 0, 'in', 'offered'],
      [noteId, ada.peerId, 'note.txt', 10, 0, 'in', 'offered'],
    ],
  )

  await ok('decline', '--data', bDir, noteId)
  const target = await mkdtemp(join(tmpdir(), 'pigeon-cli-target-'))
  t.after(() => rm(target, { recursive: true, force: true }))
  const accepted = await ok('accept', '--data', bDir, folderId, '--to', target)
  assert.match(accepted, /^done: /m)
  assert.deepEqual(await listTree(join(target, 'album')), await listTree(folder))
  await eventually(async () => {
    const mine = await pigeonJson<TransferJson[]>('transfers', '--data', aDir)
    return mine.map((x) => x.state).join() === 'offered,done,declined'
  }, 'Ada sees the folder done and the note declined')

  // Ada frozen: the pull of big.bin starts but cannot move
  ada.child.kill('SIGSTOP')
  assert.match(
    await ok('accept', '--data', bDir, bigId, '--to', target, '--detach'),
    /transferring/,
  )
  assert.match(await ok('pause', '--data', bDir, bigId), /paused/)
  assert.match(await ok('resume', '--data', bDir, bigId), /transferring/)
  const boPeer = bo.peerId
  bo.child.kill('SIGKILL')
  await bo.exited
  ada.child.kill('SIGCONT')
  bo = await startPigeon(t, bDir, ['--connect', ada.address])
  assert.equal(bo.peerId, boPeer, 'the same Bo after the restart')
  await eventually(async () => {
    const mine = await pigeonJson<TransferJson[]>('transfers', '--data', bDir)
    return mine.find((x) => x.id === bigId)?.state === 'done'
  }, 'the pull resumes after the restart and completes')
  assert.equal(await sha256File(join(target, 'big.bin')), await sha256File(big))
  await eventually(async () => {
    const mine = await pigeonJson<TransferJson[]>('transfers', '--data', aDir)
    return mine.map((x) => x.state).join() === 'done,done,declined'
  }, 'Ada sees big.bin done')
})
