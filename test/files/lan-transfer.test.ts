// /pigeon/file/1.0.0 between two real libp2p nodes (TCP + Noise + yamux on loopback), real SQLite
// stores at schema 6, real files: nothing is overwritten, a transfer stopped half way resumes from
// what is verified on disk, a damaged chunk on disk is fetched again, and the sender serves only
// the peer it offered to. The 200 MiB file and the 2,000-file folder between two hosts are in
// lan-hosts.test.ts (namespaces); a file whose index is fetched, with many chunks, is below.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm, writeFile, open } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { isPigeonError } from '../../shared/errors.js'
import { PARTIAL_DIR } from '../../app/core/files/file-receiver.js'
import { connect, randomFile, sha256File, startFilePeer, type FilePeer } from './harness.js'

// the resume cases use 64 MiB to stay within seconds on a 2-core CI machine; the bench moves 1 GiB
const BIG = 64 * 1024 * 1024
const CHUNK = 1024 * 1024
let dir: string
let alice: FilePeer
let bob: FilePeer
let bigFile: string

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pigeon-files-'))
  alice = await startFilePeer()
  bob = await startFilePeer()
  await connect(bob, alice)
  bigFile = join(dir, 'big.bin')
  await randomFile(bigFile, BIG)
})

after(async () => {
  await bob?.stop()
  await alice?.stop()
  await rm(dir, { recursive: true, force: true })
})

test('a file of 1,024 chunks arrives verified, its chunk hashes fetched as its index, and the partial folder is gone', async () => {
  const { offer } = await alice.files.offer(bob.identity.peerId, bigFile, { chunkSize: 64 * 1024 })
  assert.ok(
    offer.chunkHashes === undefined && offer.indexSha256 !== undefined,
    'too many chunks to carry inline',
  )
  const target = join(dir, 'in-index')
  const sentBefore = alice.files.counters.bytesSent
  const result = await bob.files.receive({ from: alice.identity.peerId, offer, targetDir: target })
  assert.equal(result.path, join(target, 'big.bin'))
  assert.equal(await sha256File(result.path), await sha256File(bigFile))
  assert.equal(result.bytesReceived, BIG)
  assert.equal(alice.files.counters.bytesSent - sentBefore, BIG)
  assert.deepEqual(await readdir(target), ['big.bin'])
})

test('nothing is overwritten: the same name again lands beside it as "name (1).ext"', async () => {
  const source = join(dir, 'notes.txt')
  await writeFile(source, 'first')
  const target = join(dir, 'in-twice')
  const first = await bob.files.receive({
    from: alice.identity.peerId,
    offer: (await alice.files.offer(bob.identity.peerId, source)).offer,
    targetDir: target,
  })
  await writeFile(source, 'second')
  const second = await bob.files.receive({
    from: alice.identity.peerId,
    offer: (await alice.files.offer(bob.identity.peerId, source)).offer,
    targetDir: target,
  })
  assert.equal(first.path, join(target, 'notes.txt'))
  assert.equal(second.path, join(target, 'notes (1).txt'))
  assert.equal(await readFile(first.path, 'utf8'), 'first')
  assert.equal(await readFile(second.path, 'utf8'), 'second')
})

test('stopped at half, the receiver restarts and resumes: at most 2 chunks are sent again; a damaged chunk on disk is fetched again', async () => {
  const { offer } = await alice.files.offer(bob.identity.peerId, bigFile)
  const target = join(dir, 'in-resume')
  const stop = new AbortController()
  const sentBefore = alice.files.counters.bytesSent
  await assert.rejects(
    bob.files.receive({
      from: alice.identity.peerId,
      offer,
      targetDir: target,
      signal: stop.signal,
      onProgress: ({ bytesDone }) => {
        if (bytesDone >= BIG / 2) stop.abort(new Error('stopped at half'))
      },
    }),
    /stopped at half/,
  )
  // the receiver goes away abruptly and comes back with the same identity and an empty memory
  const bobIdentity = bob.identity
  const bobDb = bob.db
  await bob.node.stop()
  bob = await startFilePeer({ identity: bobIdentity, db: bobDb })
  await connect(bob, alice)

  const partial = join(
    target,
    PARTIAL_DIR,
    Buffer.from(offer.transferId!).toString('hex'),
    'big.bin',
  )
  const sentFirst = alice.files.counters.bytesSent - sentBefore
  assert.ok(sentFirst >= BIG / 2 && sentFirst < BIG, `the first run sent ${sentFirst} bytes`)
  // damage chunk 3, well inside what was written
  const handle = await open(partial, 'r+')
  await handle.write(
    Uint8Array.of(0xff ^ (await handle.read(Buffer.alloc(1), 0, 1, 3 * CHUNK + 17)).buffer[0]!),
    0,
    1,
    3 * CHUNK + 17,
  )
  await handle.close()

  const result = await bob.files.receive({ from: alice.identity.peerId, offer, targetDir: target })
  assert.equal(await sha256File(result.path), await sha256File(bigFile))
  const sentTotal = alice.files.counters.bytesSent - sentBefore
  // everything once, plus the damaged chunk, plus at most 2 chunks in flight at the stop
  const resent = sentTotal - BIG - CHUNK
  assert.ok(resent >= 0 && resent <= 2 * CHUNK, `re-sent ${resent} bytes beyond the damaged chunk`)
  assert.ok(
    result.bytesReceived <= BIG - sentFirst + 3 * CHUNK &&
      result.bytesReceived >= BIG - sentFirst + CHUNK,
  )
})

test('the sender serves a transfer only to the peer it was offered to', async () => {
  const carol = await startFilePeer()
  try {
    await connect(carol, alice)
    const { offer } = await alice.files.offer(bob.identity.peerId, bigFile)
    await assert.rejects(
      carol.files.receive({ from: alice.identity.peerId, offer, targetDir: join(dir, 'in-carol') }),
      (e) => isPigeonError(e) && e.code === 'FILE_TRANSFER_UNKNOWN',
    )
    // withdrawn, it is gone for bob too
    alice.files.withdraw(offer.transferId!)
    await assert.rejects(
      bob.files.receive({
        from: alice.identity.peerId,
        offer,
        targetDir: join(dir, 'in-withdrawn'),
      }),
      (e) => isPigeonError(e) && e.code === 'FILE_TRANSFER_UNKNOWN',
    )
  } finally {
    await carol.stop()
  }
})
