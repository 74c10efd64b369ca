// The relay's blob store on a real `pigeon-relay` process (docs/relay.md "File blobs"): an
// encrypted file (docs/protocol.md §12) goes up in pieces across a kill -9 of the relay, comes
// down with Range across a kill -9 of the downloader, decrypts to the same SHA-256, and is gone once its
// recipient says it has it; quota, size, authentication and expiry refusals carry their codes.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { request } from 'node:http'
import { spawn, type ChildProcess } from 'node:child_process'
import { readdirSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs'
import { join } from 'node:path'
import { encryptBlob, newBlobKey, parseBlobHeader } from '../../shared/blob-stream.js'
import { generateIdentity, identityToBytes, type Identity } from '../../shared/identity.js'
import { createRelayToken } from '../../shared/relay-token.js'
import { blobAuth, blobRequest, createBlob, putPiece, uploadFrom } from '../support/blob-client.js'
import { startRelayProcess, type RelayProcess } from '../support/relay-process.js'

const MiB = 1_048_576
const TSX = [
  '--import',
  import.meta.resolve('tsx'),
  '--import',
  join(import.meta.dirname, '../../shared/polyfills.ts'),
]
const DOWNLOADER = join(import.meta.dirname, '../support/blob-downloader.ts')
const PIECE = 4 * MiB
const LIMITS = [
  ...['--blob-max-bytes', String(24 * MiB), '--blob-quota-bytes', String(48 * MiB)],
  ...['--blob-max-count', '4'],
]

let relay: RelayProcess
let alice: Identity
let bob: Identity
let mallory: Identity
let carol: Identity

before(async () => {
  ;[alice, bob, mallory, carol] = await Promise.all([
    generateIdentity(),
    generateIdentity(),
    generateIdentity(),
    generateIdentity(),
  ])
  relay = await startRelayProcess({ args: LIMITS })
})

after(async () => {
  await relay.stop()
  relay.cleanup()
})

async function collect(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Uint8Array[] = []
  for await (const part of source) parts.push(part)
  return Buffer.concat(parts)
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield bytes
}

const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex')
const blobDir = (r: RelayProcess): string => join(r.dataDir, 'blobs')

async function json<T>(response: Response): Promise<T> {
  return (await response.json()) as T
}

/** `http <status> <code>` of a refused request */
async function refusal(response: Response): Promise<string> {
  return `http ${response.status} ${(await json<{ code: string }>(response)).code}`
}

/** the downloader process (test/support/blob-downloader.ts) on one job */
function downloader(job: Record<string, unknown>): {
  child: ChildProcess
  hanging: Promise<void>
  exited: Promise<number | null>
  stderr: () => string
} {
  const child = spawn(process.execPath, [...TSX, DOWNLOADER, JSON.stringify(job)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (data: Buffer) => (stderr += data.toString()))
  const hanging = new Promise<void>((resolve) =>
    child.stdout.on('data', (data: Buffer) => {
      if (data.toString().includes('hanging')) resolve()
    }),
  )
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  return { child, hanging, exited, stderr: () => stderr }
}

/** sends the first half of a piece, and kill -9s the relay once some of it is on disk */
async function killDuringPiece(id: string, offset: number, piece: Uint8Array): Promise<void> {
  const auth = await blobAuth(relay, alice)
  const url = new URL(`${relay.http}/blobs/${id}?offset=${offset}`)
  const put = request(url, {
    method: 'PUT',
    headers: {
      authorization: auth,
      'content-type': 'application/octet-stream',
      'content-length': piece.length,
    },
  })
  put.on('error', () => undefined) // the relay dies under it
  put.write(piece.subarray(0, piece.length / 2))
  const data = join(blobDir(relay), `${id}.data`)
  while (statSync(data).size <= offset) await new Promise((resolve) => setTimeout(resolve, 10))
  await relay.kill9()
  put.destroy()
}

test('a 20 MiB file goes up across a kill -9 of the relay and down across a kill -9 of the downloader, verified', async () => {
  const plain = randomBytes(20 * MiB)
  const key = newBlobKey()
  const sealed = await collect(encryptBlob(key, once(plain)))
  const created = await createBlob(relay, alice, sealed.length, [bob.peerId])
  assert.equal(created.status, 201)
  const { id } = await json<{ id: string }>(created)

  // two pieces acknowledged, the third cut by the relay's death
  assert.equal(
    await uploadFrom(relay, alice, id, 0, once(sealed.subarray(0, 2 * PIECE)), PIECE),
    2 * PIECE,
  )
  await killDuringPiece(id, 2 * PIECE, sealed.subarray(2 * PIECE, 3 * PIECE))
  relay = await startRelayProcess({ dataDir: relay.dataDir, args: LIMITS })

  const status = await json<{ received: number; complete: boolean }>(
    await blobRequest(relay, alice, `/blobs/${id}/status`),
  )
  assert.deepEqual(
    { received: status.received, complete: status.complete },
    { received: 2 * PIECE, complete: false },
    'the relay resumes from what it acknowledged, not from what it half-wrote',
  )
  assert.ok(
    statSync(join(blobDir(relay), `${id}.data`)).size > 2 * PIECE,
    'part of the cut piece is on disk, and not counted',
  )
  assert.equal(
    await refusal(await putPiece(relay, alice, id, 3 * PIECE, sealed.subarray(3 * PIECE))),
    'http 409 BLOB_OFFSET_MISMATCH',
  )
  assert.equal(
    await uploadFrom(
      relay,
      alice,
      id,
      status.received,
      once(sealed.subarray(status.received)),
      PIECE,
    ),
    sealed.length,
  )

  // Bob's downloader verifies and writes chunk by chunk, and is killed -9 in the middle
  const headerBytes = Buffer.from(
    await (
      await blobRequest(relay, bob, `/blobs/${id}`, { headers: { range: 'bytes=0-15' } })
    ).arrayBuffer(),
  )
  const out = join(relay.dataDir, '..', `${id}.partial`)
  const job = {
    http: relay.http,
    relayId: relay.relayId,
    identity: Buffer.from(identityToBytes(bob)).toString('hex'),
    key: Buffer.from(key).toString('hex'),
    id,
    out,
    header: headerBytes.toString('hex'),
  }
  const killed = downloader({ ...job, fromChunk: 0, hangAfter: 9 })
  await killed.hanging
  killed.child.kill('SIGKILL')
  await killed.exited
  const header = parseBlobHeader(headerBytes)
  const verified = Math.floor(statSync(out).size / header.chunkBytes)
  assert.equal(verified, 9, 'the partial file holds the chunks verified before the kill')
  truncateSync(out, verified * header.chunkBytes)
  const resumed = downloader({ ...job, fromChunk: verified })
  assert.equal(await resumed.exited, 0, resumed.stderr())
  assert.equal(sha256(readFileSync(out)), sha256(plain))
  rmSync(out)

  // Mallory is no recipient; Bob says he has it, and it is gone
  assert.equal(
    await refusal(await blobRequest(relay, mallory, `/blobs/${id}`)),
    'http 403 BLOB_FORBIDDEN',
  )
  assert.deepEqual(
    await json(await blobRequest(relay, bob, `/blobs/${id}`, { method: 'DELETE' })),
    { deleted: true },
  )
  assert.equal(
    await refusal(await blobRequest(relay, alice, `/blobs/${id}/status`)),
    'http 404 BLOB_NOT_FOUND',
  )
  assert.deepEqual(readdirSync(blobDir(relay)), [])
})

test('a blob over the size limit, and one over the uploader’s quota, are refused with their codes', async () => {
  assert.equal(
    await refusal(await createBlob(relay, carol, 25 * MiB, [bob.peerId])),
    'http 413 BLOB_TOO_LARGE',
  )
  assert.equal((await createBlob(relay, carol, 20 * MiB, [bob.peerId])).status, 201)
  assert.equal((await createBlob(relay, carol, 20 * MiB, [bob.peerId])).status, 201)
  assert.equal(
    await refusal(await createBlob(relay, carol, 20 * MiB, [bob.peerId])),
    'http 507 BLOB_QUOTA_EXCEEDED',
  )
  assert.equal(
    (await createBlob(relay, alice, 20 * MiB, [bob.peerId])).status,
    201,
    'a quota is per uploader',
  )
  const dave = await generateIdentity()
  for (let i = 0; i < 4; i++)
    assert.equal((await createBlob(relay, dave, 1, [bob.peerId])).status, 201)
  assert.equal(
    await refusal(await createBlob(relay, dave, 1, [bob.peerId])),
    'http 507 BLOB_QUOTA_EXCEEDED',
    'a key may not fill the disk with many tiny blobs',
  )
  const metrics = await (await fetch(`${relay.http}/metrics`)).text()
  assert.match(metrics, /pigeon_relay_blob_refusals_total\{reason="quota"\} 2/)
  assert.match(metrics, /pigeon_relay_blob_refusals_total\{reason="too_large"\} 1/)
  assert.match(metrics, /pigeon_relay_blobs 7/)
})

test('a request without a token, or with a spent one, is refused', async () => {
  const created = await createBlob(relay, alice, 100, [bob.peerId])
  const { id } = await json<{ id: string }>(created)
  const bare = await fetch(`${relay.http}/blobs/${id}/status`)
  assert.equal(await refusal(bare), 'http 401 BLOB_UNAUTHORIZED')
  const token = await createRelayToken(bob, relay.relayId)
  const headers = { authorization: `Pigeon ${bob.peerId} ${token}` }
  assert.equal((await fetch(`${relay.http}/blobs/${id}/status`, { headers })).status, 200)
  assert.equal(
    await refusal(await fetch(`${relay.http}/blobs/${id}/status`, { headers })),
    'http 403 TOKEN_REPLAYED',
  )
  const wrongType = await fetch(`${relay.http}/blobs/${id}?offset=0`, {
    method: 'PUT',
    headers: { authorization: await blobAuth(relay, alice), 'content-type': 'text/plain' },
    body: 'not bytes',
  })
  assert.equal(await refusal(wrongType), 'http 400 BLOB_BAD_REQUEST')
  const noParser = await fetch(`${relay.http}/blobs/${id}?offset=0`, {
    method: 'PUT',
    headers: { authorization: await blobAuth(relay, alice), 'content-type': 'application/xml' },
    body: '<bytes/>',
  })
  assert.equal(await refusal(noParser), 'http 415 BLOB_BAD_REQUEST')
  const untouched = await blobRequest(relay, alice, `/blobs/${id}/status`)
  assert.equal(((await untouched.json()) as { received: number }).received, 0)
  const badJson = await fetch(`${relay.http}/blobs`, {
    method: 'POST',
    headers: { authorization: await blobAuth(relay, alice), 'content-type': 'application/json' },
    body: '{"size": ',
  })
  assert.equal(await refusal(badJson), 'http 400 BLOB_BAD_REQUEST')
  const forged = {
    authorization: `Pigeon ${bob.peerId} ${await createRelayToken(mallory, relay.relayId)}`,
  }
  assert.equal(
    await refusal(await fetch(`${relay.http}/blobs/${id}/status`, { headers: forged })),
    'http 403 TOKEN_BAD_SIGNATURE',
  )
})

test('an expired blob is deleted by the sweep', async () => {
  const short = await startRelayProcess({ args: ['--blob-ttl', '2s'] })
  try {
    const { id } = await json<{ id: string }>(await createBlob(short, alice, 10, [bob.peerId]))
    assert.equal((await putPiece(short, alice, id, 0, randomBytes(10))).status, 200)
    assert.equal(readdirSync(blobDir(short)).length, 2)
    while (readdirSync(blobDir(short)).length > 0)
      await new Promise((resolve) => setTimeout(resolve, 100))
    assert.ok(
      short.logs.some((line) => line['event'] === 'blob_deleted' && line['reason'] === 'expired'),
    )
    assert.equal(
      await refusal(await blobRequest(short, bob, `/blobs/${id}`)),
      'http 404 BLOB_NOT_FOUND',
    )
  } finally {
    await short.stop()
    short.cleanup()
  }
})

test('a blob for two recipients stays until both said they have it; its uploader may cancel one', async () => {
  const bytes = randomBytes(64)
  const { id } = await json<{ id: string }>(
    await createBlob(relay, alice, 64, [bob.peerId, carol.peerId]),
  )
  assert.equal((await putPiece(relay, alice, id, 0, bytes)).status, 200)
  const finish = async (who: Identity, blob = id): Promise<unknown> =>
    await json(await blobRequest(relay, who, `/blobs/${blob}`, { method: 'DELETE' }))
  assert.deepEqual(await finish(bob), { deleted: false })
  assert.deepEqual(await finish(bob), { deleted: false }, 'saying it twice counts once')
  const carolGets = await blobRequest(relay, carol, `/blobs/${id}`)
  assert.deepEqual(Buffer.from(await carolGets.arrayBuffer()), bytes)
  assert.deepEqual(await finish(carol), { deleted: true })
  assert.equal(readdirSync(blobDir(relay)).filter((name) => name.startsWith(id)).length, 0)

  const cancelled = await json<{ id: string }>(await createBlob(relay, alice, 64, [bob.peerId]))
  assert.equal(
    await refusal(
      await blobRequest(relay, mallory, `/blobs/${cancelled.id}`, { method: 'DELETE' }),
    ),
    'http 403 BLOB_FORBIDDEN',
  )
  assert.deepEqual(await finish(alice, cancelled.id), { deleted: true })
  assert.equal(
    await refusal(await blobRequest(relay, bob, `/blobs/${cancelled.id}/status`)),
    'http 404 BLOB_NOT_FOUND',
  )
})
