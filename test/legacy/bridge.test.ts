// The IPMsg bridge in a real node (startNode, real SQLite, the real API) against a scripted IPMsg
// client on loopback (docs/protocol.md §15): presence, text both ways with RECVMSG as the
// delivered receipt, history and search, and hostile input — malformed, oversized, wrongly
// encoded, a flood, a spoofed BR_EXIT, file entries with ../ or absolute names — after which the
// node still answers. Loopback only: the bridge announces to the client's port, never broadcasts.
import assert from 'node:assert/strict'
import { createSocket, type Socket } from 'node:dgram'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { Mode, Opt } from '../../app/core/legacy/ipmsg-commands.js'
import { readDatagram, type Datagram } from '../../app/core/legacy/ipmsg-datagram.js'
import { formatEntry } from '../../app/core/legacy/ipmsg-entry.js'
import { formatFileEntries } from '../../app/core/legacy/ipmsg-files.js'
import { formatAnsweredNo, formatMessage } from '../../app/core/legacy/ipmsg-message.js'
import { formatPacket } from '../../app/core/legacy/ipmsg-packet.js'
import { legacyPeerId } from '../../app/core/legacy/legacy-id.js'
import { startNode, type RunningNode } from '../../app/node/start-node.js'
import { eventually, until } from '../app/support/wait.js'
import { startLoopbackNode } from './loopback-node.js'

const GBK_NIHAO = [0xc4, 0xe3, 0xba, 0xc3] // 你好

class FakeClient {
  readonly socket: Socket = createSocket('udp4')
  readonly heard: Datagram[] = []
  #no = 1
  constructor(
    readonly user: string,
    readonly host: string,
  ) {
    this.socket.on('message', (bytes) => {
      try {
        this.heard.push(readDatagram(new Uint8Array(bytes)))
      } catch {
        // the test asserts on what it can read
      }
    })
  }
  async bind(): Promise<number> {
    await new Promise<void>((r) => this.socket.bind(0, '127.0.0.1', r))
    return this.socket.address().port
  }
  raw(bytes: Uint8Array | Buffer, port: number): void {
    this.socket.send(bytes, port, '127.0.0.1')
  }
  send(command: number, extra: Uint8Array, port: number, packetNo = this.#no++): number {
    const { user, host } = this
    this.raw(formatPacket({ version: '1', packetNo, user, host, command, extra }), port)
    return packetNo
  }
  close(): void {
    this.socket.close()
  }
}

let dir: string
let node: RunningNode
let port: number
const zhang = new FakeClient('zhang', 'pc-zhang')
const spoofer = new FakeClient('zhang', 'pc-zhang') // same name, another port

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pigeon-ipmsg-'))
  const clientPort = await zhang.bind()
  await spoofer.bind()
  node = await startLoopbackNode(dir, clientPort)
  port = node.ipmsg.port ?? 0
})

after(async () => {
  await node.stop()
  zhang.close()
  spoofer.close()
  rmSync(dir, { recursive: true, force: true })
})

const zhangId = legacyPeerId('zhang', 'pc-zhang')
const peer = async () => (await node.localApi.peers()).find((p) => p.peerId === zhangId)

test('the bridge announces itself with its PeerId, and a GBK entry becomes a legacy peer', async () => {
  await until(() => zhang.heard.some((d) => d.kind === 'entry'), 'the BR_ENTRY of the node')
  const mine = zhang.heard.find((d) => d.kind === 'entry')
  assert.ok(mine?.kind === 'entry' && mine.entry.ext.PI === node.peerId)
  zhang.send(Mode.BR_ENTRY, Uint8Array.from([...GBK_NIHAO, 0, ...GBK_NIHAO, 0]), port)
  await eventually(async () => (await peer())?.online === true, 'zhang online')
  const view = await peer()
  assert.equal(view?.name, '你好')
  assert.equal(view?.legacy, true)
  assert.equal(view?.host, 'pc-zhang')
  assert.equal(view?.group, '你好')
  assert.ok(
    zhang.heard.some((d) => d.kind === 'entry' && d.answer),
    'ANSENTRY',
  )
  // a Pigeon node's entry (PI) is not a second, legacy peer
  const pigeon = new FakeClient('bob', 'pc-bob')
  await pigeon.bind()
  pigeon.send(
    Mode.BR_ENTRY,
    formatEntry({ nickname: 'Bob', group: '', ext: { PI: '12D3KooWxyz' } }),
    port,
  )
  await new Promise((r) => setTimeout(r, 300))
  pigeon.close()
  assert.equal((await node.localApi.peers()).filter((p) => p.legacy === true).length, 1)
})

