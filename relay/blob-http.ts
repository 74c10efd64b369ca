// The blob store's HTTP routes (docs/relay.md "File blobs"). Every request carries its own relay
// token, `Authorization: Pigeon <peerId> <token>`, checked and spent exactly like a CONNECT's
// password (relay/auth.ts, docs/protocol.md §5), so a token opens one request, once.
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify'
import { isPigeonError, PigeonError, type PigeonErrorCode } from '../shared/errors.js'
import { isPeerId } from '../shared/identity.js'
import { verifyRelayToken, type TokenSpender } from '../shared/relay-token.js'
import {
  checkBlobId,
  MAX_BLOB_RECIPIENTS,
  MAX_PIECE_BYTES,
  type BlobMeta,
  type BlobStore,
} from './blobs.js'
import type { RelayMetrics } from './metrics.js'

export interface BlobRouteOptions {
  relayId: string
  blobs: BlobStore
  spent: TokenSpender
  metrics: RelayMetrics
  isAdmitted: (peerId: string) => Promise<boolean>
}

const STATUS: Partial<Record<PigeonErrorCode, number>> = {
  BLOB_UNAUTHORIZED: 401,
  RELAY_NOT_INVITED: 403,
  BLOB_FORBIDDEN: 403,
  BLOB_NOT_FOUND: 404,
  BLOB_OFFSET_MISMATCH: 409,
  BLOB_INCOMPLETE: 409,
  BLOB_TOO_LARGE: 413,
  BLOB_RANGE_INVALID: 416,
  BLOB_QUOTA_EXCEEDED: 507,
  BLOB_BAD_REQUEST: 400,
}

function statusOf(error: PigeonError): number {
  if (error.code.startsWith('TOKEN_')) return 403
  return STATUS[error.code] ?? 500
}

const unauthorized = (): PigeonError =>
  new PigeonError(
    'BLOB_UNAUTHORIZED',
    'Send "Authorization: Pigeon <your PeerId> <a fresh relay token>" with every blob request.',
  )

/** the PeerId a request proves, its token spent; throws a PigeonError otherwise */
async function authenticate(request: FastifyRequest, options: BlobRouteOptions): Promise<string> {
  const parts = (request.headers.authorization ?? '').split(' ')
  const [scheme, peerId, token] = parts
  if (
    parts.length !== 3 ||
    scheme !== 'Pigeon' ||
    peerId === undefined ||
    token === undefined ||
    !isPeerId(peerId)
  )
    throw unauthorized()
  await verifyRelayToken(token, { peerId, relayId: options.relayId, spent: options.spent })
  if (!(await options.isAdmitted(peerId)))
    throw new PigeonError(
      'RELAY_NOT_INVITED',
      'This relay is invite-only and your key has not redeemed an invite; ask the relay admin for one.',
    )
  return peerId
}

function view(meta: BlobMeta): Record<string, unknown> {
  return {
    id: meta.id,
    size: meta.size,
    received: meta.received,
    complete: meta.received === meta.size,
    expiresAt: meta.expiresAt,
  }
}

/** a whole number from a header or query, or a BLOB_BAD_REQUEST naming `what` */
function wholeNumber(raw: unknown, what: string): number {
  const n =
    typeof raw === 'number'
      ? raw
      : typeof raw === 'string' && /^\d{1,16}$/.test(raw)
        ? Number(raw)
        : NaN
  if (!Number.isSafeInteger(n) || n < 0)
    throw new PigeonError('BLOB_BAD_REQUEST', `${what} must be a whole number of bytes.`)
  return n
}

/** `bytes=start-` or `bytes=start-end` within `size` (one range: RFC 9110 §14.1.2) */
function parseRange(
  header: string | undefined,
  size: number,
): { start: number; end: number } | undefined {
  if (header === undefined) return undefined
  const match = /^bytes=(\d{1,16})-(\d{0,16})$/.exec(header)
  const start = Number(match?.[1])
  const end = match?.[2] === '' ? size - 1 : Math.min(size - 1, Number(match?.[2]))
  if (match === null || start >= size || end < start)
    throw new PigeonError(
      'BLOB_RANGE_INVALID',
      `Ask for one range "bytes=<start>-[<end>]" inside the file's ${size} bytes.`,
    )
  return { start, end }
}

