// The `pigeon` command against real nodes (`pigeon start` processes with real libp2p over TCP on
// 127.0.0.1; mDNS off in the root namespace, peers linked with --connect).
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import type { MessageView, MeView } from '../../app/api/contract.js'
import { connectToDataDir } from '../../app/api/discover.js'
import { eventually } from '../app/support/wait.js'
import { pigeon, pigeonJson, startPigeon, tempDataDir } from '../app/support/cli.js'

test('two nodes chat through the CLI: send, history with states, search, status, errors', async (t) => {
  const aDir = tempDataDir(t, 'ada')
  const bDir = tempDataDir(t, 'bo')
  const ada = await startPigeon(t, aDir, ['--name', 'Ada'])
  const bo = await startPigeon(t, bDir, ['--name', 'Bo', '--connect', ada.address])

  const me = await pigeonJson<MeView>('id', '--data', aDir)
  assert.equal(me.peerId, ada.peerId)
  assert.equal(me.name, 'Ada')
  assert.deepEqual(me.addresses, [ada.address])

  await eventually(async () => {
    const peers = await (await connectToDataDir(aDir)).peers()
    return peers.some((p) => p.peerId === bo.peerId && p.online && p.name === 'Bo')
  }, 'Ada sees Bo online with his name')

  const sent = await pigeon('send', '--data', aDir, 'Bo', '你好，今天吃饭了吗？', 'hello')
  assert.equal(sent.code, 0, sent.stderr)
  const id = sent.stdout.trim()
  assert.match(id, /^[0-9a-f]{32}$/)

  await eventually(async () => {
    const history = await (await connectToDataDir(aDir)).history(bo.peerId)
    return history.some((m) => m.id === id && m.state === 'delivered' && m.path === 'lan')
  }, 'delivered over lan at Ada')
  const atBo = await pigeonJson<MessageView[]>('history', '--data', bDir, 'Ada', '--limit', '5')
  assert.deepEqual(
    atBo.map((m) => [m.id, m.from, m.text, m.direction]),
    [[id, ada.peerId, '你好，今天吃饭了吗？ hello', 'in']],
  )
  const [first] = atBo as unknown as Array<{ sent_at: unknown; state: unknown }>
  assert.equal(typeof first?.sent_at, 'number', 'history --json has sent_at, as documented')
  assert.equal(first?.state, 'delivered')
  const human = await pigeon('history', '--data', bDir, 'Ada')
  assert.match(human.stdout, /Ada → me {2}\[delivered\/lan\] {2}你好/)

  assert.deepEqual(
    (await pigeonJson<MessageView[]>('search', '--data', bDir, '今天吃')).map((m) => m.id),
    [id],
  )
  assert.deepEqual(
    (await pigeonJson<MessageView[]>('search', '--data', bDir, '你好')).map((m) => m.id),
    [id],
  )
  assert.deepEqual(
    (await pigeonJson<MessageView[]>('search', '--data', bDir, 'HELL')).map((m) => m.id),
    [id],
  )
  assert.deepEqual(await pigeonJson<MessageView[]>('search', '--data', bDir, '再见'), [])

  assert.equal((await pigeon('status', 'busy', '--data', bDir)).stdout.trim(), 'status: busy')
  await eventually(async () => {
    const peers = await (await connectToDataDir(aDir)).peers()
    return peers.some((p) => p.peerId === bo.peerId && p.status === 'busy')
  }, 'Ada sees Bo busy')

  // errors: one line, non-zero
  const unknown = await pigeon('send', '--data', aDir, 'Cy', 'hi')
  assert.notEqual(unknown.code, 0)
  assert.equal(
    unknown.stderr,
    'pigeon: No known peer or group is called "Cy"; `pigeon peers` and `pigeon group list` show who and what is known. [PEER_UNKNOWN]\n',
  )
  const long = await pigeon('send', '--data', aDir, 'Bo', 'x'.repeat(16 * 1024 + 1))
  assert.notEqual(long.code, 0)
  assert.match(long.stderr, /^pigeon: The message is 16385 bytes; the limit is 16384 bytes/)
  assert.equal(long.stderr.split('\n').length, 2)
  const badStatus = await pigeon('status', 'asleep', '--data', aDir)
  assert.notEqual(badStatus.code, 0)
  const nobody = await pigeon('peers', '--data', join(aDir, 'elsewhere'))
  assert.notEqual(nobody.code, 0)
  assert.match(nobody.stderr, /^pigeon: No Pigeon node is running for .*elsewhere; start one with/)
})

