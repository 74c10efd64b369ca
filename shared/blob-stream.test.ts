import assert from 'node:assert/strict'
import { randomBytes } from '@noble/hashes/utils.js'
import { concatBytes } from '@noble/ciphers/utils.js'
import { test } from 'node:test'
import fc from 'fast-check'
import {
  BLOB_HEADER_BYTES,
  BLOB_TAG_BYTES,
  blobChunkCount,
  chunkOffset,
  decryptBlob,
  encryptBlob,
  encryptedSize,
  makeBlobHeader,
  newBlobKey,
  parseBlobHeader,
} from './blob-stream.js'
import { isPigeonError, type PigeonErrorCode } from './errors.js'

const CHUNK = 64

/** `input` split into pieces of `pieceBytes` (how a file or socket delivers it) */
async function* pieces(input: Uint8Array, pieceBytes: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < input.length; at += pieceBytes) yield input.slice(at, at + pieceBytes)
}

async function collect(source: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  for await (const part of source) parts.push(part)
  return concatBytes(...parts)
}

async function encrypt(key: Uint8Array, plain: Uint8Array, pieceBytes = 50): Promise<Uint8Array> {
  return await collect(encryptBlob(key, pieces(plain, pieceBytes), makeBlobHeader(CHUNK)))
}

/** decrypts a whole blob (header included), or the blob's chunks from `fromChunk` on */
async function decrypt(
  key: Uint8Array,
  blob: Uint8Array,
  fromChunk = 0,
  pieceBytes = 37,
): Promise<Uint8Array> {
  const header = parseBlobHeader(blob)
  const body = blob.subarray(chunkOffset(header, fromChunk))
  return await collect(decryptBlob(key, header, pieces(body, pieceBytes), fromChunk))
}

function code(expected: PigeonErrorCode) {
  return (error: unknown) => isPigeonError(error) && error.code === expected
}

const key = newBlobKey()
const sealedChunk = CHUNK + BLOB_TAG_BYTES
/** blob bytes of chunk i */
const chunkOf = (blob: Uint8Array, i: number): Uint8Array =>
  blob.subarray(BLOB_HEADER_BYTES + i * sealedChunk, BLOB_HEADER_BYTES + (i + 1) * sealedChunk)
const headerOf = (blob: Uint8Array): Uint8Array => blob.subarray(0, BLOB_HEADER_BYTES)

test('a file encrypts to the documented size and decrypts to itself, whatever the chunking', async () => {
  for (const size of [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 5 * CHUNK, 5 * CHUNK + 7]) {
    const plain = randomBytes(size)
    const blob = await encrypt(key, plain)
    assert.equal(blob.length, encryptedSize(size, CHUNK), `size ${size}`)
    assert.deepEqual(await decrypt(key, blob), plain, `size ${size}`)
  }
})

test('a resumed download decrypts from the first chunk it gets', async () => {
  const plain = randomBytes(5 * CHUNK + 9)
  const blob = await encrypt(key, plain)
  for (let from = 0; from < blobChunkCount(plain.length, CHUNK); from++)
    assert.deepEqual(await decrypt(key, blob, from), plain.subarray(from * CHUNK), `from ${from}`)
})

const plain = randomBytes(4 * CHUNK + 10) // chunks 0…3 full, chunk 4 of 10 bytes, the last
const blob = await encrypt(key, plain)
const chunks = [0, 1, 2, 3, 4].map((i) => chunkOf(blob, i))

