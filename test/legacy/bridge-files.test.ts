// Files and folders both ways between a real node (startNode, SQLite, the local API) and our own
// IP Messenger client (test/legacy/ipmsg-file-peer.ts) over real UDP and TCP on loopback
// (docs/protocol.md §15 "Files"): an attachment becomes a file offer that accept pulls with
// GETFILEDATA / GETDIRFILES and decline answers with RELEASEFILES; Pigeon's own file and folder go
// out as SENDMSG|FILEATTACHOPT and are served on TCP, from an offset when asked, and only to the
// address and packet they were offered under, with connections per source bounded; TCP 2425 taken
// leaves the bridge up. Hostile streams — `../`, an absolute name, an
// oversized header, a cut connection — fail the transfer with their code and write nothing
// outside the target.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs'
import { connect, createServer, type AddressInfo, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import type { TransferView } from '../../app/api/contract.js'
import { FileType, Mode } from '../../app/core/legacy/ipmsg-commands.js'
import {
  formatDirRecord,
  parseDirRecord,
  RETURN_TO_PARENT,
  type DirRecord,
} from '../../app/core/legacy/ipmsg-dir-records.js'
import { parseFileEntries } from '../../app/core/legacy/ipmsg-files.js'
import { formatAnsweredNo } from '../../app/core/legacy/ipmsg-message.js'
import { legacyPeerId } from '../../app/core/legacy/legacy-id.js'
import type { RunningNode } from '../../app/node/start-node.js'
import { eventually, until } from '../app/support/wait.js'
import { startLoopbackNode } from './loopback-node.js'
import { IpmsgFilePeer } from './ipmsg-file-peer.js'

let dir: string
let node: RunningNode
let port: number
const li = new IpmsgFilePeer('li', 'pc-li')
const liId = legacyPeerId('li', 'pc-li')
const report = randomBytes(300_000) // several socket reads
const notes = Buffer.from('会议纪要：周五发布\n')

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pigeon-ipmsg-files-'))
  const clientPort = await li.start()
  node = await startLoopbackNode(dir, clientPort)
  port = node.ipmsg.port ?? 0
  li.enter(port)
  await eventually(
    async () => (await node.localApi.peers()).some((p) => p.peerId === liId && p.online),
    'li online',
  )
})

after(async () => {
  await node.stop()
  li.close()
  rmSync(dir, { recursive: true, force: true })
})

const record = (name: string, attr: number, size = 0): Uint8Array =>
  formatDirRecord({ name, size, attr })
const fileRecord = (name: string, bytes: Buffer): Buffer =>
  Buffer.concat([record(name, FileType.REGULAR, bytes.length), bytes])
const up = (): Uint8Array => formatDirRecord(RETURN_TO_PARENT)

/** li offers one item; its transfer as Pigeon shows it, once offered */
async function offered(
  name: string,
  size: number,
  folder: boolean,
  bytes: () => Uint8Array,
): Promise<{ view: TransferView; packetNo: number }> {
  const attr = folder ? FileType.DIR : FileType.REGULAR
  const packetNo = li.offer(
    port,
    '',
    [{ fileId: 7, name, size, mtime: 1_700_000_000, attr }],
    bytes,
  )
  let view: TransferView | undefined
  await eventually(async () => {
    view = (await node.localApi.transfers()).find((t) => t.name === name && t.state === 'offered')
    return view !== undefined
  }, `the offer of ${name}`)
  return { view: view!, packetNo }
}

async function settled(id: string): Promise<TransferView> {
  let view: TransferView | undefined
  await eventually(async () => {
    view = (await node.localApi.transfers()).find((t) => t.id === id)
    return view?.state === 'done' || view?.state === 'failed'
  }, `transfer ${id} done or failed`)
  return view!
}

test('an IPMsg file and a folder with a nested one become offers; accept pulls them byte for byte', async () => {
  const target = mkdtempSync(join(dir, 'dl-'))
  const text = li.offer(port, '给你两个附件', [], () => new Uint8Array())
  await until(() => li.heard.some((d) => d.kind === 'recv' && d.answered === text), 'RECVMSG')
  const file = await offered('报告.bin', report.length, false, () => report)
  assert.equal(file.view.direction, 'in')
  assert.equal(file.view.peer, liId)
  await node.localApi.acceptTransfer(file.view.id, target)
  const done = await settled(file.view.id)
  assert.equal(done.state, 'done', done.error ?? '')
  assert.deepEqual(readFileSync(join(target, '报告.bin')), report)
  const asked = li.requests.at(-1)
  assert.equal(asked?.folder, false)
  assert.equal(asked?.packetNo, file.packetNo)
  assert.equal(asked?.fileId, 7)
  assert.equal(asked?.offset, 0)

  const folder = await offered('资料', report.length + notes.length, true, () =>
    Buffer.concat([
      record('资料', FileType.DIR),
      fileRecord('纪要 第一版.txt', notes),
      record('子目录', FileType.DIR),
      fileRecord('报告.bin', report),
      up(),
      up(),
    ]),
  )
  await node.localApi.acceptTransfer(folder.view.id, target)
  const got = await settled(folder.view.id)
  assert.equal(got.state, 'done', got.error ?? '')
  assert.equal(li.requests.at(-1)?.folder, true)
  assert.deepEqual(readFileSync(join(target, '资料', '纪要 第一版.txt')), notes)
  assert.deepEqual(readFileSync(join(target, '资料', '子目录', '报告.bin')), report)
  assert.deepEqual(readdirSync(join(target, '.pigeon-partial')), [], 'no partial data left')
})

