// The method table (app/api/methods.ts) is the API, on every transport: each method is served
// over HTTP with its schema, accepted by Electron main's IPC check, and exposed by the built
// preload — and the three answer as the engine does. An unknown method is refused everywhere.
// Real engines (SQLite) linked by the in-memory path, the real HTTP server, the preload as
// app/main/build.ts builds it; only Electron itself is absent, so the preload's `electron` is a
// stand-in whose invoke does what main's call handler does (parseCall, then invokeCall).
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ApiClient } from '../../app/api/client.js'
import type { MessengerApi } from '../../app/api/contract.js'
import { LocalApi } from '../../app/api/local.js'
import { METHOD_NAMES, METHODS, type MethodName } from '../../app/api/methods.js'
import { startApiServer } from '../../app/api/server.js'
import { compileSchema } from '../../app/api/validator.js'
import { buildPreload } from '../../app/main/build.js'
import { CALL_CHANNEL } from '../../app/main/ipc-channels.main.js'
import { API_METHODS, invokeCall, parseCall } from '../../app/main/ipc-schema.main.js'
import { isPigeonError } from '../../shared/errors.js'
import { MemoryNetwork } from '../app/support/memory-path.js'
import { makeNode } from '../app/support/messenger-harness.js'

type Outcome = { ok: true } | { ok: false; code: string }

/** The preload's exposed object, from the built bundle, its invoke wired as main wires it. */
function loadPreload(file: string, api: MessengerApi): Record<string, unknown> {
  let exposed: Record<string, unknown> | undefined
  const electron = {
    contextBridge: {
      exposeInMainWorld: (name: string, value: Record<string, unknown>) => {
        // window.pigeonFiles: the dropped file's path, open / show a received one (app/preload),
        // not part of the contract
        if (name === 'pigeonFiles')
          return assert.deepEqual(Object.keys(value), ['pathOf', 'open', 'show'])
        assert.equal(name, 'pigeon')
        exposed = value
      },
    },
    webUtils: { getPathForFile: () => '' },
    ipcRenderer: {
      on: () => undefined,
      send: () => undefined,
      invoke: async (channel: string, method: unknown, args: unknown) => {
        assert.equal(channel, CALL_CHANNEL)
        try {
          return { ok: true, value: (await invokeCall(api, parseCall(method, args))) ?? null }
        } catch (error) {
          return { ok: false, error: isPigeonError(error) ? error : { code: 'API_INTERNAL' } }
        }
      },
    },
  }
  const require = (id: string): unknown => {
    assert.equal(id, 'electron', 'the preload requires nothing but electron')
    return electron
  }
  const module = { exports: {} }
  new Function('require', 'module', 'exports', readFileSync(file, 'utf8'))(
    require,
    module,
    module.exports,
  )
  assert.ok(exposed !== undefined, 'the preload exposed its object')
  return exposed
}