test('a message to a legacy peer is delivered on its RECVMSG; its own message is stored, then answered', async () => {
  const sent = await node.localApi.send(zhangId, '你好, Zhang 🐦')
  await until(() => zhang.heard.some((d) => d.kind === 'message'), 'SENDMSG at the client')
  const msg = zhang.heard.find((d) => d.kind === 'message')
  assert.ok(msg?.kind === 'message')
  assert.equal(msg.message.text, '你好, Zhang 🐦')
  assert.ok((msg.packet.command & Opt.SENDCHECK) !== 0)
  zhang.send(Mode.RECVMSG, formatAnsweredNo(msg.packet.packetNo), port)
  await eventually(
    async () =>
      (await node.localApi.history(zhangId)).some(
        (m) => m.id === sent.id && m.state === 'delivered',
      ),
    'delivered',
  )
  // READMSG for that packet: the message is read
  zhang.send(Mode.READMSG, formatAnsweredNo(msg.packet.packetNo), port)
  await eventually(
    async () =>
      (await node.localApi.history(zhangId)).some((m) => m.id === sent.id && m.state === 'read'),
    'read',
  )
  // a text over one packet goes as several, each confirmed, nothing cut
  const long = '长'.repeat(4000) // 12,000 bytes of UTF-8
  const before = zhang.heard.length
  const longSent = await node.localApi.send(zhangId, long)
  const pieces: string[] = []
  await until(() => {
    for (const d of zhang.heard.slice(before)) {
      if (d.kind === 'message' && !pieces.includes(`${d.packet.packetNo}`)) {
        pieces.push(`${d.packet.packetNo}`)
        zhang.send(Mode.RECVMSG, formatAnsweredNo(d.packet.packetNo), port)
      }
    }
    return pieces.length === 2
  }, 'two SENDMSGs for the long text')
  const texts = zhang.heard
    .slice(before)
    .flatMap((d) => (d.kind === 'message' ? [d] : []))
    .filter((d, i, all) => all.findIndex((x) => x.packet.packetNo === d.packet.packetNo) === i)
    .map((d) => d.message.text)
  assert.equal(texts.join(''), long)
  await eventually(
    async () =>
      (await node.localApi.history(zhangId)).some(
        (m) => m.id === longSent.id && m.state === 'delivered',
      ),
    'the long text delivered',
  )
  const no = zhang.send(Mode.SENDMSG | Opt.SENDCHECK, Uint8Array.from([...GBK_NIHAO, 0]), port)
  zhang.send(Mode.SENDMSG | Opt.SENDCHECK, Uint8Array.from([...GBK_NIHAO, 0]), port, no) // retransmitted
  await until(
    () => zhang.heard.filter((d) => d.kind === 'recv' && d.answered === no).length === 2,
    'two RECVMSGs',
  )
  const incoming = (await node.localApi.history(zhangId)).filter((m) => m.direction === 'in')
  assert.deepEqual(
    incoming.map((m) => m.text),
    ['你好'],
  )
  assert.equal((await node.localApi.conversations()).find((c) => c.id === zhangId)?.unread, 1)
})

test('a sealed message (SECRETOPT) gets a READMSG once it is read in Pigeon; an unsealed one none', async () => {
  const plain = zhang.send(Mode.SENDMSG | Opt.SENDCHECK, formatMessage('plain'), port)
  const sealed = zhang.send(
    Mode.SENDMSG | Opt.SENDCHECK | Opt.SECRET | Opt.READCHECK,
    formatMessage('sealed'),
    port,
  )
  await until(
    () => zhang.heard.some((d) => d.kind === 'recv' && d.answered === sealed),
    'RECVMSG of the sealed one',
  )
  assert.ok(!zhang.heard.some((d) => d.kind === 'read'), 'no READMSG before the user reads it')
  await node.localApi.markRead(zhangId)
  await until(
    () => zhang.heard.some((d) => d.kind === 'read' && d.answered === sealed),
    'READMSG for the sealed message',
  )
  assert.ok(
    !zhang.heard.some((d) => d.kind === 'read' && d.answered === plain),
    'none for the unsealed one',
  )
})