test('declining an IPMsg offer sends RELEASEFILES for its packet', async () => {
  const { view, packetNo } = await offered('不要.txt', 3, false, () => Buffer.from('abc'))
  await node.localApi.declineTransfer(view.id)
  await until(
    () => li.heard.some((d) => d.kind === 'release' && d.answered === packetNo),
    'RELEASEFILES',
  )
})

test('hostile folder streams and a cut connection fail the transfer; nothing lands outside the target', async () => {
  const root = mkdtempSync(join(dir, 'hostile-'))
  const target = join(root, 'inbox')
  mkdirSync(target)
  const cases: Array<[string, () => Uint8Array, string]> = [
    [
      'upward',
      () => Buffer.concat([record('upward', FileType.DIR), fileRecord('../evil.sh', notes), up()]),
      'FILE_PATH_TRAVERSAL',
    ],
    [
      'absolute',
      () =>
        Buffer.concat([record('absolute', FileType.DIR), fileRecord('/tmp/evil.sh', notes), up()]),
      'FILE_PATH_ABSOLUTE',
    ],
    [
      'huge-header',
      () => Buffer.concat([Buffer.from('ffff:x:0:2:'), Buffer.alloc(100, 0x41)]),
      'IPMSG_MALFORMED',
    ],
    [
      'overfull',
      () => Buffer.concat([record('overfull', FileType.DIR), fileRecord('a.bin', report), up()]),
      'FILE_TOO_MANY_BYTES',
    ],
  ]
  for (const [name, bytes, code] of cases) {
    const { view } = await offered(name, 10, true, bytes)
    await node.localApi.acceptTransfer(view.id, target)
    const got = await settled(view.id)
    assert.equal(got.state, 'failed', name)
    assert.ok(got.error?.startsWith(code), `${name}: ${got.error}`)
  }
  // a file whose connection is cut halfway fails and can be run again; the retry asks from 0
  let cut = true
  const { view } = await offered('半截.bin', report.length, false, () => {
    const whole = !cut
    cut = false
    return whole ? report : report.subarray(0, report.length / 2)
  })
  await node.localApi.acceptTransfer(view.id, target)
  const first = await settled(view.id)
  assert.equal(first.state, 'failed')
  assert.ok(first.error?.startsWith('FILE_TRANSFER_FAILED'), first.error ?? '')
  assert.ok(!existsSync(join(target, '半截.bin')))
  await node.localApi.resumeTransfer(view.id)
  const second = await settled(view.id)
  assert.equal(second.state, 'done', second.error ?? '')
  assert.equal(li.requests.at(-1)?.offset, 0)
  assert.deepEqual(readFileSync(join(target, '半截.bin')), report)
  assert.deepEqual(readdirSync(root), ['inbox'], 'nothing written beside the target')
  assert.deepEqual(readdirSync(target).sort(), ['.pigeon-partial', '半截.bin'])
  assert.ok(!existsSync('/tmp/evil.sh'))
})

