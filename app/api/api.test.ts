// The local API over real HTTP and WebSocket on 127.0.0.1, served from real engines (SQLite
// files) linked by the in-memory path.
import assert from 'node:assert/strict'
import { LIMITS } from '../../shared/limits.js'
import { copyFileSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { isPigeonError } from '../../shared/errors.js'
import { MemoryNetwork } from '../../test/app/support/memory-path.js'
import { makeNode, type TestNode } from '../../test/app/support/messenger-harness.js'
import { until } from '../../test/app/support/wait.js'
import type { ApiClient } from './client.js'
import { API_ENDPOINT_FILE, type MessengerEvent } from './contract.js'
import { connectToDataDir } from './discover.js'
import { LocalApi } from './local.js'
import { EVENTS } from './methods.js'
import { startApiServer, type ApiServer } from './server.js'
import { compileSchema } from './validator.js'

async function serve(
  t: TestContext,
  node: TestNode,
): Promise<{ server: ApiServer; client: ApiClient; dir: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'pigeon-api-'))
  const server = await startApiServer({
    api: new LocalApi(node.messenger, () => ['/ip4/127.0.0.1/tcp/1']),
    dataDir: dir,
  })
  t.after(async () => {
    await server.close()
    rmSync(dir, { recursive: true, force: true })
  })
  return { server, client: await connectToDataDir(dir), dir }
}

async function pair(t: TestContext) {
  const net = new MemoryNetwork()
  const alice = await makeNode(t, net, 'alice')
  const bob = await makeNode(t, net, 'bob')
  net.up(alice.peerId)
  net.up(bob.peerId)
  return { net, alice, bob, a: await serve(t, alice), b: await serve(t, bob) }
}

const code = (expected: string) => (e: unknown) => isPigeonError(e) && e.code === expected

test('the client drives the whole contract over HTTP', async (t) => {
  const { alice, bob, a, b } = await pair(t)
  const me = await a.client.me()
  assert.equal(me.peerId, alice.peerId)
  assert.deepEqual(me.addresses, ['/ip4/127.0.0.1/tcp/1'])
  const peers = await a.client.peers()
  assert.deepEqual(
    peers.map((p) => [p.peerId, p.online, p.name]),
    [[bob.peerId, true, 'bob']],
  )

  const sent = await a.client.send('bob', '你好，鲍勃 — hello')
  assert.match(sent.id, /^[0-9a-f]{32}$/)
  assert.equal(sent.state, 'pending')
  await until(
    () => alice.store.messages.get(Buffer.from(sent.id, 'hex'))?.state === 'delivered',
    'delivered',
  )

  const history = await b.client.history(alice.peerId, { limit: 10 })
  assert.deepEqual(
    history.map((m) => [m.id, m.text, m.direction, m.path]),
    [[sent.id, '你好，鲍勃 — hello', 'in', 'lan']],
  )
  assert.deepEqual(
    (await b.client.search('鲍勃')).map((m) => m.id),
    [sent.id],
  )
  assert.deepEqual(
    (await b.client.search('hello')).map((m) => m.id),
    [sent.id],
  )
  const [conversation] = await b.client.conversations()
  assert.equal(conversation?.unread, 1)
  assert.equal(conversation?.title, 'alice')
  assert.equal(conversation?.lastMessage?.id, sent.id)
  assert.deepEqual(await b.client.markRead('alice'), { read: 1 })
  await until(() => alice.store.messages.get(Buffer.from(sent.id, 'hex'))?.state === 'read', 'read')

  assert.equal((await a.client.setStatus('away')).status, 'away')
  assert.equal((await a.client.setProfile({ name: 'Alice' })).name, 'Alice')
  await a.client.setSetting('ui.theme', { dark: true })
  assert.deepEqual(await a.client.getSetting('ui.theme'), { dark: true })
  assert.equal(await a.client.getSetting('nothing.here'), null)
})

