// kill -9 of the receiver at about half, in its own process on a namespace LAN (two hosts, one
// bridge): restarted with the same identity and store, it resumes from what verifies on disk —
// the sender sends at most 2 chunks twice — and the file is correct.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LIMITS } from '../../shared/limits.js'
import { createLan, type Lan } from '../support/netns.js'
import { PeerProcess } from '../support/peer-process.js'
import { randomFile, sha256File } from './harness.js'

const SIZE = 32 * 1024 * 1024
let lan: Lan
let dir: string
const processes: PeerProcess[] = []

before(async () => {
  lan = await createLan({ hosts: 2 })
  dir = await mkdtemp(join(tmpdir(), 'pigeon-kill-'))
})

after(async () => {
  for (const peer of processes) peer.kill()
  await lan?.destroy()
  await rm(dir, { recursive: true, force: true })
})

async function start(host: number, args: object): Promise<{ peer: PeerProcess; id: string }> {
  const peer = PeerProcess.start(lan.hosts[host]!, 'test/files/file-peer.ts', args)
  processes.push(peer)
  return { peer, id: String((await peer.waitForEvent('ready', undefined, 30_000)).peerId) }
}

test('the receiver killed with SIGKILL at half resumes after its restart; at most 2 chunks are re-sent', async () => {
  const source = join(dir, 'source.bin')
  await randomFile(source, SIZE)
  const receiverArgs = { port: 7701, identityFile: join(dir, 'b.key'), dbFile: join(dir, 'b.db') }
  const a = await start(0, { port: 7700 })
  const b = await start(1, receiverArgs)
  const addr = `/ip4/${lan.hosts[0]!.address}/tcp/7700/p2p/${a.id}`
  const { envelope } = await a.peer.request('offer', { peer: b.id, path: source })
  const target = join(dir, 'in')
  // written to its stdin rather than request()ed: no reply will come, and no timer should wait for one
  b.peer.child.stdin!.write(
    `${JSON.stringify({ req: 0, cmd: 'receive', from: a.id, addr, envelope, target, abortAt: 0.5 })}\n`,
  )
  await b.peer.waitForEvent('progress', undefined, 30_000)
  b.peer.kill('SIGKILL')
  await b.peer.exited
  const sentAtKill = Number((await a.peer.request('counters')).bytesSent)
  assert.ok(sentAtKill >= SIZE / 2 && sentAtKill < SIZE, `sent ${sentAtKill} bytes before the kill`)

  const again = await start(1, receiverArgs)
  assert.equal(again.id, b.id, 'the same identity')
  const resumed = await again.peer.request('receive', { from: a.id, addr, envelope, target })
  assert.equal(await sha256File(String(resumed.path)), await sha256File(source))
  const resent = Number((await a.peer.request('counters')).bytesSent) - SIZE
  assert.ok(resent >= 0 && resent <= 2 * LIMITS.fileChunkBytes, `re-sent ${resent} bytes`)
  assert.ok(
    Number(resumed.bytesReceived) < SIZE / 2 + 3 * LIMITS.fileChunkBytes,
    'the restart pulled only what was missing',
  )
})
