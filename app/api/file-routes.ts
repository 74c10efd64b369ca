// The local API's routes for files in browser mode, beside the method table's (app/api/server.ts):
// uploads into a staging folder (app/api/uploads.ts) and links to received files
// (app/api/file-links.ts). Every route but the link itself sits behind the same bearer token;
// a link carries its own HMAC instead (file-links.ts says why).
//
//   POST /api/upload                      → { id }
//   PUT  /api/upload/<id>?path=<rel>      body: the file's bytes (application/octet-stream)
//   PUT  /api/upload/<id>?path=<rel>&dir=1   an (empty) directory
//   POST /api/upload/<id>/send {peer}     → TransferView[] (sendFiles from the staging folder)
//   POST /api/upload/<id>/discard
//   POST /api/fileLink {id}               → { url } of a received file
//   GET  /api/file/<id>/<hmac>[?inline=1] the file (inline: images only)
import type { FastifyInstance } from 'fastify'
import type { Readable } from 'node:stream'
import { s } from './schema.js'
import type { FileLinks } from './file-links.js'
import type { Uploads } from './uploads.js'

/** the one route a bearer token is not asked for: its HMAC is the credential */
export const FILE_LINK_ROUTE = /^\/api\/file\/[0-9a-f]{32}\/[A-Za-z0-9_-]{43}(\?|$)/

const hexId = s.string({ pattern: '^[0-9a-f]{32}$' })
const uploadParams = s.object({ id: hexId })
const putQuery = s.object(
  { path: s.string({ minLength: 1, maxLength: 4096 }) },
  { dir: s.oneOf('1') },
)

export function registerFileRoutes(
  app: FastifyInstance,
  uploads: Uploads | undefined,
  links: FileLinks,
): void {
  app.post('/api/fileLink', { schema: { body: s.object({ id: hexId }) } }, async (request) => {
    const { id } = request.body as { id: string }
    return { ok: true, value: { url: await links.link(id) } }
  })

  app.get('/api/file/:id/:sig', async (request, reply) => {
    const { id, sig } = request.params as { id: string; sig: string }
    const inline = (request.query as Record<string, string>).inline === '1'
    const served = await links.open(id, sig, inline)
    return reply.headers(served.headers).send(served.body)
  })

  if (uploads === undefined) return
  app.post('/api/upload', async () => ({ ok: true, value: { id: await uploads.start() } }))

  app.register(async (raw) => {
    // the body stays a stream: piped to disk by uploads.put, never parsed or buffered
    raw.addContentTypeParser('application/octet-stream', (_request, payload, done) =>
      done(null, payload),
    )
    raw.put(
      '/api/upload/:id',
      { schema: { params: uploadParams, querystring: putQuery } },
      async (request) => {
        const { id } = request.params as { id: string }
        const query = request.query as { path: string; dir?: '1' }
        if (query.dir === '1') await uploads.put(id, query.path, { directory: true })
        else {
          const length = request.headers['content-length']
          await uploads.put(id, query.path, {
            directory: false,
            body: (request.body as Readable | undefined) ?? request.raw,
            declared: length === undefined ? undefined : Number(length),
          })
        }
        return { ok: true, value: null }
      },
    )
  })

  app.post(
    '/api/upload/:id/send',
    { schema: { params: uploadParams, body: s.object({ peer: s.string({ minLength: 1 }) }) } },
    async (request) => {
      const { id } = request.params as { id: string }
      const { peer } = request.body as { peer: string }
      return { ok: true, value: await uploads.send(id, peer) }
    },
  )

  app.post('/api/upload/:id/discard', { schema: { params: uploadParams } }, async (request) => {
    await uploads.discard((request.params as { id: string }).id)
    return { ok: true, value: null }
  })
}
