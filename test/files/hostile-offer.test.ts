// Hostile offers and senders on /pigeon/file/1.0.0 (docs/protocol.md §10 "Safety"), between real
// libp2p nodes: every hostile name, in the offer or inside a folder's index, is refused with its
// code before a byte is written; a sender that sends more bytes than offered, or other bytes, or
// a size that lies, is refused; a symbolic link planted in the partial folder is not followed.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { join } from 'node:path'
import { isPigeonError, type PigeonErrorCode } from '../../shared/errors.js'
import type { FileOfferBody } from '../../shared/envelope.js'
import { encodeFileIndex, sha256, type FileEntry } from '../../shared/file-index.js'
import { FrameDecoder } from '../../app/core/net/framing.js'
import {
  dataFrame,
  decodeControl,
  errorFrame,
  FILE_PROTOCOL,
  FileErrorReason,
} from '../../app/core/files/file-frames.js'
import { PARTIAL_DIR } from '../../app/core/files/file-receiver.js'
import { OfferTable } from '../../app/core/files/offer-table.js'
import { connect, startFilePeer, type FilePeer } from './harness.js'

const CHUNK = 16 * 1024
const execFileAsync = promisify(execFile)
let dir: string
let alice: FilePeer
let bob: FilePeer

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pigeon-hostile-'))
  alice = await startFilePeer()
  bob = await startFilePeer()
  await connect(bob, alice)
})

after(async () => {
  await bob?.stop()
  await alice?.stop()
  await rm(dir, { recursive: true, force: true })
})

const refusedWith = (code: PigeonErrorCode) => (e: unknown) =>
  isPigeonError(e) && e.code === code && e.message.length > 20

function fileEntry(path: string, content: Uint8Array): FileEntry {
  const chunkHashes = new Uint8Array(Math.ceil(content.length / CHUNK) * 32)
  for (let i = 0; i * CHUNK < content.length; i++)
    chunkHashes.set(sha256(content.subarray(i * CHUNK, (i + 1) * CHUNK)), i * 32)
  return { path, directory: false, size: content.length, sha256: sha256(content), chunkHashes }
}

/** a folder offer from alice whose index is whatever a hostile sender wants it to be */
function hostileFolder(
  entries: FileEntry[],
  size = entries.reduce((n, e) => n + e.size, 0),
): FileOfferBody {
  const indexBytes = encodeFileIndex({ entries })
  const transferId = crypto.getRandomValues(new Uint8Array(16))
  // written straight into alice's offer table: the real sender then serves the hostile index
  new OfferTable(alice.db).add({
    transferId,
    peer: bob.identity.peerId,
    sourcePath: join(dir, 'nowhere'),
    directory: true,
    chunkSize: CHUNK,
    index: { entries },
    indexBytes,
  })
  const indexSha256 = sha256(indexBytes)
  return {
    name: 'folder',
    size,
    sha256: indexSha256,
    directory: true,
    transferId,
    chunkSize: CHUNK,
    indexSize: indexBytes.length,
    indexSha256,
  }
}

async function assertNothingWritten(target: string): Promise<void> {
  // refused before a byte was written: not even the partial folder is left
  assert.deepEqual(await readdir(target).catch(() => []), [])
  const outside = (await readdir(dir)).filter(
    (name) => !name.startsWith('in-') && name !== 'secret.txt' && name !== 'elsewhere',
  )
  assert.deepEqual(outside, [], 'nothing was written beside the target')
}

test('a hostile name in the offer itself is refused before the sender is asked', async () => {
  const cases: Array<[string, PigeonErrorCode]> = [
    ['..', 'FILE_PATH_TRAVERSAL'],
    ['../escape.txt', 'FILE_PATH_TRAVERSAL'],
    ['/etc/cron.d/x', 'FILE_PATH_ABSOLUTE'],
    ['C:\\Windows\\x.dll', 'FILE_PATH_ABSOLUTE'],
    ['a\u0000b', 'FILE_NAME_INVALID'],
    ['CON', 'FILE_NAME_RESERVED'],
    ['x'.repeat(256), 'FILE_NAME_TOO_LONG'],
  ]
  const sentBefore = alice.files.counters.chunksSent
  for (const [name, code] of cases) {
    const content = new Uint8Array(100)
    const entry = fileEntry(name, content)
    const offer: FileOfferBody = {
      name,
      size: 100,
      sha256: entry.sha256,
      transferId: crypto.getRandomValues(new Uint8Array(16)),
      chunkSize: CHUNK,
      chunkHashes: entry.chunkHashes,
    }
    const target = join(dir, 'in-name')
    await assert.rejects(
      bob.files.receive({ from: alice.identity.peerId, offer, targetDir: target }),
      refusedWith(code),
      name,
    )
    await assertNothingWritten(target)
  }
  assert.equal(alice.files.counters.chunksSent, sentBefore)
})