const tampering: Array<[string, () => Uint8Array]> = [
  [
    'two chunks swapped',
    () => concatBytes(...[headerOf(blob), chunks[1]!, chunks[0]!, ...chunks.slice(2)]),
  ],
  [
    'a middle chunk dropped',
    () => concatBytes(...[headerOf(blob), chunks[0]!, ...chunks.slice(2)]),
  ],
  [
    'the last chunk dropped (truncated at a chunk boundary)',
    () => concatBytes(...[headerOf(blob), ...chunks.slice(0, 4)]),
  ],
  ['truncated inside the last chunk', () => blob.subarray(0, blob.length - 3)],
  ['truncated to the header', () => headerOf(blob)],
  ['extended by a chunk from the middle', () => concatBytes(...[blob, chunks[2]!])],
  ['extended by one byte', () => concatBytes(...[blob, new Uint8Array([0])])],
  [
    'a chunk repeated',
    () => concatBytes(...[headerOf(blob), chunks[0]!, chunks[0]!, ...chunks.slice(1)]),
  ],
]

for (const [name, forge] of tampering) {
  test(`detected: ${name}`, async () => {
    await assert.rejects(decrypt(key, forge()), code('BLOB_TAMPERED'))
  })
}

test('detected: a chunk of another file under the same key (nonce prefix differs)', async () => {
  const other = await encrypt(key, randomBytes(plain.length))
  const mixed = concatBytes(...[headerOf(blob), chunks[0]!, chunkOf(other, 1), ...chunks.slice(2)])
  await assert.rejects(decrypt(key, mixed), code('BLOB_TAMPERED'))
})

test('detected: the wrong key', async () => {
  await assert.rejects(decrypt(newBlobKey(), blob), code('BLOB_TAMPERED'))
})

test('a damaged header is refused before any chunk is tried', () => {
  const bad = blob.slice(0, BLOB_HEADER_BYTES)
  bad[0] = 0x58
  assert.throws(() => parseBlobHeader(bad), code('BLOB_HEADER_INVALID'))
  const huge = blob.slice(0, BLOB_HEADER_BYTES)
  new DataView(huge.buffer).setUint32(4, 0xffff_ffff) // would make the decryptor hold 4 GiB per chunk
  assert.throws(() => parseBlobHeader(huge), code('BLOB_HEADER_INVALID'))
  assert.throws(() => parseBlobHeader(blob.subarray(0, 10)), code('BLOB_HEADER_INVALID'))
})

test('a changed chunk size in the header fails every chunk (the header is the AAD)', async () => {
  const forged = blob.slice()
  new DataView(forged.buffer).setUint32(4, CHUNK * 2)
  await assert.rejects(decrypt(key, forged), code('BLOB_TAMPERED'))
})

test('property: any single bit flipped anywhere in a blob is detected', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ minLength: 0, maxLength: 6 * CHUNK }),
      fc.nat(),
      fc.integer({ min: 0, max: 7 }),
      fc.integer({ min: 1, max: 200 }),
      async (data, where, bit, pieceBytes) => {
        const sealed = await encrypt(key, data, pieceBytes)
        assert.deepEqual(await decrypt(key, sealed, 0, pieceBytes), data)
        const flipped = sealed.slice()
        const at = where % flipped.length
        flipped[at]! ^= 1 << bit
        await assert.rejects(
          decrypt(key, flipped, 0, pieceBytes),
          (error: unknown) =>
            isPigeonError(error) &&
            (error.code === 'BLOB_TAMPERED' || error.code === 'BLOB_HEADER_INVALID'),
        )
      },
    ),
    { numRuns: 200 },
  )
})

test('property: any cut or extension of a blob is detected', async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.uint8Array({ minLength: 0, maxLength: 6 * CHUNK }),
      fc.nat(),
      fc.uint8Array({ minLength: 0, maxLength: 2 * sealedChunk }),
      async (data, cut, extra) => {
        const sealed = await encrypt(key, data)
        const bodyCut = BLOB_HEADER_BYTES + (cut % (sealed.length - BLOB_HEADER_BYTES))
        await assert.rejects(decrypt(key, sealed.subarray(0, bodyCut)), code('BLOB_TAMPERED'))
        if (extra.length > 0)
          await assert.rejects(decrypt(key, concatBytes(...[sealed, extra])), code('BLOB_TAMPERED'))
      },
    ),
    { numRuns: 200 },
  )
})
