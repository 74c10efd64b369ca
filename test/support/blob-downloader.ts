// A downloader process for the kill -9 test (test/relay/blobs.test.ts): fetches a blob from a
// chunk on, verifies each chunk (docs/protocol.md §12) and appends its plaintext to a file, so
// that the file holds only verified chunks — the way a receiver writes its partial file.
//   node --import tsx blob-downloader.ts <json {http, relayId, identity, key, id, out, header}>
import { open } from 'node:fs/promises'
import { chunkOffset, decryptBlob, parseBlobHeader } from '../../shared/blob-stream.js'
import { identityFromBytes } from '../../shared/identity.js'
import { blobRequest, bodyOf } from './blob-client.js'

interface Job {
  http: string
  relayId: string
  identity: string
  key: string
  id: string
  out: string
  header: string
  fromChunk: number
  /** after writing this many chunks, stop reading and wait to be killed (the connection open) */
  hangAfter?: number
}

const job = JSON.parse(process.argv[2] ?? '{}') as Job
const header = parseBlobHeader(Buffer.from(job.header, 'hex'))
const response = await blobRequest(
  { http: job.http, relayId: job.relayId },
  identityFromBytes(Buffer.from(job.identity, 'hex')),
  `/blobs/${job.id}`,
  { headers: { range: `bytes=${chunkOffset(header, job.fromChunk)}-` } },
)
if (response.status !== 206) throw new Error(`download answered ${response.status}`)
const out = await open(job.out, 'a')
let written = 0
for await (const plain of decryptBlob(
  Buffer.from(job.key, 'hex'),
  header,
  bodyOf(response),
  job.fromChunk,
)) {
  await out.write(plain)
  await out.sync()
  written += 1
  if (written === job.hangAfter) {
    process.stdout.write(`hanging after ${written}\n`)
    await new Promise(() => setInterval(() => undefined, 60_000))
  }
}
await out.close()