test('a hostile path inside a folder index is refused before any file is written', async () => {
  const ok = fileEntry('ok.txt', new TextEncoder().encode('fine'))
  const cases: Array<[FileEntry[], PigeonErrorCode]> = [
    [[ok, fileEntry('../escape.txt', new Uint8Array(5))], 'FILE_PATH_TRAVERSAL'],
    [[ok, fileEntry('sub/../../escape.txt', new Uint8Array(5))], 'FILE_PATH_TRAVERSAL'],
    [[ok, fileEntry('/tmp/escape.txt', new Uint8Array(5))], 'FILE_PATH_ABSOLUTE'],
    [[ok, fileEntry('D:/escape.txt', new Uint8Array(5))], 'FILE_PATH_ABSOLUTE'],
    [[ok, fileEntry('sub/a\u0000.txt', new Uint8Array(5))], 'FILE_NAME_INVALID'],
    [[ok, fileEntry('sub/NUL.txt', new Uint8Array(5))], 'FILE_NAME_RESERVED'],
    [[ok, fileEntry(`sub/${'名'.repeat(86)}`, new Uint8Array(5))], 'FILE_NAME_TOO_LONG'],
    [[ok, fileEntry('OK.TXT', new Uint8Array(5))], 'FILE_NAME_DUPLICATE'],
    [[ok, fileEntry('ok.txt/inner', new Uint8Array(5))], 'FILE_NAME_DUPLICATE'],
  ]
  for (const [entries, code] of cases) {
    const target = join(dir, 'in-index')
    await assert.rejects(
      bob.files.receive({
        from: alice.identity.peerId,
        offer: hostileFolder(entries),
        targetDir: target,
      }),
      refusedWith(code),
      entries[1]!.path,
    )
    await assertNothingWritten(target)
  }
})

test('a size that lies is refused: a folder whose files do not add up, a file whose hashes do not fit its size', async () => {
  const target = join(dir, 'in-size')
  const entries = [fileEntry('a.bin', new Uint8Array(40_000))]
  await assert.rejects(
    bob.files.receive({
      from: alice.identity.peerId,
      offer: hostileFolder(entries, 10),
      targetDir: target,
    }),
    refusedWith('FILE_SIZE_MISMATCH'),
  )
  await assertNothingWritten(target)
  // 7 chunks announced, 3 hashes given: alice's own table would never hold it, so mallory serves it
  const indexBytes = encodeFileIndex({ entries: [{ ...entries[0]!, size: 100_000 }] })
  const evil = await mallory(() => indexBytes)
  try {
    const offer = {
      ...hostileFolder(entries),
      size: 100_000,
      sha256: sha256(indexBytes),
      indexSha256: sha256(indexBytes),
      indexSize: indexBytes.length,
    }
    await assert.rejects(
      bob.files.receive({ from: evil.identity.peerId, offer, targetDir: target }),
      refusedWith('FILE_SIZE_MISMATCH'),
    )
    await assertNothingWritten(target)
  } finally {
    await evil.stop()
  }
})

/** mallory: a node whose /pigeon/file/1.0.0 answers every request with `reply(length, entry)` */
async function mallory(reply: (length: number, entry: number) => Uint8Array): Promise<FilePeer> {
  const peer = await startFilePeer()
  await peer.files.stop()
  await peer.node.handle(FILE_PROTOCOL, (stream) => {
    const decoder = new FrameDecoder(64)
    stream.addEventListener('message', (event) => {
      for (const frame of decoder.push(event.data)) {
        const control = decodeControl(frame)
        if (control.type === 'request')
          stream.send(dataFrame(control.first, reply(1000, control.entry)))
        // no data channel (docs/protocol.md §13): the receiver pulls on this stream at once
        if (control.type === 'channel')
          stream.send(errorFrame(FileErrorReason.noChannel, 'no channel'))
      }
    })
  })
  await connect(bob, peer)
  return peer
}

