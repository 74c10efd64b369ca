// The local API server: MessengerApi over HTTP (`POST /api/<method>`, JSON body) and its event
// stream over a WebSocket (`/api/events`), on 127.0.0.1 only, behind a bearer token that is
// generated at every start and written with the port to <data dir>/api.json (0600).
//
// fastify for HTTP (installed, schema validation built in); the `ws` package for the WebSocket,
// attached to fastify's server 'upgrade' event: it is already a dependency, and the event stream
// needs nothing @fastify/websocket would add.
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { readFileSync, rmSync } from 'node:fs'
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { join } from 'node:path'
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify'
import { WebSocketServer, type WebSocket } from 'ws'
import { isPigeonError, type PigeonErrorCode } from '../../shared/errors.js'
import { writeSecretFile } from '../../shared/node/secret-file.js'
import { errorText, silentLogger, type Logger } from '../core/log.js'
import {
  API_ENDPOINT_FILE,
  API_TOKEN_PROTOCOL_PREFIX,
  type ApiEndpoint,
  type ApiResult,
  type MessengerApi,
} from './contract.js'
import { FileLinks } from './file-links.js'
import { FILE_LINK_ROUTE, registerFileRoutes } from './file-routes.js'
import { METHOD_NAMES } from './methods.js'
import { schemaError } from './schema-errors.js'
import type { JsonSchema } from './schema.js'
import { compileSchema } from './validator.js'
import { Uploads, UPLOADS_DIR } from './uploads.js'
import { argsOf, bodySchema } from './wire.js'

export interface ApiServerOptions {
  api: MessengerApi
  /** api.json goes here; omit to not write one (tests that pass the token by hand) */
  dataDir?: string
  /** 0 or omitted: any free port */
  port?: number
  /** a slow event consumer is dropped beyond this many buffered bytes */
  maxBufferedBytes?: number
  /** where a request the node failed on (500) is logged (app/core/log.ts); default silent */
  logger?: Logger
  /** browser mode's upload staging folder (app/api/uploads.ts); default <dataDir>/uploads, none
   * without a data dir */
  uploadDir?: string
}

export interface ApiServer {
  readonly url: string
  readonly port: number
  readonly token: string
  close(): Promise<void>
}

const HOST = '127.0.0.1'

const STATUS: Partial<Record<PigeonErrorCode, number>> = {
  API_UNAUTHORIZED: 401,
  API_NOT_FOUND: 404,
  PEER_UNKNOWN: 404,
  PEER_AMBIGUOUS: 409,
  GROUP_UNKNOWN: 404,
  GROUP_AMBIGUOUS: 409,
  GROUP_NOT_AUTHORIZED: 403,
  GROUP_NOT_MEMBER: 403,
  MESSAGE_TOO_LONG: 413,
  FILE_TRANSFER_UNKNOWN: 404,
  FILE_TRANSFER_STATE: 409,
  FILE_UPLOAD_UNKNOWN: 404,
  FILE_LINK_INVALID: 403,
  FILE_NAME_DUPLICATE: 409,
  FILE_TARGET_UNWRITABLE: 507,
  API_INTERNAL: 500,
}

function failure(code: string, message: string): ApiResult<never> {
  return { ok: false, error: { code, message } }
}

function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false
  const a = Buffer.from(given)
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

function bearer(header: string | undefined): string | undefined {
  const match = /^Bearer (\S+)$/i.exec(header ?? '')
  return match?.[1]
}

