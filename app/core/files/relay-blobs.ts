// The app's client of the relay's blob store (docs/relay.md "File blobs"): every request carries
// `Authorization: Pigeon <PeerId> <fresh relay token>` (tokens are single-use, docs/protocol.md
// §5). The store is on the relay's HTTP port: the setting files.relayBlobUrl, else
// http://<relay host>:8080 (https for mqtts:// and wss://), the relay's default --http-port.
// A refusal becomes a PigeonError with the relay's own code and sentence; a relay that cannot be
// reached is RELAY_UNREACHABLE (the caller retries on back-off).
import { PigeonError, type PigeonErrorCode } from '../../../shared/errors.js'
import type { Identity } from '../../../shared/identity.js'
import { createRelayToken } from '../../../shared/relay-token.js'
import { BLOB_HEADER_BYTES } from '../../../shared/blob-stream.js'
import { parseRelayAddress } from '../relay/url.js'

export const SETTING_BLOB_URL = 'files.relayBlobUrl'
const DEFAULT_HTTP_PORT = 8080

export interface BlobStatus {
  id: string
  size: number
  received: number
  complete: boolean
  expiresAt: number
}

/** the blob store of the relay at `relayAddress` (mqtt://host:1883#<relay id>) */
export function blobStoreUrl(relayAddress: string, configured: string | undefined): string {
  if (configured !== undefined && configured !== '') return configured.replace(/\/+$/, '')
  const broker = new URL(parseRelayAddress(relayAddress).brokerUrl)
  const secure = broker.protocol === 'mqtts:' || broker.protocol === 'wss:'
  return `${secure ? 'https' : 'http'}://${broker.hostname.includes(':') ? `[${broker.hostname}]` : broker.hostname}:${DEFAULT_HTTP_PORT}`
}

export class RelayBlobs {
  readonly #base: string
  readonly #relayId: string
  readonly #identity: Identity

  constructor(relayAddress: string, identity: Identity, configuredUrl?: string) {
    this.#relayId = parseRelayAddress(relayAddress).relayId
    this.#base = blobStoreUrl(relayAddress, configuredUrl)
    this.#identity = identity
  }

  async create(size: number, recipients: readonly string[]): Promise<BlobStatus> {
    const response = await this.#request('/blobs', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ size, recipients }),
    })
    return (await response.json()) as BlobStatus
  }

  async status(id: string): Promise<BlobStatus> {
    return (await (await this.#request(`/blobs/${id}/status`)).json()) as BlobStatus
  }

  /** stores `bytes` at `offset`; resolves with the bytes the relay holds now */
  async put(id: string, offset: number, bytes: Uint8Array, signal?: AbortSignal): Promise<number> {
    const response = await this.#request(`/blobs/${id}?offset=${offset}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
      signal,
    })
    return ((await response.json()) as BlobStatus).received
  }

  /** the blob from byte `from` to its end (HTTP Range), as a stream of bytes */
  async download(
    id: string,
    from: number,
    signal?: AbortSignal,
  ): Promise<AsyncIterable<Uint8Array>> {
    const response = await this.#request(`/blobs/${id}`, {
      headers: { range: `bytes=${from}-` },
      signal,
    })
    return bodyOf(response, signal)
  }

  /** the blob's 16-byte header (docs/protocol.md §12), for a download resumed past it */
  async header(id: string, signal?: AbortSignal): Promise<Uint8Array> {
    const response = await this.#request(`/blobs/${id}`, {
      headers: { range: `bytes=0-${BLOB_HEADER_BYTES - 1}` },
      signal,
    })
    return new Uint8Array(await response.arrayBuffer())
  }

  /** a recipient: "I have it"; the uploader: cancel. Resolves whether the relay deleted it. */
  async remove(id: string): Promise<boolean> {
    const response = await this.#request(`/blobs/${id}`, { method: 'DELETE' })
    return ((await response.json()) as { deleted: boolean }).deleted
  }

  async #request(
    path: string,
    init: {
      method?: string
      headers?: Record<string, string>
      body?: RequestInit['body']
      signal?: AbortSignal
    } = {},
  ): Promise<Response> {
    const token = await createRelayToken(this.#identity, this.#relayId)
    let response: Response
    try {
      response = await fetch(`${this.#base}${path}`, {
        ...init,
        headers: { ...init.headers, authorization: `Pigeon ${this.#identity.peerId} ${token}` },
      })
    } catch (cause) {
      if (init.signal?.aborted === true) throw init.signal.reason
      throw new PigeonError(
        'RELAY_UNREACHABLE',
        `The relay's file store at ${this.#base} cannot be reached (${(cause as Error).message}); the transfer goes on when it can.`,
        { cause },
      )
    }
    if (response.ok) return response
    throw await refusalOf(response)
  }
}

async function refusalOf(response: Response): Promise<PigeonError> {
  const text = await response.text().catch(() => '')
  try {
    const body = JSON.parse(text) as { code?: string; message?: string }
    if (typeof body.code === 'string' && typeof body.message === 'string') {
      return new PigeonError(body.code as PigeonErrorCode, body.message)
    }
  } catch {
    // not the relay's JSON: said below
  }
  return new PigeonError(
    'RELAY_REFUSED',
    `The relay's file store answered ${response.status} ${text.slice(0, 200)}`,
  )
}

async function* bodyOf(response: Response, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const reader = response.body!.getReader()
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) return
      yield value
    }
  } catch (error) {
    if (signal?.aborted === true) throw signal.reason
    throw new PigeonError(
      'RELAY_UNREACHABLE',
      `The download from the relay broke off (${(error as Error).message}); it resumes from the last verified chunk.`,
      { cause: error },
    )
  } finally {
    // a consumer that stops early (paused, a chunk that failed) closes the connection too
    await reader.cancel().catch(() => undefined)
  }
}
