// The relay's HTTP side (docs/relay.md): health, Prometheus metrics, the admin API behind
// a bearer token kept in the data dir, invite redemption and the file blob store (blob-http.ts).
// Not the real-time path.
import { timingSafeEqual } from 'node:crypto'
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import { isPigeonError } from '../shared/errors.js'
import { isPeerId } from '../shared/identity.js'
import { verifyRelayToken, type TokenSpender } from '../shared/relay-token.js'
import { blobRoutes } from './blob-http.js'
import type { BlobStore } from './blobs.js'
import type { InviteBook } from './invites.js'
import type { RelayMetrics } from './metrics.js'

export interface HttpOptions {
  relayId: string
  adminToken: string
  inviteOnly: boolean
  metrics: RelayMetrics
  invites: InviteBook
  /** the one record of spent tokens, shared with CONNECT (auth.ts) */
  spent: TokenSpender
  blobs: BlobStore
  /** may this key use the relay (invite-only: it redeemed an invite) */
  isAdmitted: (peerId: string) => Promise<boolean>
  log: Logger
  stats: () => Promise<Record<string, unknown>>
  disconnect: (peerId: string) => Promise<boolean>
  isClosing: () => boolean
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = Buffer.from(header?.startsWith('Bearer ') === true ? header.slice(7) : '')
  const expected = Buffer.from(token)
  return given.length === expected.length && timingSafeEqual(given, expected)
}

export function createHttpServer(options: HttpOptions) {
  // per-request lines are info; keep the HTTP side to warnings and errors
  const app = Fastify({
    loggerInstance: options.log.child({ component: 'http' }, { level: 'warn' }),
    bodyLimit: 16_384,
  })

  const admin = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (!bearerMatches(request.headers.authorization, options.adminToken)) {
      options.log.warn(
        { event: 'admin_refused', ip: request.ip, url: request.url },
        'admin request without the admin token',
      )
      await reply.code(401).send({
        code: 'API_UNAUTHORIZED',
        message: 'Send the admin token from <data>/admin-token as "Authorization: Bearer <token>".',
      })
    }
  }

  app.get('/healthz', async (_request, reply) => {
    if (options.isClosing())
      return await reply.code(503).send({ ok: false, relayId: options.relayId, closing: true })
    return { ok: true, relayId: options.relayId }
  })

  app.get('/metrics', async (_request, reply) => {
    return await reply
      .type(options.metrics.registry.contentType)
      .send(await options.metrics.registry.metrics())
  })

  app.get('/admin/stats', { preHandler: admin }, async () => await options.stats())

  app.post('/admin/invites', { preHandler: admin }, async () => ({
    code: await options.invites.create(),
    inviteOnly: options.inviteOnly,
  }))

  app.post<{ Params: { peerId: string } }>(
    '/admin/clients/:peerId/disconnect',
    { preHandler: admin },
    async (request, reply) => {
      const found = await options.disconnect(request.params.peerId)
      return await reply.code(found ? 200 : 404).send({ disconnected: found })
    },
  )

  // A key proves itself with a relay token (the same one it would put in CONNECT) and spends a code.
  app.post<{ Body: { peerId?: unknown; code?: unknown; token?: unknown } }>(
    '/invites/redeem',
    async (request, reply) => {
      const { peerId, code, token } = request.body ?? {}
      if (
        typeof peerId !== 'string' ||
        !isPeerId(peerId) ||
        typeof code !== 'string' ||
        typeof token !== 'string'
      ) {
        return await reply.code(400).send({
          code: 'API_BAD_REQUEST',
          message:
            'Send JSON {"peerId", "code", "token"}: your PeerId, the invite code and a fresh relay token.',
        })
      }
      try {
        await verifyRelayToken(token, { peerId, relayId: options.relayId, spent: options.spent })
      } catch (error) {
        if (!isPigeonError(error) || !error.code.startsWith('TOKEN_')) throw error
        options.metrics.authRefusals.inc({ reason: `redeem_${error.code.toLowerCase()}` })
        return await reply.code(403).send({ code: error.code, message: error.message })
      }
      if (!(await options.invites.redeem(code, peerId))) {
        options.metrics.authRefusals.inc({ reason: 'redeem_bad_code' })
        return await reply.code(403).send({
          code: 'RELAY_INVITE_INVALID',
          message:
            'This invite code is unknown or already used; ask the relay admin for a new one.',
        })
      }
      options.log.info({ event: 'invite_redeemed', peerId }, 'invite redeemed')
      return { admitted: true }
    },
  )

  // its own scope: the raw-bytes body parser of blob pieces applies to the blob routes only
  void app.register(blobRoutes, {
    relayId: options.relayId,
    blobs: options.blobs,
    spent: options.spent,
    metrics: options.metrics,
    isAdmitted: options.isAdmitted,
  })

  return app
}
