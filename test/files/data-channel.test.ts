// The LAN data channel (docs/protocol.md §13) between real libp2p nodes on loopback: a transfer
// moves over it (AES-256-GCM records on a plain TCP connection keyed on /pigeon/file/1.0.0) and
// arrives verified; a channel that cannot connect falls back to the libp2p stream; and every
// hostile connection — a wrong key, a replayed record, a record cut short, an oversized one, a
// connection from an address that is not the agreed peer — is closed with its code in the log.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createCipheriv, randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { connect as tcpConnect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { peerIdFromString } from '@libp2p/peer-id'
import { pino } from 'pino'
import { isPigeonError } from '../../shared/errors.js'
import { channelKeys } from '../../app/core/files/data-channel-handshake.js'
import {
  channelFrame,
  channelOpenFrame,
  creditFrame,
  decodeControl,
  decodeSenderFrame,
  FILE_PROTOCOL,
} from '../../app/core/files/file-frames.js'
import { FrameDecoder } from '../../app/core/net/framing.js'
import { connect, randomFile, sha256File, startFilePeer, type FilePeer } from './harness.js'

let dir: string
let alice: FilePeer
let bob: FilePeer
let source: string
const logged: Array<{ code?: string; msg: string }> = []

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pigeon-channel-'))
  const log = pino(
    { level: 'info' },
    new Writable({
      write(line: Buffer, _encoding, done) {
        logged.push(JSON.parse(line.toString()) as { code?: string; msg: string })
        done()
      },
    }),
  )
  alice = await startFilePeer({ files: { log } })
  bob = await startFilePeer()
  await connect(bob, alice)
  source = join(dir, 'source.bin')
  await randomFile(source, 8 * 1024 * 1024 + 12345)
})

after(async () => {
  await bob?.stop()
  await alice?.stop()
  await rm(dir, { recursive: true, force: true })
})

test('CHANNEL is 49 bytes and CHANNEL_OPEN 35, and both round-trip', () => {
  const transferId = new Uint8Array(randomBytes(16))
  const secret = new Uint8Array(randomBytes(32))
  const request = channelFrame(transferId, secret).subarray(1)
  assert.equal(request.length, 49)
  assert.deepEqual(decodeControl(request), { type: 'channel', transferId, secret })
  const open = channelOpenFrame(40_123, secret).subarray(1)
  assert.equal(open.length, 35)
  assert.deepEqual(decodeSenderFrame(open), { type: 'channel-open', port: 40_123, secret })
})

test('a file moves over the data channel and arrives verified', async () => {
  const { offer } = await alice.files.offer(bob.identity.peerId, source)
  const channelsBefore = alice.files.channels
  const result = await bob.files.receive({
    from: alice.identity.peerId,
    offer,
    targetDir: join(dir, 'in-channel'),
  })
  assert.equal(await sha256File(result.path), await sha256File(source))
  assert.equal(alice.files.channels - channelsBefore, 1, 'one data channel was accepted')
})

test('a data channel that cannot connect falls back to the libp2p stream', async () => {
  // carol's channel ports listen on 127.0.0.2, but bob reaches her on 127.0.0.1: refused
  const carol = await startFilePeer({ files: { dataChannel: { host: '127.0.0.2' } } })
  try {
    await connect(bob, carol)
    const { offer } = await carol.files.offer(bob.identity.peerId, source)
    const result = await bob.files.receive({
      from: carol.identity.peerId,
      offer,
      targetDir: join(dir, 'in-fallback'),
    })
    assert.equal(await sha256File(result.path), await sha256File(source))
    assert.equal(carol.files.channels, 0)
    assert.equal(carol.files.counters.bytesSent, offer.size)
  } finally {
    await carol.stop()
  }
})

/** does the CHANNEL handshake by hand, as bob, for a transfer alice offered him */
async function handshake(): Promise<{
  port: number
  keys: ReturnType<typeof channelKeys>
  transferId: Uint8Array
}> {
  const { offer } = await alice.files.offer(bob.identity.peerId, source)
  const transferId = offer.transferId!
  const stream = await bob.node.dialProtocol(peerIdFromString(alice.identity.peerId), FILE_PROTOCOL)
  const secret = randomBytes(32)
  stream.send(channelFrame(transferId, secret))
  const decoder = new FrameDecoder(1000)
  for await (const data of stream) {
    for (const frame of decoder.push(data)) {
      const reply = decodeSenderFrame(frame)
      assert.equal(reply.type, 'channel-open')
      if (reply.type !== 'channel-open') throw new Error('no channel')
      await stream.close()
      const keys = channelKeys(
        secret,
        reply.secret,
        transferId,
        bob.identity.peerId,
        alice.identity.peerId,
      )
      return { port: reply.port, keys, transferId }
    }
  }
  throw new Error('the sender closed the stream')
}

