// Two hosts on one LAN (network namespaces, veth + bridge), each peer its own process
// (file-peer.ts), moving real files over the data channel (docs/protocol.md §13): a 200 MiB file
// and a folder (nested, 2,000 small files, an empty directory, Chinese and emoji names) arrive
// with equal hashes; the receiver or the sender killed with SIGKILL at half and restarted (same
// identity and store), or the link cut and restored, and the transfer resumes from what is
// verified on disk: at most 2 chunks are sent twice, and the file is correct.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LIMITS } from '../../shared/limits.js'
import { createLan, type Lan } from '../support/netns.js'
import { PeerProcess } from '../support/peer-process.js'
import { listTree, randomFile, sha256File } from './harness.js'

const MiB = 1024 * 1024
const RESUME_SIZE = 48 * MiB
let lan: Lan
let dir: string
const processes: PeerProcess[] = []
let receiver: { peer: PeerProcess; id: string }

before(async () => {
  lan = await createLan({ hosts: 2 })
  dir = await mkdtemp(join(tmpdir(), 'pigeon-lan-hosts-'))
  receiver = await start(1, { port: 7711 })
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

/** the receiver's next report that it is half way (file-peer.ts `abortAt`) */
function nextProgress(): Promise<unknown> {
  const from = receiver.peer.lines.length
  return receiver.peer.waitFor(
    (e) => e.event === 'progress' && receiver.peer.lines.indexOf(e) >= from,
    60_000,
    'half way',
  )
}

/** a random RESUME_SIZE file, and a sender on host 0 that offered it to `to` */
async function offered(
  name: string,
  senderArgs: { port: number },
  to = receiver.id,
): Promise<{ source: string; sender: { peer: PeerProcess; id: string }; envelope: unknown }> {
  const source = join(dir, name)
  await randomFile(source, RESUME_SIZE)
  const sender = await start(0, senderArgs)
  const { envelope } = await sender.peer.request('offer', { peer: to, path: source })
  return { source, sender, envelope }
}

const addrOf = (port: number, id: string): string =>
  `/ip4/${lan.hosts[0]!.address}/tcp/${port}/p2p/${id}`

async function pull(
  sender: { id: string },
  port: number,
  envelope: unknown,
  target: string,
  extra: object = {},
): Promise<{ path: string; bytesReceived: number }> {
  const reply = await receiver.peer.request(
    'receive',
    { from: sender.id, addr: addrOf(port, sender.id), envelope, target, ...extra },
    120_000,
  )
  return { path: String(reply.path), bytesReceived: Number(reply.bytesReceived) }
}

test('a 200 MiB file and a folder of 2,000 files with an empty directory and Chinese and emoji names arrive equal, over a data channel', async () => {
  const sender = await start(0, { port: 7710 })
  try {
    const file = join(dir, 'video 视频 🎬.mp4')
    await randomFile(file, 200 * MiB)
    const { envelope } = await sender.peer.request('offer', { peer: receiver.id, path: file })
    const got = await pull(sender, 7710, envelope, join(dir, 'in-file'))
    assert.equal(await sha256File(got.path), await sha256File(file))
    assert.equal(got.bytesReceived, 200 * MiB)
    await rm(file)
    await rm(got.path)

    const folder = join(dir, '照片 🎉')
    for (let i = 0; i < 2000; i++) {
      const sub = join(folder, `子目录-${i % 10}`, i % 3 === 0 ? '更深 🐦' : '')
      await mkdir(sub, { recursive: true })
      await writeFile(join(sub, `文件 ${i} ✅.txt`), `file ${i} `.repeat(i % 50))
    }
    await mkdir(join(folder, '空的 📂'))
    const offered = await sender.peer.request('offer', { peer: receiver.id, path: folder })
    const tree = await pull(sender, 7710, offered.envelope, join(dir, 'in-folder'))
    assert.equal(tree.path, join(dir, 'in-folder', '照片 🎉'))
    assert.deepEqual(await listTree(tree.path), await listTree(folder))
    assert.ok((await listTree(tree.path)).includes('空的 📂/'))
    assert.equal(
      Number((await sender.peer.request('counters')).channels),
      2,
      'each transfer ran on its own data channel',
    )
  } finally {
    sender.peer.kill()
  }
})

test('the sender killed with SIGKILL at half and restarted: the receiver resumes from what it verified on disk', async () => {
  const senderArgs = { port: 7712, identityFile: join(dir, 'a.key'), dbFile: join(dir, 'a.db') }
  const { source, sender, envelope } = await offered('source.bin', senderArgs)
  const target = join(dir, 'in-killed')
  const half = nextProgress()
  const first = pull(sender, 7712, envelope, target, { abortAt: 0.5 }).then(
    () => assert.fail('the transfer cannot finish without its sender'),
    (error: unknown) => error,
  )
  await half
  sender.peer.kill('SIGKILL')
  await sender.peer.exited
  assert.match(String(await first), /receive failed/)
  const written = Number((await receiver.peer.request('last-progress')).bytesDone)
  assert.ok(written >= RESUME_SIZE / 2, `${written} bytes were written before the kill`)

  const again = await start(0, senderArgs)
  assert.equal(again.id, sender.id, 'the same identity, and its offer table, after the restart')
  try {
    const resumed = await pull(again, 7712, envelope, target)
    assert.equal(await sha256File(resumed.path), await sha256File(source))
    // everything written before the kill was kept: only what the dead sender had in flight
    // (at most the credit, 2 chunks) and what it never sent is sent again
    assert.ok(
      resumed.bytesReceived <= RESUME_SIZE - written,
      `the resume pulled ${resumed.bytesReceived} bytes; ${written} were on disk`,
    )
    assert.equal(Number((await again.peer.request('counters')).bytesSent), resumed.bytesReceived)
  } finally {
    again.peer.kill()
  }
})

test('the link cut at half and restored: the transfer completes, at most 2 chunks sent twice', async () => {
  const { source, sender, envelope } = await offered('cut.bin', { port: 7713 })
  try {
    const target = join(dir, 'in-cut')
    const half = nextProgress()
    const first = pull(sender, 7713, envelope, target, { abortAt: 0.5 }).catch(() => undefined)
    await half
    await lan.cutLink(lan.hosts[1]!)
    await new Promise((resolve) => setTimeout(resolve, 1500))
    await lan.restoreLink(lan.hosts[1]!)
    // the connection survives a short cut (TCP retransmits); if it did not, pull again: resume
    const done = (await first) ?? (await pull(sender, 7713, envelope, target))
    assert.equal(await sha256File(done.path), await sha256File(source))
    const sent = Number((await sender.peer.request('counters')).bytesSent)
    assert.ok(
      sent - RESUME_SIZE <= 2 * LIMITS.fileChunkBytes,
      `${sent - RESUME_SIZE} bytes sent twice`,
    )
  } finally {
    sender.peer.kill()
  }
})

test('the receiver killed with SIGKILL at half resumes after its restart; at most 2 chunks are re-sent', async () => {
  const receiverArgs = { port: 7715, identityFile: join(dir, 'b.key'), dbFile: join(dir, 'b.db') }
  const b = await start(1, receiverArgs)
  const { source, sender: a, envelope } = await offered('receiver-kill.bin', { port: 7714 }, b.id)
  const addr = `/ip4/${lan.hosts[0]!.address}/tcp/7714/p2p/${a.id}`
  const target = join(dir, 'in-receiver-killed')
  // written to its stdin rather than request()ed: no reply will come, and no timer should wait for one
  b.peer.child.stdin!.write(
    `${JSON.stringify({ req: 0, cmd: 'receive', from: a.id, addr, envelope, target, abortAt: 0.5 })}\n`,
  )
  await b.peer.waitForEvent('progress', undefined, 30_000)
  b.peer.kill('SIGKILL')
  await b.peer.exited
  const sentAtKill = Number((await a.peer.request('counters')).bytesSent)
  assert.ok(
    sentAtKill >= RESUME_SIZE / 2 && sentAtKill < RESUME_SIZE,
    `sent ${sentAtKill} bytes before the kill`,
  )

  const again = await start(1, receiverArgs)
  assert.equal(again.id, b.id, 'the same identity')
  const resumed = await again.peer.request('receive', { from: a.id, addr, envelope, target })
  assert.equal(await sha256File(String(resumed.path)), await sha256File(source))
  const resent = Number((await a.peer.request('counters')).bytesSent) - RESUME_SIZE
  assert.ok(resent >= 0 && resent <= 2 * LIMITS.fileChunkBytes, `re-sent ${resent} bytes`)
  assert.ok(
    Number(resumed.bytesReceived) < RESUME_SIZE / 2 + 3 * LIMITS.fileChunkBytes,
    'the restart pulled only what was missing',
  )
})