test('every method of the table is served over HTTP, checked over IPC and exposed by the preload, with the same answers', async (t) => {
  const net = new MemoryNetwork()
  const alice = await makeNode(t, net, 'alice')
  const bob = await makeNode(t, net, 'bob')
  net.up(alice.peerId)
  net.up(bob.peerId)
  const api = new LocalApi(alice.messenger, () => [])
  const server = await startApiServer({ api })
  const out = mkdtempSync(join(tmpdir(), 'pigeon-preload-'))
  t.after(async () => {
    await server.close()
    rmSync(out, { recursive: true, force: true })
  })
  const http = new ApiClient({ url: server.url, token: server.token })
  const preload = loadPreload(await buildPreload(out), api)

  assert.deepEqual(Object.keys(preload).sort(), [...METHOD_NAMES, 'subscribe'].sort())
  assert.deepEqual(API_METHODS, METHOD_NAMES)

  const dinner = await api.createGroup('Dinner', ['bob'])
  const sent = await api.send('bob', 'hi')
  // a valid call of each method (a failing one is fine: it must fail alike everywhere)
  const samples: { [M in MethodName]: unknown[] } = {
    me: [],
    peers: [],
    conversations: [],
    history: ['bob', { before: sent.id, limit: 5 }],
    search: ['hi', 10],
    send: ['bob', 'hello', { replyTo: sent.id }],
    recall: [sent.id],
    mute: ['bob', true],
    markRead: ['bob'],
    typing: ['bob', true],
    setProfile: [{ name: 'Alice', color: 0x336699 }],
    setStatus: ['away'],
    getSetting: ['ui.notifications'],
    setSetting: ['ui.notifications', false],
    relayStatus: [],
    setRelay: [null],
    addContact: [bob.peerId],
    myLink: [],
    doctor: [],
    groups: [],
    group: ['Dinner'],
    createGroup: ['Lunch', ['bob']],
    addToGroup: [dinner.conversation, ['bob']],
    removeFromGroup: ['group:nosuchgroupxxxxxxxxx', ['bob']],
    leaveGroup: ['group:nosuchgroupxxxxxxxxx'],
    renameGroup: [dinner.conversation, 'Supper'],
    forgetPeer: ['carol'],
    safetyNumber: ['bob'],
    setVerified: ['bob', true],
    sendFiles: ['bob', ['/nonexistent/report.pdf']],
    sendTextAsFile: ['bob', 'a long text'],
    transfers: [],
    acceptTransfer: ['0'.repeat(32), '/nonexistent'],
    declineTransfer: ['0'.repeat(32)],
    cancelTransfer: ['0'.repeat(32)],
    pauseTransfer: ['0'.repeat(32)],
    resumeTransfer: ['0'.repeat(32)],
    downloadDir: [],
  }
  const outcome = async (
    method: MethodName,
    run: (...args: unknown[]) => Promise<unknown>,
  ): Promise<Outcome> => {
    const validResult = compileSchema(METHODS[method].result)
    try {
      const value = await run(...samples[method])
      assert.ok(validResult(value ?? null), `${method}: the result fits the table's schema`)
      return { ok: true }
    } catch (error) {
      const code = (error as { code?: unknown }).code
      assert.equal(typeof code, 'string', `${method} fails with a code: ${String(error)}`)
      return { ok: false, code: code as string }
    }
  }
  for (const method of METHOD_NAMES) {
    const direct = await outcome(method, (...args) =>
      (api[method] as (...a: unknown[]) => Promise<unknown>)(...args),
    )
    assert.ok(direct.ok || direct.code !== 'API_BAD_REQUEST', `${method}: the sample is valid`)
    const overHttp = await outcome(method, http[method] as (...a: unknown[]) => Promise<unknown>)
    const overIpc = await outcome(method, preload[method] as (...a: unknown[]) => Promise<unknown>)
    assert.deepEqual(overHttp, direct, `${method} over HTTP`)
    assert.deepEqual(overIpc, direct, `${method} over IPC`)

    // and each validates: a field too many over HTTP, an argument too many over IPC
    const response = await fetch(`${server.url}/api/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ unexpected: 1 }),
    })
    assert.equal(response.status, 400, `${method} validates its body`)
    assert.throws(
      () => parseCall(method, [...samples[method], ...Array(4).fill('x')]),
      (e) => isPigeonError(e) && e.code === 'API_BAD_REQUEST',
      `${method} checks its arguments`,
    )
  }

  // the exact limits are the engine's, with the same answer on both transports
  const tooLong = ['bob', '汉'.repeat(6000)] // 6000 characters, 18000 bytes of UTF-8
  for (const run of [http.send, preload.send as MessengerApi['send']])
    await assert.rejects(
      run(...(tooLong as [string, string])),
      (e: { code?: string }) => e.code === 'MESSAGE_TOO_LONG',
    )

  // a method the table does not have exists nowhere
  const unknown = await fetch(`${server.url}/api/dropDatabase`, {
    method: 'POST',
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
    body: '{}',
  })
  assert.equal(unknown.status, 404)
  assert.equal(((await unknown.json()) as { error: { code: string } }).error.code, 'API_NOT_FOUND')
  for (const name of ['dropDatabase', 'constructor', '__proto__', 'toString'])
    assert.throws(
      () => parseCall(name, []),
      (e) => isPigeonError(e) && e.code === 'API_NOT_FOUND',
      name,
    )
  assert.equal(Object.hasOwn(preload, 'dropDatabase'), false)
})
