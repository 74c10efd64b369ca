// Browser mode's web server against a real engine and API server: it serves the built UI with
// the CSP, passes /api calls and the event WebSocket through to the node, and refuses what a
// hostile page or a DNS-rebinding site would try.
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import WebSocket from 'ws'
import { API_TOKEN_PROTOCOL_PREFIX } from '../api/contract.js'
import { startMemoryPair } from '../../test/e2e/support/memory-pair.js'
import { serveWebUi } from './serve.js'
import { resolveStatic } from './static.js'

function get(
  port: number,
  path: string,
  headers: Record<string, string> = {},
): Promise<{
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, headers: { host: `127.0.0.1:${port}`, ...headers } },
      (res) => {
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (chunk: string) => (body += chunk))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }))
      },
    )
    req.on('error', reject)
    req.end()
  })
}

async function fakeUi(t: TestContext): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'pigeon-webroot-'))
  t.after(() => rmSync(root, { recursive: true, force: true }))
  mkdirSync(join(root, 'assets'))
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Pigeon</title>')
  writeFileSync(join(root, 'assets', 'app.js'), 'export {}')
  return root
}

test('serves the UI with its security headers, and nothing outside the build', async (t) => {
  const pair = await startMemoryPair()
  t.after(() => pair.close())
  const root = await fakeUi(t)
  const web = await serveWebUi({
    apiUrl: pair.alice.api.url,
    token: pair.alice.api.token,
    root,
    port: 0,
  })
  t.after(() => web.close())
  assert.match(web.url, new RegExp(`^http://127\\.0\\.0\\.1:${web.port}/#token=`))
  assert.ok(web.url.endsWith(encodeURIComponent(pair.alice.api.token)))

  const page = await get(web.port, '/')
  assert.equal(page.status, 200)
  assert.match(page.body, /<title>Pigeon/)
  assert.match(
    String(page.headers['content-security-policy']),
    /default-src 'none'; script-src 'self'/,
  )
  assert.equal(page.headers['x-content-type-options'], 'nosniff')
  assert.equal(page.headers['x-frame-options'], 'DENY')
  assert.equal(
    (await get(web.port, '/assets/app.js')).headers['content-type'],
    'text/javascript; charset=utf-8',
  )

  for (const path of [
    '/../package.json',
    '/%2e%2e/package.json',
    '/assets/../../etc/passwd',
    '/assets',
    '/%00',
    '/nope.js',
  ]) {
    assert.equal((await get(web.port, path)).status, 404, path)
  }
  assert.equal(resolveStatic(root, '/..%2f..%2fetc/passwd'), undefined)
})

test('refuses other Host names: a DNS-rebinding page gets nothing', async (t) => {
  const pair = await startMemoryPair()
  t.after(() => pair.close())
  const web = await serveWebUi({
    apiUrl: pair.alice.api.url,
    token: pair.alice.api.token,
    root: await fakeUi(t),
    port: 0, // any free one: the default port is tested by test/e2e/first-run.test.ts
  })
  t.after(() => web.close())
  assert.equal((await get(web.port, '/', { host: `evil.example:${web.port}` })).status, 403)
  assert.equal((await get(web.port, '/api/me', { host: 'evil.example' })).status, 403)
  assert.equal((await get(web.port, '/', { host: `localhost:${web.port}` })).status, 200)
})

test('passes API calls and the event stream through, and the API still wants the token', async (t) => {
  const pair = await startMemoryPair()
  t.after(() => pair.close())
  const web = await serveWebUi({
    apiUrl: pair.alice.api.url,
    token: pair.alice.api.token,
    root: await fakeUi(t),
    port: 0, // any free one: the default port is tested by test/e2e/first-run.test.ts
  })
  t.after(() => web.close())
  const base = `http://127.0.0.1:${web.port}`
  const call = (method: string, body: object, token = pair.alice.api.token) =>
    fetch(`${base}/api/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })

  const me = (await (await call('me', {})).json()) as { ok: boolean; value: { name: string } }
  assert.deepEqual([me.ok, me.value.name], [true, 'Alice'])
  const refused = await call('me', {}, 'wrong-token')
  assert.equal(refused.status, 401)

  const events: Array<{ type: string }> = []
  const socket = new WebSocket(`ws://127.0.0.1:${web.port}/api/events`, [
    `${API_TOKEN_PROTOCOL_PREFIX}${pair.alice.api.token}`,
  ])
  t.after(() => socket.close())
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve())
    socket.once('error', reject)
  })
  socket.on('message', (data) => events.push(JSON.parse(String(data)) as { type: string }))
  const sent = (await (
    await call('send', { peer: 'Bob', text: '你好 via the web server' })
  ).json()) as { ok: boolean }
  assert.equal(sent.ok, true)
  const deadline = Date.now() + 10_000
  while (!events.some((e) => e.type === 'message-state') && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 50))
  assert.ok(
    events.some((e) => e.type === 'message'),
    'the message event came through the proxy',
  )
  assert.ok(
    events.some((e) => e.type === 'message-state'),
    'and its delivery',
  )

  const badSocket = new WebSocket(`ws://127.0.0.1:${web.port}/api/events`, [
    `${API_TOKEN_PROTOCOL_PREFIX}nope`,
  ])
  const closed = await new Promise<string>((resolve) => {
    badSocket.once('open', () => resolve('open'))
    badSocket.once('error', () => resolve('refused'))
  })
  assert.equal(closed, 'refused')
})

test('listens on loopback only and says so in words when the port is taken', async (t) => {
  const pair = await startMemoryPair()
  t.after(() => pair.close())
  const root = await fakeUi(t)
  await assert.rejects(
    serveWebUi({ apiUrl: pair.alice.api.url, token: 'x', root, host: '0.0.0.0' as '127.0.0.1' }),
    /127\.0\.0\.1 only/,
  )
  await assert.rejects(
    serveWebUi({ apiUrl: 'http://10.0.0.5:1', token: 'x', root }),
    /only to a local API/,
  )
  const first = await serveWebUi({ apiUrl: pair.alice.api.url, token: 'x', root })
  t.after(() => first.close())
  await assert.rejects(
    serveWebUi({ apiUrl: pair.alice.api.url, token: 'x', root, port: first.port }),
    (error: Error & { code?: string }) =>
      error.code === 'NODE_START_FAILED' && /--web-port/.test(error.message),
  )
})
