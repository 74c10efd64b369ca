// `npm run bench -- files-relay [--mib N]`: the relay path of a file transfer (`relay_mib_s`;
// docs/relay.md "File blobs"). A file of N MiB (default 200) is encrypted as it is read
// (docs/protocol.md §12), uploaded to a real `pigeon-relay` on loopback in 16 MiB pieces (each
// fsync'd before it is answered), downloaded and decrypted as it arrives, and its SHA-256
// compared. The reference in the same run: the same download without decryption (HTTP + disk
// alone).
import { createHash, randomBytes } from 'node:crypto'
import { parseArgs } from 'node:util'
import { decryptBlob, encryptBlob, encryptedSize, newBlobKey } from '../../shared/blob-stream.js'
import { generateIdentity } from '../../shared/identity.js'
import { blobRequest, bodyOf, createBlob, splitHeader, uploadFrom } from '../support/blob-client.js'
import { startRelayProcess } from '../support/relay-process.js'
import type { BenchResult } from './table.js'

const MiB = 1_048_576
const PIECE_BYTES = 16 * MiB

function progress(text: string): void {
  process.stderr.write(`[bench files-relay] ${text}\n`)
}

/** `mib` MiB of random bytes, 1 MiB at a time, hashed as they go */
async function* randomFile(
  mib: number,
  hash: ReturnType<typeof createHash>,
): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < mib; i++) {
    const part = randomBytes(MiB)
    hash.update(part)
    yield part
  }
}

export async function relayBlobThroughput(mib: number): Promise<{
  uploadMiBs: number
  downloadMiBs: number
  rawDownloadMiBs: number
  relayMiBs: number
}> {
  const relay = await startRelayProcess({
    args: ['--blob-max-bytes', String(2 * encryptedSize(mib * MiB))],
  })
  try {
    const [alice, bob] = await Promise.all([generateIdentity(), generateIdentity()])
    const key = newBlobKey()
    const sentHash = createHash('sha256')
    const created = await createBlob(relay, alice, encryptedSize(mib * MiB), [bob.peerId])
    const { id } = (await created.json()) as { id: string }

    progress(`upload ${mib} MiB`)
    let started = performance.now()
    await uploadFrom(relay, alice, id, 0, encryptBlob(key, randomFile(mib, sentHash)), PIECE_BYTES)
    const uploadS = (performance.now() - started) / 1000

    progress('download and decrypt')
    started = performance.now()
    const gotHash = createHash('sha256')
    const { header, rest } = await splitHeader(
      bodyOf(await blobRequest(relay, bob, `/blobs/${id}`)),
    )
    for await (const part of decryptBlob(key, header, rest)) gotHash.update(part)
    const downloadS = (performance.now() - started) / 1000
    if (gotHash.digest('hex') !== sentHash.digest('hex'))
      throw new Error('the downloaded file differs from the one sent')

    progress('download without decryption (reference)')
    started = performance.now()
    for await (const part of bodyOf(await blobRequest(relay, bob, `/blobs/${id}`))) void part
    const rawS = (performance.now() - started) / 1000
    return {
      uploadMiBs: mib / uploadS,
      downloadMiBs: mib / downloadS,
      rawDownloadMiBs: mib / rawS,
      relayMiBs: mib / (uploadS + downloadS),
    }
  } finally {
    await relay.stop()
    relay.cleanup()
  }
}

export async function run(args: string[]): Promise<BenchResult> {
  const { values } = parseArgs({
    args,
    options: { mib: { type: 'string', default: '200' } },
    strict: false,
  })
  const mib = Number(values.mib)
  const result = await relayBlobThroughput(mib)
  return {
    title: `Relay path: a ${mib} MiB file through pigeon-relay's blob store on loopback`,
    columns: ['step', 'MiB/s'],
    rows: [
      ['encrypt + upload (16 MiB pieces, fsync each)', result.uploadMiBs],
      ['download + decrypt + verify', result.downloadMiBs],
      ['download alone (reference: HTTP + disk)', result.rawDownloadMiBs],
      ['upload then download (the file, end to end)', result.relayMiBs],
    ],
    notes: [
      'AES-256-GCM via WebCrypto, 1 MiB chunks (docs/protocol.md §12); the relay stores ciphertext only.',
    ],
    json: {
      relay_mib_s: Number(result.relayMiBs.toFixed(1)),
      relay_upload_mib_s: Number(result.uploadMiBs.toFixed(1)),
      relay_download_mib_s: Number(result.downloadMiBs.toFixed(1)),
      relay_raw_download_mib_s: Number(result.rawDownloadMiBs.toFixed(1)),
    },
  }
}
