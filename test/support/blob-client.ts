// A client of the relay's blob store (docs/relay.md "File blobs") for tests and the files-relay
// bench: every request with its own fresh relay token, as the app will send them.
import { BLOB_HEADER_BYTES, parseBlobHeader, type BlobHeader } from '../../shared/blob-stream.js'
import type { Identity } from '../../shared/identity.js'
import { createRelayToken } from '../../shared/relay-token.js'

export interface BlobRelay {
  http: string
  relayId: string
}

export async function blobAuth(relay: BlobRelay, identity: Identity): Promise<string> {
  return `Pigeon ${identity.peerId} ${await createRelayToken(identity, relay.relayId)}`
}

export async function createBlob(
  relay: BlobRelay,
  identity: Identity,
  size: number,
  recipients: string[],
): Promise<Response> {
  return await fetch(`${relay.http}/blobs`, {
    method: 'POST',
    headers: { authorization: await blobAuth(relay, identity), 'content-type': 'application/json' },
    body: JSON.stringify({ size, recipients }),
  })
}

export async function putPiece(
  relay: BlobRelay,
  identity: Identity,
  id: string,
  offset: number,
  bytes: Uint8Array,
): Promise<Response> {
  return await fetch(`${relay.http}/blobs/${id}?offset=${offset}`, {
    method: 'PUT',
    headers: {
      authorization: await blobAuth(relay, identity),
      'content-type': 'application/octet-stream',
    },
    body: bytes,
  })
}

/** GET, DELETE or status of a blob as `identity` */
export async function blobRequest(
  relay: BlobRelay,
  identity: Identity,
  path: string,
  init: { method?: string; headers?: Record<string, string>; signal?: AbortSignal } = {},
): Promise<Response> {
  return await fetch(`${relay.http}${path}`, {
    ...init,
    headers: { ...init.headers, authorization: await blobAuth(relay, identity) },
  })
}

/** `source` cut into pieces of `pieceBytes` (the last may be shorter) */
export async function* inPieces(
  source: AsyncIterable<Uint8Array>,
  pieceBytes: number,
): AsyncGenerator<Uint8Array> {
  let parts: Uint8Array[] = []
  let held = 0
  for await (const data of source) {
    parts.push(data)
    held += data.length
    while (held >= pieceBytes) {
      const all = Buffer.concat(parts)
      yield all.subarray(0, pieceBytes)
      parts = [all.subarray(pieceBytes)]
      held -= pieceBytes
    }
  }
  if (held > 0) yield Buffer.concat(parts)
}

/** uploads `source` (the blob's bytes from `offset` on) piece by piece; resolves with the bytes stored */
export async function uploadFrom(
  relay: BlobRelay,
  identity: Identity,
  id: string,
  offset: number,
  source: AsyncIterable<Uint8Array>,
  pieceBytes: number,
): Promise<number> {
  let at = offset
  for await (const piece of inPieces(source, pieceBytes)) {
    const response = await putPiece(relay, identity, id, at, piece)
    if (response.status !== 200)
      throw new Error(`PUT at ${at}: ${response.status} ${await response.text()}`)
    at = ((await response.json()) as { received: number }).received
  }
  return at
}

/** a response body as an async iterable of bytes */
export async function* bodyOf(response: Response): AsyncGenerator<Uint8Array> {
  const reader = response.body!.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) return
    yield value
  }
}

/** the blob header from the first bytes of a download, and the bytes after it */
export async function splitHeader(
  source: AsyncGenerator<Uint8Array>,
): Promise<{ header: BlobHeader; rest: AsyncGenerator<Uint8Array> }> {
  let pending = Buffer.alloc(0)
  while (pending.length < BLOB_HEADER_BYTES) {
    const next = await source.next()
    if (next.done === true) break
    pending = Buffer.concat([pending, next.value])
  }
  const header = parseBlobHeader(pending)
  async function* rest(): AsyncGenerator<Uint8Array> {
    yield pending.subarray(BLOB_HEADER_BYTES)
    yield* source
  }
  return { header, rest: rest() }
}