test('a second CHANNEL on the same stream opens no second port: reason 4', async () => {
  const { offer } = await alice.files.offer(bob.identity.peerId, source)
  const stream = await bob.node.dialProtocol(peerIdFromString(alice.identity.peerId), FILE_PROTOCOL)
  stream.send(channelFrame(offer.transferId!, randomBytes(32)))
  stream.send(channelFrame(offer.transferId!, randomBytes(32)))
  const decoder = new FrameDecoder(1000)
  const replies: string[] = []
  for await (const data of stream) {
    for (const frame of decoder.push(data)) {
      const reply = decodeSenderFrame(frame)
      replies.push(reply.type === 'error' ? `error ${reply.reason}` : reply.type)
    }
    if (replies.length === 2) break
  }
  stream.abort(new Error('done'))
  assert.deepEqual(replies.sort(), ['channel-open', 'error 4'])
})

/** one record as §13 lays it out, sealed with `key` as record number `counter` */
function record(
  key: Uint8Array,
  transferId: Uint8Array,
  counter: number,
  body: Uint8Array,
): Buffer {
  const nonce = Buffer.alloc(12)
  nonce.writeBigUInt64BE(BigInt(counter), 4)
  const aad = Buffer.alloc(28)
  aad.set(transferId)
  aad.writeBigUInt64BE(BigInt(counter), 16)
  aad.writeUInt32BE(body.length, 24)
  const cipher = createCipheriv('aes-256-gcm', key, nonce).setAAD(aad)
  const header = Buffer.alloc(4)
  header.writeUInt32BE(body.length)
  return Buffer.concat([header, cipher.update(body), cipher.final(), cipher.getAuthTag()])
}

async function closedWith(
  code: string,
  port: number,
  send: (socket: Socket) => void,
  localAddress = '127.0.0.1',
): Promise<void> {
  const before = logged.filter((line) => line.code === code).length
  const socket = tcpConnect({ host: '127.0.0.1', port, localAddress })
  await once(socket, 'connect')
  socket.on('error', () => undefined)
  send(socket)
  await once(socket, 'close')
  for (let i = 0; i < 100 && logged.filter((line) => line.code === code).length === before; i++)
    await new Promise((resolve) => setTimeout(resolve, 20))
  assert.ok(
    logged.filter((line) => line.code === code).length > before,
    `a ${code} line was logged`,
  )
}

test('a record sealed with another key is refused: FILE_CHANNEL_AUTH', async () => {
  const { port, transferId } = await handshake()
  await closedWith('FILE_CHANNEL_AUTH', port, (socket) =>
    socket.write(record(randomBytes(32), transferId, 0, creditFrame(1).subarray())),
  )
})

test('a replayed record, with the right key, is refused: FILE_CHANNEL_AUTH', async () => {
  const { port, keys, transferId } = await handshake()
  const first = record(keys.receiver.send, transferId, 0, creditFrame(1).subarray())
  await closedWith('FILE_CHANNEL_AUTH', port, (socket) =>
    socket.write(Buffer.concat([first, first])),
  )
})

test('a record cut short is refused: FILE_CHANNEL_TRUNCATED', async () => {
  const { port, keys, transferId } = await handshake()
  const whole = record(keys.receiver.send, transferId, 0, creditFrame(1).subarray())
  await closedWith('FILE_CHANNEL_TRUNCATED', port, (socket) =>
    socket.end(whole.subarray(0, whole.length - 3)),
  )
})

test('an oversized record is refused before its body: FILE_CHANNEL_FRAME', async () => {
  const { port } = await handshake()
  await closedWith('FILE_CHANNEL_FRAME', port, (socket) =>
    socket.write(Buffer.from([0xff, 0xff, 0xff, 0xff, 1, 2, 3])),
  )
})

test('a connection from another address than the agreed peer is closed: FILE_CHANNEL_PEER', async () => {
  const { port } = await handshake()
  await closedWith('FILE_CHANNEL_PEER', port, () => undefined, '127.0.0.2')
})

test('the receiver refuses a sender whose records do not open: FILE_CHANNEL_AUTH', async () => {
  // mallory answers CHANNEL with a port whose records are sealed with a key of her own
  const mallory = await startFilePeer({ files: { dataChannel: false } })
  const { createServer } = await import('node:net')
  const server = createServer((socket) => {
    socket.on('error', () => undefined)
    socket.write(record(randomBytes(32), transferId, 0, Uint8Array.of(5, 0x10, 0, 0, 0, 0)))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const port = (server.address() as { port: number }).port
  const { offer } = await alice.files.offer(bob.identity.peerId, source)
  const transferId = offer.transferId!
  try {
    await mallory.files.stop()
    await mallory.node.handle(FILE_PROTOCOL, (stream) => {
      stream.addEventListener('message', () => {
        const body = Buffer.alloc(35)
        body[0] = 0x11
        body.writeUInt16BE(port, 1)
        stream.send(Uint8Array.of(35, ...body))
      })
    })
    await connect(bob, mallory)
    await assert.rejects(
      bob.files.receive({ from: mallory.identity.peerId, offer, targetDir: join(dir, 'in-evil') }),
      (e) => isPigeonError(e) && e.code === 'FILE_CHANNEL_AUTH',
    )
  } finally {
    server.close()
    await mallory.stop()
  }
})
