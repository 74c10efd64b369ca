// Browser mode: serves the built UI (dist/renderer) on 127.0.0.1 and passes /api/* — the
// calls and the /api/events WebSocket — through to the node's local API server, so the page and
// its API share one origin and the CSP can say connect-src 'self'. The token travels in the URL's
// fragment, which browsers never send to a server; the API server still checks it on every call.
//
//   const web = await serveWebUi({ apiUrl: api.url, token: api.token, port: 0 })
//   console.log(`Open ${web.url}`)   // http://127.0.0.1:PORT/#token=…
import { createReadStream } from 'node:fs'
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http'
import { connect } from 'node:net'
import type { Duplex } from 'node:stream'
import { PigeonError } from '../../shared/errors.js'
import { ensureRendererBuilt } from './build.js'
import { CONTENT_SECURITY_POLICY } from './csp.js'
import { contentType, resolveStatic } from './static.js'

export interface WebUiOptions {
  /** the node's API server, e.g. http://127.0.0.1:41234 */
  apiUrl: string
  token: string
  /** 0: any free port; omitted: DEFAULT_WEB_PORT, else any free one (see fellBackFrom) */
  port?: number
  /** loopback only: the UI holds the token */
  host?: '127.0.0.1'
  /** the built UI; default dist/renderer, built first if missing */
  root?: string
}

export interface WebUi {
  /** the address to open, token included */
  readonly url: string
  readonly port: number
  /** set when the default port was taken and a free one was used instead */
  readonly fellBackFrom?: number
  close(): Promise<void>
}

/** browser mode's port when none is given: the same every start, so the page's origin (and what
 * the browser keeps for it) stays the same */
export const DEFAULT_WEB_PORT = 24250

const SECURITY_HEADERS = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
}

function plain(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' })
  res.end(text)
}

export async function serveWebUi(options: WebUiOptions): Promise<WebUi> {
  const host = options.host ?? '127.0.0.1'
  if (host !== '127.0.0.1')
    throw new PigeonError('API_BAD_REQUEST', 'The web UI listens on 127.0.0.1 only.')
  const api = new URL(options.apiUrl)
  if (api.hostname !== '127.0.0.1' && api.hostname !== 'localhost') {
    throw new PigeonError(
      'API_BAD_REQUEST',
      `The web UI proxies only to a local API, not ${api.host}.`,
    )
  }
  const root = await ensureRendererBuilt({ root: options.root })
  let port = options.port ?? DEFAULT_WEB_PORT

  // DNS rebinding: a page from another site that resolves its name to 127.0.0.1 still sends
  // its own Host header; only our own names are served.
  const hostAllowed = (header: string | undefined): boolean =>
    header === `127.0.0.1:${port}` || header === `localhost:${port}`

  const proxyCall = (req: IncomingMessage, res: ServerResponse): void => {
    const upstream = request(
      {
        host: api.hostname,
        port: api.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: api.host },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, {
          ...answer.headers,
          'x-content-type-options': 'nosniff',
        })
        answer.pipe(res)
      },
    )
    upstream.on('error', () => {
      if (!res.headersSent) {
        res.writeHead(502, { 'content-type': 'application/json' })
        res.end(
          JSON.stringify({
            ok: false,
            error: {
              code: 'NODE_NOT_RUNNING',
              message: 'The Pigeon node behind this page does not answer.',
            },
          }),
        )
      } else res.destroy()
    })
    req.pipe(upstream)
  }

  const server = createServer((req, res) => {
    if (!hostAllowed(req.headers.host))
      return plain(res, 403, 'Open the address that `pigeon start --web` printed.')
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (path.startsWith('/api/')) return proxyCall(req, res)
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Only GET here.')
    const file = resolveStatic(root, path)
    if (file === undefined) return plain(res, 404, 'Not found.')
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': contentType(file),
      // hashed asset names never change; the page itself always revalidates
      'cache-control': file.endsWith('index.html')
        ? 'no-cache'
        : 'public, max-age=31536000, immutable',
    })
    if (req.method === 'HEAD') return res.end()
    createReadStream(file).pipe(res)
  })

  // The event stream: a raw TCP pipe to the API server after replaying the upgrade request.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname
    if (!hostAllowed(req.headers.host) || path !== '/api/events') {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n')
      return
    }
    const upstream = connect(Number(api.port), api.hostname, () => {
      const lines = [`${req.method ?? 'GET'} ${req.url ?? '/'} HTTP/1.1`]
      for (let i = 0; i < req.rawHeaders.length; i += 2) {
        const name = req.rawHeaders[i] ?? ''
        lines.push(
          `${name}: ${name.toLowerCase() === 'host' ? api.host : (req.rawHeaders[i + 1] ?? '')}`,
        )
      }
      upstream.write(`${lines.join('\r\n')}\r\n\r\n`)
      if (head.length > 0) upstream.write(head)
      upstream.pipe(socket)
      socket.pipe(upstream)
    })
    const end = (): void => {
      upstream.destroy()
      socket.destroy()
    }
    upstream.on('error', end)
    socket.on('error', end)
    upstream.on('close', end)
    socket.on('close', end)
  })

  const sockets = new Set<Duplex>()
  server.on('connection', (socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })

  const listen = (at: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException): void => reject(error)
      server.once('error', onError)
      server.listen(at, host, () => {
        server.off('error', onError)
        resolve()
      })
    })
  let fellBackFrom: number | undefined
  try {
    await listen(port)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
    if (options.port !== undefined)
      throw new PigeonError(
        'NODE_START_FAILED',
        `Port ${port} is taken; pick another with --web-port.`,
        { cause: error },
      )
    fellBackFrom = port
    await listen(0)
  }
  const address = server.address()
  port = typeof address === 'object' && address !== null ? address.port : port

  return {
    url: `http://${host}:${port}/#token=${encodeURIComponent(options.token)}`,
    port,
    fellBackFrom,
    async close() {
      for (const socket of sockets) socket.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