test('a file and a folder sent to an IPMsg user are served on TCP, from an offset, only as offered', async () => {
  const src = mkdtempSync(join(dir, 'src-'))
  const file = join(src, '季度报告.bin')
  writeFileSync(file, report)
  const folder = join(src, '项目')
  mkdirSync(join(folder, '图片'), { recursive: true })
  writeFileSync(join(folder, '说明.txt'), notes)
  writeFileSync(join(folder, '图片', 'a.bin'), report.subarray(0, 1000))

  const [sent] = await node.localApi.sendFiles(liId, [file])
  await until(
    () => li.heard.some((d) => d.kind === 'message' && d.files.length > 0),
    'SENDMSG with a file',
  )
  const msg = li.message()
  assert.ok((msg.packet.command & 0x0020_0000) !== 0, 'FILEATTACHOPT')
  assert.deepEqual(
    msg.files.map((f) => [f.fileId, f.name, f.size, f.attr]),
    [[0, '季度报告.bin', report.length, FileType.REGULAR]],
  )
  await eventually(
    async () =>
      (await node.localApi.history(liId)).some(
        (m) => m.state === 'delivered' && m.text === '季度报告.bin',
      ),
    'the offer delivered on RECVMSG',
  )
  // not offered to this address or under this packet: nothing
  const other = await li.fetch(
    port,
    { folder: false, packetNo: msg.packet.packetNo, fileId: 0, offset: 0 },
    '127.0.0.2',
  )
  assert.equal(other.length, 0)
  const wrong = await li.fetch(port, {
    folder: false,
    packetNo: msg.packet.packetNo + 1000,
    fileId: 0,
    offset: 0,
  })
  assert.equal(wrong.length, 0)
  assert.equal((await node.localApi.transfers()).find((t) => t.id === sent!.id)?.state, 'offered')
  const tail = await li.fetch(port, {
    folder: false,
    packetNo: msg.packet.packetNo,
    fileId: 0,
    offset: 1000,
  })
  assert.deepEqual(tail, report.subarray(1000))
  await eventually(
    async () => (await node.localApi.transfers()).find((t) => t.id === sent!.id)?.state === 'done',
    'the sender done once every byte was read',
  )

  await node.localApi.sendFiles(liId, [folder])
  await until(() => li.message().files[0]?.name === '项目', 'SENDMSG with a folder')
  const dirMsg = li.message()
  assert.equal(dirMsg.files[0]?.attr, FileType.DIR)
  assert.equal(dirMsg.files[0]?.size, notes.length + 1000)
  const stream = await li.fetch(port, {
    folder: true,
    packetNo: dirMsg.packet.packetNo,
    fileId: 0,
    offset: 0,
  })
  assert.deepEqual(readRecords(stream), [
    ['项目', 2, ''],
    ['图片', 2, ''],
    ['a.bin', 1, report.subarray(0, 1000).toString('hex')],
    ['.', 3, ''],
    ['说明.txt', 1, notes.toString('hex')],
    ['.', 3, ''],
  ])
  // RELEASEFILES for an offer ends it as declined
  const [third] = await node.localApi.sendFiles(liId, [file])
  await until(
    () => li.heard.filter((d) => d.kind === 'message' && d.files.length > 0).length === 3,
    'a third SENDMSG',
  )
  li.send(Mode.RELEASEFILES, formatAnsweredNo(li.message().packet.packetNo), port)
  await eventually(
    async () =>
      (await node.localApi.transfers()).find((t) => t.id === third!.id)?.state === 'declined',
    'declined on RELEASEFILES',
  )
  assert.ok(parseFileEntries(new Uint8Array()).length === 0)
})

test('connections per source are bounded: a fifth idle one from one address is closed at once', async () => {
  const open = (localAddress: string): Promise<Socket> =>
    new Promise((resolve, reject) => {
      const socket = connect({ host: '127.0.0.1', port, localAddress }, () => resolve(socket))
      socket.once('error', reject)
    })
  const idle = await Promise.all([1, 2, 3, 4].map(() => open('127.0.0.1')))
  try {
    await new Promise((r) => setTimeout(r, 200)) // the server has counted them
    const fifth = await open('127.0.0.1')
    let closed = false
    fifth.once('close', () => (closed = true))
    await until(() => closed, 'the fifth connection from one address closed', 3_000)
    // another address still gets in (and is closed only by its idle timeout, here by us)
    const other = await open('127.0.0.2')
    await new Promise((r) => setTimeout(r, 200))
    assert.equal(other.destroyed, false)
    other.destroy()
  } finally {
    for (const socket of idle) socket.destroy()
  }
})

test('TCP 2425 taken by another program: a warning, and the bridge still runs for texts', async () => {
  const other = createServer()
  await new Promise<void>((r) => other.listen(0, '127.0.0.1', r))
  const taken = (other.address() as AddressInfo).port
  const second = await startLoopbackNode(mkdtempSync(join(dir, 'second-')), li.port, taken)
  try {
    assert.equal(second.ipmsg.port, taken)
    assert.equal(second.ipmsg.running, true)
    const before = li.heard.length
    li.enter(taken)
    await until(
      () => li.heard.slice(before).some((d) => d.kind === 'entry' && d.answer),
      'ANSENTRY',
    )
  } finally {
    await second.stop()
    other.close()
  }
})

/** the records of a GETDIRFILES stream: name, type, the file's bytes in hex */
function readRecords(stream: Buffer): Array<[string, number, string]> {
  const out: Array<[string, number, string]> = []
  let at = 0
  while (at < stream.length) {
    const colon = stream.indexOf(0x3a, at)
    const length = parseInt(stream.subarray(at, colon).toString('latin1'), 16)
    const r: DirRecord = parseDirRecord(stream.subarray(at, at + length))
    at += length
    const bytes =
      (r.attr & 0xff) === FileType.REGULAR ? stream.subarray(at, at + r.size) : Buffer.alloc(0)
    at += bytes.length
    out.push([r.name, r.attr & 0xff, bytes.toString('hex')])
  }
  return out
}