test('a display name two peers share is refused as ambiguous; the PeerId still works', async (t) => {
  const ada = await startPigeon(t, tempDataDir(t, 'ada'), ['--name', 'Ada'])
  const bo1 = await startPigeon(t, tempDataDir(t, 'bo1'), [
    '--name',
    'Bo',
    '--connect',
    ada.address,
  ])
  const bo2 = await startPigeon(t, tempDataDir(t, 'bo2'), [
    '--name',
    'Bo',
    '--connect',
    ada.address,
  ])
  await eventually(async () => {
    const peers = await (await connectToDataDir(ada.dataDir)).peers()
    return peers.filter((p) => p.name === 'Bo' && p.online).length === 2
  }, 'both Bos known')
  const ambiguous = await pigeon('send', '--data', ada.dataDir, 'Bo', 'which one?')
  assert.notEqual(ambiguous.code, 0)
  assert.match(
    ambiguous.stderr,
    /^pigeon: 2 peers are called "Bo": .+; name one of them\. \[PEER_AMBIGUOUS\]\n$/,
  )
  assert.ok(ambiguous.stderr.includes(bo1.peerId) && ambiguous.stderr.includes(bo2.peerId))
  assert.equal((await pigeon('send', '--data', ada.dataDir, bo2.peerId, 'you')).code, 0)

  // forgetting one Bo drops him from the list; the message to the other stays in its history
  const forgot = await pigeon('peer', 'forget', '--data', ada.dataDir, bo1.peerId)
  assert.deepEqual([forgot.code, forgot.stdout], [0, 'forgotten\n'])
  const history = await (await connectToDataDir(ada.dataDir)).history(bo2.peerId)
  assert.deepEqual(
    history.map((m) => m.text),
    ['you'],
  )
})

test('a restart keeps the PeerId, the port and the history; a clean stop removes api.json', async (t) => {
  const dir = tempDataDir(t, 'ada')
  const bo = await startPigeon(t, tempDataDir(t, 'bo'), ['--name', 'Bo'])
  const first = await startPigeon(t, dir, ['--name', 'Ada', '--connect', bo.address])
  const id = (await pigeon('send', '--data', dir, bo.peerId, 'before restart')).stdout.trim()
  await eventually(async () => {
    const h = await (await connectToDataDir(dir)).history(bo.peerId)
    return h.some((m) => m.id === id && m.state === 'delivered')
  }, 'delivered')
  first.child.kill('SIGTERM')
  assert.equal(await first.exited, 0)
  assert.equal(existsSync(join(dir, 'api.json')), false)
  const again = await pigeon('id', '--data', dir)
  assert.notEqual(again.code, 0)

  const second = await startPigeon(t, dir)
  assert.equal(second.peerId, first.peerId)
  assert.equal(second.address, first.address, 'same LAN port')
  assert.match(second.stdout, /^name\s+Ada$/m)
  const history = await pigeonJson<MessageView[]>('history', '--data', dir, bo.peerId)
  assert.deepEqual(
    history.map((m) => [m.id, m.state]),
    [[id, 'delivered']],
  )
  // the remembered peer is dialled at start: Bo is online again without --connect
  await eventually(async () => {
    const peers = await (await connectToDataDir(dir)).peers()
    return peers.some((p) => p.peerId === bo.peerId && p.online)
  }, 'Bo online after restart')
  const dup = await pigeon('start', '--data', dir)
  assert.notEqual(dup.code, 0)
  assert.match(
    dup.stderr,
    /^pigeon: Another Pigeon node \(process \d+\) is using the data dir .+ \[DATA_DIR_LOCKED\]\n$/,
  )
})