test('a sender that sends more bytes than offered, or bytes other than offered, is stopped and nothing of it is written', async () => {
  const content = new Uint8Array(1000).fill(7)
  const entry = fileEntry('data.bin', content)
  const offer: FileOfferBody = {
    name: 'data.bin',
    size: 1000,
    sha256: entry.sha256,
    transferId: crypto.getRandomValues(new Uint8Array(16)),
    chunkSize: CHUNK,
    chunkHashes: entry.chunkHashes,
  }
  for (const [reply, code] of [
    [(length: number) => new Uint8Array(length + 100).fill(7), 'FILE_TOO_MANY_BYTES'],
    [(length: number) => new Uint8Array(length).fill(8), 'FILE_CHUNK_CORRUPT'],
    [(length: number) => new Uint8Array(length - 1).fill(7), 'FILE_SIZE_MISMATCH'],
  ] as const) {
    const evil = await mallory(reply)
    try {
      const target = join(dir, 'in-evil')
      await assert.rejects(
        bob.files.receive({ from: evil.identity.peerId, offer, targetDir: target }),
        refusedWith(code),
      )
      const partial = join(
        target,
        PARTIAL_DIR,
        Buffer.from(offer.transferId!).toString('hex'),
        'data.bin',
      )
      assert.equal((await readFile(partial)).length, 0, 'no refused byte reached the disk')
    } finally {
      await evil.stop()
    }
  }
})

test('a symbolic link planted where the partial file goes is not followed', async () => {
  const secret = join(dir, 'secret.txt')
  await writeFile(secret, 'do not touch')
  const source = join(dir, 'src-link')
  await mkdir(source)
  await writeFile(join(source, 'note.txt'), 'hello')
  const { offer } = await alice.files.offer(bob.identity.peerId, join(source, 'note.txt'))
  const target = join(dir, 'in-link')
  const partialDir = join(target, PARTIAL_DIR, Buffer.from(offer.transferId!).toString('hex'))
  await mkdir(partialDir, { recursive: true })
  await symlink(secret, join(partialDir, 'note.txt'))
  await assert.rejects(
    bob.files.receive({ from: alice.identity.peerId, offer, targetDir: target }),
    refusedWith('FILE_SYMLINK'),
  )
  // and a link as the partial folder itself
  await rm(join(target, PARTIAL_DIR), { recursive: true })
  await mkdir(join(dir, 'elsewhere'))
  await symlink(join(dir, 'elsewhere'), join(target, PARTIAL_DIR))
  await assert.rejects(
    bob.files.receive({ from: alice.identity.peerId, offer, targetDir: target }),
    refusedWith('FILE_SYMLINK'),
  )
  assert.equal(await readFile(secret, 'utf8'), 'do not touch')
  assert.deepEqual(await readdir(join(dir, 'elsewhere')), [])
})

test('a full disk is a clear error, the partial data is kept, and a resume with space completes it', async (t) => {
  const source = join(dir, 'src-full')
  await mkdir(source)
  const content = crypto.getRandomValues(new Uint8Array(65536))
  const big = new Uint8Array(3 * 1024 * 1024)
  for (let i = 0; i < big.length; i += content.length) big.set(content, i)
  big[big.length - 1] = 1
  await writeFile(join(source, 'big.bin'), big)
  const { offer } = await alice.files.offer(bob.identity.peerId, join(source, 'big.bin'))
  const target = join(dir, 'in-full')
  await mkdir(target)
  // a 1 MiB filesystem of its own: the 3 MiB file cannot fit
  await execFileAsync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', target])
  t.after(() => execFileAsync('umount', ['-l', target]).catch(() => undefined))
  await assert.rejects(
    bob.files.receive({ from: alice.identity.peerId, offer, targetDir: target }),
    refusedWith('FILE_DISK_FULL'),
  )
  const partial = join(
    target,
    PARTIAL_DIR,
    Buffer.from(offer.transferId!).toString('hex'),
    'big.bin',
  )
  assert.ok((await readFile(partial)).length > 0, 'what arrived is kept')
  // more room (remount bigger, the data stays): the resume finishes it
  await execFileAsync('mount', ['-o', 'remount,size=8m', target])
  const result = await bob.files.receive({ from: alice.identity.peerId, offer, targetDir: target })
  assert.ok(Buffer.from(await readFile(result.path)).equals(Buffer.from(big)))
})