function protocolToken(req: IncomingMessage): string | undefined {
  const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim())
  const protocol = offered.find((p) => p.startsWith(API_TOKEN_PROTOCOL_PREFIX))
  return protocol?.slice(API_TOKEN_PROTOCOL_PREFIX.length)
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const log = options.logger ?? silentLogger()
  const token = randomBytes(32).toString('base64url')
  // strict validation: an unknown field or a wrong type is refused, never dropped or coerced
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 256 * 1024 })
  // the validator IPC uses too (app/api/validator.ts), not fastify's own ajv
  app.setValidatorCompiler(({ schema }) => compileSchema(schema as JsonSchema))

  app.addHook('onRequest', async (request, reply) => {
    if (request.method === 'GET' && FILE_LINK_ROUTE.test(request.url)) return // its HMAC is checked
    if (!sameToken(bearer(request.headers.authorization), token)) {
      await reply
        .code(401)
        .send(
          failure(
            'API_UNAUTHORIZED',
            'Missing or wrong API token; read it from api.json in the data dir.',
          ),
        )
    }
  })

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation !== undefined) {
      // in words about the field, not ajv's (app/api/schema-errors.ts)
      const method = (request.routeOptions.url ?? '').replace(/^\/api\//, '')
      const refused = schemaError(method, error.validation)
      return reply.code(400).send(failure(refused.code, refused.message))
    }
    if (isPigeonError(error)) {
      return reply.code(STATUS[error.code] ?? 400).send(failure(error.code, error.message))
    }
    if (typeof error.statusCode === 'number' && error.statusCode < 500) {
      return reply.code(error.statusCode).send(failure('API_BAD_REQUEST', error.message))
    }
    log.error({ err: errorText(error) }, 'API request failed')
    return reply
      .code(500)
      .send(failure('API_INTERNAL', 'The node failed to handle that request; see its log.'))
  })

  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .send(failure('API_NOT_FOUND', `No such API call: ${request.method} ${request.url}.`)),
  )

  // one route per entry of the method table (app/api/methods.ts)
  for (const method of METHOD_NAMES) {
    const call = options.api[method] as (...args: unknown[]) => Promise<unknown>
    app.post(`/api/${method}`, { schema: { body: bodySchema(method) } }, async (request) => {
      const body = (request.body ?? {}) as Record<string, unknown>
      const value = await call.apply(options.api, argsOf(method, body))
      return { ok: true, value: value ?? null }
    })
  }

  const uploadDir =
    options.uploadDir ??
    (options.dataDir === undefined ? undefined : join(options.dataDir, UPLOADS_DIR))
  const uploads = uploadDir === undefined ? undefined : new Uploads(uploadDir, options.api, log)
  await uploads?.sweep()
  registerFileRoutes(app, uploads, new FileLinks(options.api, token))

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 4 * 1024,
    handleProtocols: (protocols) =>
      [...protocols].find((p) => p.startsWith(API_TOKEN_PROTOCOL_PREFIX)) ?? false,
  })
  const maxBuffered = options.maxBufferedBytes ?? 8 * 1024 * 1024

  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname
    const given = bearer(req.headers.authorization) ?? protocolToken(req)
    if (path !== '/api/events' || !sameToken(given, token)) {
      socket.end(
        path === '/api/events'
          ? 'HTTP/1.1 401 Unauthorized\r\n\r\n'
          : 'HTTP/1.1 404 Not Found\r\n\r\n',
      )
      return
    }
    wss.handleUpgrade(req, socket, head, (ws) => stream(ws))
  }

  const stream = (ws: WebSocket): void => {
    const unsubscribe = options.api.subscribe((event) => {
      if (ws.readyState !== ws.OPEN) return
      if (ws.bufferedAmount > maxBuffered) {
        ws.close(1013, 'too slow: reconnect and reload')
        return
      }
      ws.send(JSON.stringify(event))
    })
    ws.on('close', unsubscribe)
    ws.on('error', unsubscribe)
  }

  app.server.on('upgrade', onUpgrade)
  await app.listen({ host: HOST, port: options.port ?? 0 })
  const address = app.server.address()
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 0)
  const url = `http://${HOST}:${port}`
  const endpointFile =
    options.dataDir === undefined ? undefined : join(options.dataDir, API_ENDPOINT_FILE)
  if (endpointFile !== undefined) {
    const endpoint: ApiEndpoint = { url, port, token, pid: process.pid }
    writeSecretFile(endpointFile, `${JSON.stringify(endpoint, null, 2)}\n`)
  }

  return {
    url,
    port,
    token,
    async close() {
      app.server.off('upgrade', onUpgrade)
      for (const client of wss.clients) client.close(1001, 'node stopping')
      wss.close()
      uploads?.close()
      await app.close()
      if (endpointFile !== undefined) removeIfOurs(endpointFile, token)
    },
  }
}

/** Another node may have started on this data dir since: only remove the file we wrote. */
function removeIfOurs(file: string, token: string): void {
  try {
    const endpoint = JSON.parse(readFileSync(file, 'utf8')) as ApiEndpoint
    if (endpoint.token === token) rmSync(file, { force: true })
  } catch {
    // already gone or unreadable: nothing of ours to remove
  }
}
