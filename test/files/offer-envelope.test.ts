// The file offer envelope (docs/protocol.md §10): the transfer fields round-trip, an offer stays
// inside the envelope limit whatever the file size (its chunk hashes move to the index), and an
// inconsistent offer is refused by the strict decoder like any other invalid field.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import {
  decodeEnvelope,
  encodeEnvelope,
  newMessageId,
  type Envelope,
  type FileOfferBody,
} from '../../shared/envelope.js'
import { decodeFileIndex, encodeFileIndex } from '../../shared/file-index.js'
import { generateIdentity } from '../../shared/identity.js'
import { LIMITS } from '../../shared/limits.js'
import { isPigeonError } from '../../shared/errors.js'

const alice = await generateIdentity()
const bob = await generateIdentity()
const MiB = 1024 * 1024

function offerEnvelope(file: FileOfferBody): Envelope {
  return {
    id: newMessageId(),
    sender: alice.peerId,
    to: { peer: bob.peerId },
    sentAt: Date.now(),
    kind: 'file-offer',
    file,
  }
}

const base = (size: number, extra: Partial<FileOfferBody> = {}): FileOfferBody => ({
  name: '报告 📄.pdf',
  size,
  sha256: new Uint8Array(32).fill(1),
  mime: 'application/pdf',
  transferId: new Uint8Array(16).fill(2),
  mtime: 1_780_000_000_000,
  chunkSize: MiB,
  ...extra,
})

test('a file offer with inline chunk hashes round-trips, at the inline limit still inside the envelope limit', () => {
  const offer = base(LIMITS.fileInlineChunkHashes * MiB, {
    chunkHashes: new Uint8Array(LIMITS.fileInlineChunkHashes * 32).fill(3),
  })
  const bytes = encodeEnvelope(offerEnvelope(offer))
  assert.ok(bytes.length < LIMITS.envelopeBytes, `${bytes.length} bytes`)
  const back = decodeEnvelope(bytes)
  assert.equal(back.kind, 'file-offer')
  assert.deepEqual(back.kind === 'file-offer' && back.file, offer)
})

test('a 1 TiB file or a folder carries its index hash instead, in a few hundred bytes', () => {
  for (const offer of [
    base(1024 ** 4, { indexSize: 32 * 1024 * 1024, indexSha256: new Uint8Array(32).fill(4) }),
    base(5 * MiB, {
      name: '照片',
      directory: true,
      indexSize: 4000,
      indexSha256: new Uint8Array(32).fill(1),
      mime: undefined,
    }),
  ]) {
    if (offer.mime === undefined) delete offer.mime
    const bytes = encodeEnvelope(offerEnvelope(offer))
    assert.ok(bytes.length < 300)
    const back = decodeEnvelope(bytes)
    assert.deepEqual(back.kind === 'file-offer' && back.file, offer)
  }
})

test('an inconsistent offer is refused (encode and decode run the same validation)', () => {
  const bad: FileOfferBody[] = [
    base(3 * MiB, { chunkHashes: new Uint8Array(2 * 32) }), // a size that lies about its chunks
    base(3 * MiB), // neither hashes nor index
    base(3 * MiB, {
      chunkHashes: new Uint8Array(3 * 32),
      indexSize: 10,
      indexSha256: new Uint8Array(32),
    }), // both
    base(3 * MiB, { chunkSize: 1000, chunkHashes: new Uint8Array(32) }), // chunk too small
    base(3 * MiB, { indexSize: 10 }), // index size without its hash
    base(300 * MiB, { chunkHashes: new Uint8Array(300 * 32) }), // above the inline limit
    base(3 * MiB, { transferId: new Uint8Array(5), chunkHashes: new Uint8Array(3 * 32) }),
    base(LIMITS.fileMaxBytes + 1, { indexSize: 10, indexSha256: new Uint8Array(32) }),
  ]
  for (const offer of bad) {
    assert.throws(
      () => encodeEnvelope(offerEnvelope(offer)),
      (e) => isPigeonError(e) && e.code.startsWith('ENVELOPE_'),
    )
  }
})

test('the file index round-trips and refuses entries whose size disagrees with their hashes', () => {
  const index = {
    entries: [
      {
        path: 'a/空',
        directory: true,
        size: 0,
        sha256: new Uint8Array(0),
        chunkHashes: new Uint8Array(0),
      },
      {
        path: 'a/b.txt',
        directory: false,
        size: 2 * MiB + 1,
        sha256: new Uint8Array(32).fill(9),
        mtime: 5,
        chunkHashes: new Uint8Array(3 * 32).fill(8),
      },
      {
        path: 'empty',
        directory: false,
        size: 0,
        sha256: new Uint8Array(32).fill(7),
        chunkHashes: new Uint8Array(0),
      },
    ],
  }
  assert.deepEqual(decodeFileIndex(encodeFileIndex(index), MiB), index)
  assert.throws(
    () => decodeFileIndex(encodeFileIndex(index), 2 * MiB),
    (e) => isPigeonError(e) && e.code === 'FILE_SIZE_MISMATCH',
  )
  assert.throws(
    () => decodeFileIndex(Uint8Array.of(0x0a, 0xff), MiB),
    (e) => isPigeonError(e) && e.code === 'FILE_OFFER_INVALID',
  )
  assert.throws(
    () =>
      decodeFileIndex(
        encodeFileIndex({ entries: [{ ...index.entries[1]!, sha256: new Uint8Array(3) }] }),
        MiB,
      ),
    (e) => isPigeonError(e) && e.code === 'FILE_OFFER_INVALID',
  )
})