test('hostile input is dropped and the node goes on', async () => {
  const junk = [
    Buffer.from('1:2:zhang:pc-zhang:32'), // truncated
    Buffer.from('1:x:zhang:pc-zhang:32:hi\0'),
    Buffer.concat([Buffer.from('1:3:zhang:pc-zhang:32:'), Buffer.from([0xff, 0xff, 0xff, 0])]), // no encoding
    Buffer.alloc(20_000, 0x31), // oversized
  ]
  for (const bytes of junk) zhang.raw(bytes, port)
  // file entries with ../ and an absolute path are refused; the safe one becomes a file offer
  const files = formatFileEntries([
    { fileId: 1, name: '../evil.sh', size: 3, mtime: 0, attr: 1 },
    { fileId: 2, name: '/etc/passwd', size: 3, mtime: 0, attr: 1 },
    { fileId: 3, name: 'report.pdf', size: 3, mtime: 0, attr: 1 },
  ])
  const no = zhang.send(
    Mode.SENDMSG | Opt.SENDCHECK | Opt.FILEATTACH,
    formatMessage('files', files),
    port,
  )
  await until(
    () => zhang.heard.some((d) => d.kind === 'recv' && d.answered === no),
    'RECVMSG for files',
  )
  const last = (await node.localApi.history(zhangId)).at(-1)
  assert.ok(last?.text?.includes('report.pdf'))
  assert.ok(!last?.text?.includes('evil') && !last?.text?.includes('passwd'))
  // a spoofed BR_EXIT from another port is ignored; the real one is taken
  spoofer.send(Mode.BR_EXIT, new Uint8Array([0]), port)
  await new Promise((r) => setTimeout(r, 300))
  assert.equal((await peer())?.online, true)
  // a flood from one address: the rate limit drops most, the node still answers afterwards
  for (let i = 0; i < 2000; i++) zhang.send(Mode.SENDMSG, formatMessage(`flood ${i}`), port)
  await new Promise((r) => setTimeout(r, 3_500)) // the bucket refills
  const after = zhang.send(Mode.SENDMSG | Opt.SENDCHECK, formatMessage('still here'), port)
  await until(
    () => zhang.heard.some((d) => d.kind === 'recv' && d.answered === after),
    'RECVMSG after the flood',
  )
  const stored = (await node.localApi.history(zhangId, { limit: 500 })).filter((m) =>
    m.text?.startsWith('flood'),
  )
  assert.ok(stored.length < 200, `${stored.length} flood messages stored`)
  zhang.send(Mode.BR_EXIT, new Uint8Array([0]), port)
  await eventually(
    async () => (await peer())?.online === false,
    'zhang offline after its own BR_EXIT',
  )
  assert.equal((await peer())?.legacy, true) // still known, its history kept
})

test('UDP port taken by another IP Messenger: the node starts, the bridge stays off', async () => {
  const other = new FakeClient('other', 'pc')
  const taken = await other.bind()
  const otherDir = mkdtempSync(join(tmpdir(), 'pigeon-ipmsg-taken-'))
  try {
    const second = await startNode({
      dataDir: otherDir,
      listenHost: '127.0.0.1',
      mdns: false,
      ipmsg: { enabled: true, port: taken, host: '127.0.0.1', announceTo: [] },
    })
    assert.equal(second.ipmsg.running, false)
    assert.ok((await second.localApi.me()).peerId.length > 0, 'the node answers')
    await second.stop()
  } finally {
    other.close()
    rmSync(otherDir, { recursive: true, force: true })
  }
})

test('--ipmsg / --no-ipmsg are remembered; without either the bridge is off', async () => {
  const home = mkdtempSync(join(tmpdir(), 'pigeon-ipmsg-setting-'))
  const where = { port: 0, host: '127.0.0.1', announceTo: [] }
  const runs = async (enabled?: boolean): Promise<boolean> => {
    const n = await startNode({
      dataDir: home,
      listenHost: '127.0.0.1',
      mdns: false,
      ipmsg: { ...where, enabled },
    })
    const running = n.ipmsg.running
    await n.stop()
    return running
  }
  try {
    assert.equal(await runs(), false, 'off by default')
    assert.equal(await runs(true), true)
    assert.equal(await runs(), true, 'remembered on')
    assert.equal(await runs(false), false)
    assert.equal(await runs(), false, 'remembered off')
  } finally {
    rmSync(home, { recursive: true, force: true })
  }
})