test('forgetPeer drops a peer from the known peers and keeps the conversation; discovery brings it back', async (t) => {
  const { net, alice, bob, a } = await pair(t)
  const sent = await a.client.send('bob', 'before forgetting')
  await until(
    () => alice.store.messages.get(Buffer.from(sent.id, 'hex'))?.state === 'delivered',
    'delivered',
  )
  net.down(bob.peerId)
  await until(() => alice.messenger.peers().every((p) => p.online.length === 0), 'bob offline')

  // every open UI hears of it (a second event stream stands for another window or tab)
  const events: MessengerEvent[] = []
  t.after(await a.client.subscribed((e) => events.push(e)))
  assert.deepEqual(await a.client.forgetPeer('bob'), { forgotten: true })
  await until(
    () => events.some((e) => e.type === 'peer-forgotten' && e.peerId === bob.peerId),
    'a peer-forgotten event',
  )
  assert.ok(compileSchema(EVENTS['peer-forgotten'])({ peerId: bob.peerId }))
  assert.deepEqual(await a.client.peers(), [])
  assert.deepEqual(
    (await a.client.history(bob.peerId)).map((m) => m.text),
    ['before forgetting'],
    'the history stays',
  )
  assert.equal((await a.client.conversations()).length, 1)
  // by name no longer (nobody known is called bob); by PeerId it was already forgotten
  await assert.rejects(a.client.forgetPeer('bob'), code('PEER_UNKNOWN'))
  assert.deepEqual(await a.client.forgetPeer(bob.peerId), { forgotten: false })
  assert.equal(
    events.filter((e) => e.type === 'peer-forgotten').length,
    1,
    'nothing forgotten, no event',
  )
  const response = await fetch(`${a.server.url}/api/forgetPeer`, {
    method: 'POST',
    headers: { authorization: `Bearer ${a.server.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ peer: '' }),
  })
  assert.equal(response.status, 400)

  net.up(bob.peerId)
  await until(
    () => alice.messenger.peers().some((p) => p.peerId === bob.peerId && p.online.length > 0),
    'bob discovered again',
  )
  assert.deepEqual(
    (await a.client.peers()).map((p) => [p.peerId, p.online]),
    [[bob.peerId, true]],
  )
})

test('events stream over the WebSocket: messages, states, typing, peers', async (t) => {
  const { alice, bob, a, b } = await pair(t)
  const atBob: MessengerEvent[] = []
  const atAlice: MessengerEvent[] = []
  t.after(await b.client.subscribed((e) => atBob.push(e)))
  t.after(await a.client.subscribed((e) => atAlice.push(e)))
  const sent = await a.client.send(bob.peerId, 'ping')
  await until(
    () => atBob.some((e) => e.type === 'message' && e.message.id === sent.id),
    'message event at bob',
  )
  await until(
    () =>
      atAlice.some(
        (e) =>
          e.type === 'message-state' && e.message.id === sent.id && e.message.state === 'delivered',
      ),
    'delivered event at alice',
  )
  assert.ok(atBob.some((e) => e.type === 'conversation' && e.conversation.unread === 1))
  await a.client.typing('bob', true)
  await until(
    () => atBob.some((e) => e.type === 'typing' && e.peerId === alice.peerId && e.typing),
    'typing',
  )
  await a.client.setStatus('busy')
  await until(() => atBob.some((e) => e.type === 'peer' && e.peer.status === 'busy'), 'peer event')
  assert.ok(atAlice.some((e) => e.type === 'profile' && e.me.status === 'busy'))
  // every event is what the method table says it is
  for (const { type, ...payload } of [...atBob, ...atAlice])
    assert.ok(compileSchema(EVENTS[type])(payload), `a ${type} event fits its schema`)
})

test('errors come back as { ok: false, error: { code, message } } with fitting statuses', async (t) => {
  const { a } = await pair(t)
  await assert.rejects(a.client.send('nobody', 'hi'), code('PEER_UNKNOWN'))
  await assert.rejects(a.client.send('bob', 'x'.repeat(20_000)), code('MESSAGE_TOO_LONG'))
  const post = (path: string, body: unknown, token = a.server.token) =>
    fetch(`${a.server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  let response = await post('/api/history', { peer: 'bob', limit: 0 })
  assert.equal(response.status, 400)
  assert.equal(
    ((await response.json()) as { error: { code: string } }).error.code,
    'API_BAD_REQUEST',
  )
  response = await post('/api/send', { peer: 'bob', text: 'hi', extra: 1 })
  assert.equal(response.status, 400)
  response = await post('/api/history', { peer: 'bob', limit: '5' })
  assert.equal(response.status, 400, 'a string is not coerced to a number')
  response = await post('/api/me', {}, 'wrong-token')
  assert.equal(response.status, 401)
  assert.deepEqual(await response.json(), {
    ok: false,
    error: {
      code: 'API_UNAUTHORIZED',
      message: 'Missing or wrong API token; read it from api.json in the data dir.',
    },
  })
  response = await post('/api/dropTables', {})
  assert.equal(response.status, 404)
  assert.equal(((await response.json()) as { ok: boolean }).ok, false)
  response = await post('/api/history', { peer: 'bob', before: 'not-an-id' })
  assert.equal(response.status, 400)
})

test('the event stream refuses a wrong token', async (t) => {
  const { a } = await pair(t)
  const { ApiClient } = await import('./client.js')
  const { WebSocket } = await import('ws')
  const intruder = new ApiClient({
    url: a.server.url,
    token: 'guess',
    webSocket: (url, protocols) => new WebSocket(url, protocols) as never,
  })
  await assert.rejects(
    intruder.subscribed(() => {}),
    code('NODE_NOT_RUNNING'),
  )
})

test('api.json is 0600 while the node runs; without a live node the client says so', async (t) => {
  const net = new MemoryNetwork()
  const alice = await makeNode(t, net, 'alice')
  const dir = mkdtempSync(join(tmpdir(), 'pigeon-api-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  await assert.rejects(connectToDataDir(dir), code('NODE_NOT_RUNNING'))
  const server = await startApiServer({ api: new LocalApi(alice.messenger), dataDir: dir })
  const file = join(dir, API_ENDPOINT_FILE)
  assert.equal(statSync(file).mode & 0o777, 0o600)
  copyFileSync(file, `${file}.stale`)
  await server.close()
  assert.equal(existsSync(file), false)
  // a node killed with -9 leaves its api.json behind: still "not running"
  copyFileSync(`${file}.stale`, file)
  await assert.rejects(
    connectToDataDir(dir),
    (e) => code('NODE_NOT_RUNNING')(e) && String((e as Error).message).includes(dir),
  )
})

test('a request that fails its schema is answered with a sentence about the field, for every keyword', async (t) => {
  const alice = await makeNode(t, new MemoryNetwork(), 'alice')
  const { server } = await serve(t, alice)
  const refusal = async (method: string, body: unknown): Promise<unknown> => {
    const response = await fetch(`${server.url}/api/${method}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    assert.equal(response.status, 400, `${method} ${JSON.stringify(body)}`)
    return ((await response.json()) as { error: unknown }).error
  }
  const cases: Array<[string, unknown, string]> = [
    [
      'createGroup',
      { name: '', members: ['bob'] },
      'The group name is empty: give text of 1–256 characters.',
    ],
    [
      'renameGroup',
      { group: 'g', name: 'x'.repeat(257) },
      'The group name is too long: give text of 1–256 characters.',
    ],
    ['setProfile', { name: '' }, 'The display name is empty: give text of 1–256 characters.'],
    ['send', { peer: 'bob' }, 'The message is missing: give text of 1–65536 characters.'],
    ['typing', { peer: 'bob', typing: 'yes' }, 'The typing flag must be true or false.'],
    [
      'history',
      { peer: 'bob', limit: '5' },
      'The number of messages must be a whole number from 1 to 500.',
    ],
    [
      'history',
      { peer: 'bob', limit: 0 },
      'The number of messages is out of range: give a whole number from 1 to 500.',
    ],
    [
      'search',
      { text: 'a', limit: 501 },
      'The number of results is out of range: give a whole number from 1 to 500.',
    ],
    [
      'history',
      { peer: 'bob', before: 'not-an-id' },
      'The message id to page back from is not in the right form: give a message id (32 hexadecimal digits, as `pigeon history --json` prints).',
    ],
    [
      'getSetting',
      { key: 'a b' },
      "The setting name is not in the right form: give 1–64 letters, digits, '.', '_' or '-'.",
    ],
    ['setStatus', { status: 'asleep' }, 'The status must be one of online, away, busy.'],
    [
      'setSetting',
      { key: 'ui.x', value: 'x'.repeat(20_000) },
      'The setting value is too big: give JSON of at most 16384 bytes.',
    ],
    [
      'send',
      { peer: 'bob', text: 'hi', extra: 1 },
      '"extra" is not a field of a send request; it takes peer, text, replyTo, mentions.',
    ],
    [
      'me',
      { verbose: true },
      'A me request takes no fields, so "verbose" cannot be sent; send {}.',
    ],
    [
      'createGroup',
      { name: 'Dinner', members: [] },
      `The list of members is empty: give a list of 1–${LIMITS.groupMembers} entries, each text of 1–256 characters.`,
    ],
    [
      'addToGroup',
      { group: 'g', members: ['bob', ''] },
      'Entry 2 of the list of members is empty: give text of 1–256 characters.',
    ],
    ['setRelay', { url: 5 }, 'The relay address must be text of 1–512 characters, or null.'],
    ['markRead', [], 'The request body must be a JSON object with the fields peer.'],
  ]
  for (const [method, body, message] of cases) {
    assert.deepEqual(await refusal(method, body), { code: 'API_BAD_REQUEST', message })
  }
})