export const blobRoutes: FastifyPluginAsync<BlobRouteOptions> = async (app, options) => {
  const { blobs } = options

  /** runs a handler with the caller authenticated; every refusal is a code and a sentence */
  const guarded =
    <R extends FastifyRequest>(
      handler: (request: R, reply: FastifyReply, peer: string) => Promise<unknown>,
    ) =>
    async (request: R, reply: FastifyReply): Promise<unknown> => {
      try {
        const peer = await authenticate(request, options)
        return await handler(request, reply, peer)
      } catch (error) {
        if (!isPigeonError(error)) throw error
        if (
          error.code.startsWith('TOKEN_') ||
          error.code === 'BLOB_UNAUTHORIZED' ||
          error.code === 'RELAY_NOT_INVITED'
        )
          options.metrics.blobRefusals.inc({ reason: 'unauthorized' })
        // a refused piece's unread body would otherwise be drained first, up to any size
        if (request.method === 'PUT' && !request.raw.readableEnded)
          reply.header('connection', 'close')
        return await reply.code(statusOf(error)).send(error.toJSON())
      }
    }

  // fastify's own refusals in this scope (bad JSON, a wrong Content-Type, a JSON body over
  // 16 KiB) answer with a blob code and a sentence too
  app.setErrorHandler(async (error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode ?? 500
    if (status >= 500) throw error
    const refusal = new PigeonError(
      status === 413 ? 'BLOB_TOO_LARGE' : 'BLOB_BAD_REQUEST',
      `The relay could not read this request (${error.message}): send JSON to POST /blobs and application/octet-stream pieces to PUT.`,
    )
    return await reply.code(status).send(refusal.toJSON())
  })

  // pieces arrive as raw bytes, streamed to disk, never buffered whole
  app.addContentTypeParser('application/octet-stream', (_request, payload, done) =>
    done(null, payload),
  )

  app.post<{ Body: { size?: unknown; recipients?: unknown } }>(
    '/blobs',
    guarded(async (request, reply, peer) => {
      const { size, recipients } = request.body ?? {}
      if (
        !Array.isArray(recipients) ||
        recipients.length === 0 ||
        recipients.length > MAX_BLOB_RECIPIENTS ||
        !recipients.every((r) => typeof r === 'string' && isPeerId(r))
      )
        throw new PigeonError(
          'BLOB_BAD_REQUEST',
          `Send JSON {"size", "recipients"}: the encrypted size in bytes and 1 to ${MAX_BLOB_RECIPIENTS} recipient PeerIds.`,
        )
      const bytes = wholeNumber(size, '"size"')
      if (bytes === 0)
        throw new PigeonError(
          'BLOB_BAD_REQUEST',
          'An encrypted file is never empty: "size" must be above 0.',
        )
      return await reply
        .code(201)
        .send(view(await blobs.create(peer, bytes, recipients as string[])))
    }),
  )

  app.get<{ Params: { id: string } }>(
    '/blobs/:id/status',
    guarded(async (request, _reply, peer) => {
      checkBlobId(request.params.id)
      return view(await blobs.status(request.params.id, peer))
    }),
  )

  app.put<{ Params: { id: string }; Querystring: { offset?: string } }>(
    '/blobs/:id',
    guarded(async (request, _reply, peer) => {
      checkBlobId(request.params.id)
      const offset = wholeNumber(request.query.offset, 'The "offset" query parameter')
      const length = wholeNumber(request.headers['content-length'], 'Content-Length')
      if (length > MAX_PIECE_BYTES)
        throw new PigeonError(
          'BLOB_TOO_LARGE',
          `Send a file in pieces of at most ${MAX_PIECE_BYTES} bytes (this one has ${length}).`,
        )
      // only the raw-bytes parser hands over a stream; fastify parses text/plain into a string
      const body = request.body as AsyncIterable<Uint8Array> | undefined
      if (body === undefined || request.headers['content-type'] !== 'application/octet-stream')
        throw new PigeonError(
          'BLOB_BAD_REQUEST',
          'Send the piece as Content-Type: application/octet-stream.',
        )
      return view(await blobs.append(request.params.id, peer, offset, length, body))
    }),
  )

  app.get<{ Params: { id: string } }>(
    '/blobs/:id',
    { exposeHeadRoute: false },
    guarded(async (request, reply, peer) => {
      checkBlobId(request.params.id)
      const { meta, file } = await blobs.openForRead(request.params.id, peer)
      let range: { start: number; end: number } | undefined
      try {
        range = parseRange(request.headers.range, meta.size)
      } catch (error) {
        await file.close()
        throw error
      }
      const { start, end } = range ?? { start: 0, end: meta.size - 1 }
      reply
        .header('accept-ranges', 'bytes')
        .header('content-length', end - start + 1)
        .type('application/octet-stream')
      if (range !== undefined)
        reply.code(206).header('content-range', `bytes ${start}-${end}/${meta.size}`)
      return await reply.send(file.createReadStream({ start, end, autoClose: true }))
    }),
  )

  app.delete<{ Params: { id: string } }>(
    '/blobs/:id',
    guarded(async (request, _reply, peer) => {
      checkBlobId(request.params.id)
      return await blobs.finish(request.params.id, peer)
    }),
  )
}
