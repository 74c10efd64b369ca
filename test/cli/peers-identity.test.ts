// Who is who, through the `pigeon` command on real nodes (`pigeon start` processes, libp2p over
// TCP on 127.0.0.1, linked with --connect): the workgroup and host every profile carries, two
// people of one name told apart by `name@host`, and a safety number both sides see the same.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { PeerView } from '../../app/api/contract.js'
import { connectToDataDir } from '../../app/api/discover.js'
import { eventually } from '../app/support/wait.js'
import { pigeon, pigeonJson, startPigeon, tempDataDir } from '../app/support/cli.js'

test('workgroup and host in `peers`, two Bobs picked by name@host, one safety number for both sides', async (t) => {
  const ada = await startPigeon(t, tempDataDir(t, 'ada'), [
    '--name',
    'Ada',
    '--workgroup',
    'Design',
    '--host-name',
    'ada-pc',
  ])
  const bobA = await startPigeon(t, tempDataDir(t, 'bob-a'), [
    '--name',
    'Bob',
    '--workgroup',
    '研发部',
    '--host-name',
    'hostA',
    '--connect',
    ada.address,
  ])
  const bobB = await startPigeon(t, tempDataDir(t, 'bob-b'), [
    '--name',
    'Bob',
    '--host-name',
    'hostB',
    '--connect',
    ada.address,
  ])
  const peersOf = (dir: string): Promise<PeerView[]> =>
    pigeonJson<PeerView[]>('peers', '--json', '--data', dir)

  await eventually(async () => {
    const peers = await peersOf(ada.dataDir)
    return peers.filter((p) => p.name === 'Bob' && p.host !== null).length === 2
  }, 'Ada knows both Bobs with their hosts')
  const peers = await peersOf(ada.dataDir)
  const a = peers.find((p) => p.peerId === bobA.peerId)
  const b = peers.find((p) => p.peerId === bobB.peerId)
  assert.deepEqual([a?.host, a?.workgroup, a?.verified], ['hostA', '研发部', false])
  assert.deepEqual([b?.host, b?.workgroup], ['hostB', null])
  assert.match(a?.fingerprint ?? '', /^[0-9a-f]{4} [0-9a-f]{4}$/)

  // the text list tells the Bobs apart by host and fingerprint
  const listed = (await pigeon('peers', '--data', ada.dataDir)).stdout
  assert.ok(listed.includes(`Bob@hostA [${a?.fingerprint}]`), listed)
  assert.ok(listed.includes(`Bob@hostB [${b?.fingerprint}]`), listed)
  assert.match(listed, /host hostA {2}workgroup 研发部 {2}unverified/)

  // an ambiguous name is refused with the choices; name@host picks one
  const refused = await pigeon('send', '--data', ada.dataDir, 'Bob', 'which one?')
  assert.notEqual(refused.code, 0)
  assert.equal(
    refused.stderr,
    'pigeon: 2 peers are called "Bob": Bob@hostA, Bob@hostB; name one of them. [PEER_AMBIGUOUS]\n',
  )
  const sent = await pigeon('send', '--data', ada.dataDir, 'bob@HOSTA', 'hi A')
  assert.equal(sent.code, 0, sent.stderr)
  await eventually(async () => {
    const history = await (await connectToDataDir(bobA.dataDir)).history(ada.peerId)
    return history.some((m) => m.text === 'hi A')
  }, 'Bob at hostA got it')
  assert.deepEqual(await (await connectToDataDir(bobB.dataDir)).history(ada.peerId), [])

  // Ada's own profile: `pigeon id` shows her workgroup and host
  assert.match(
    (await pigeon('id', '--data', ada.dataDir)).stdout,
    /workgroup Design\nhost {5}ada-pc/,
  )

  // the safety number: the same 60 digits on both sides, and different with the other Bob
  type Safety = { peer: string; safety_number: string; verified: boolean }
  const atAda = await pigeonJson<Safety>('verify', 'Bob@hostA', '--json', '--data', ada.dataDir)
  const atBob = await pigeonJson<Safety>('verify', 'Ada', '--json', '--data', bobA.dataDir)
  assert.match(atAda.safety_number, /^\d{60}$/)
  assert.equal(atAda.safety_number, atBob.safety_number)
  assert.equal(atAda.verified, false)
  const other = await pigeonJson<Safety>('verify', bobB.peerId, '--json', '--data', ada.dataDir)
  assert.notEqual(other.safety_number, atAda.safety_number)
  const shown = (await pigeon('verify', 'Ada', '--data', bobA.dataDir)).stdout.split('\n')
  assert.equal(
    shown[0]?.replaceAll(' ', '') + (shown[1]?.replaceAll(' ', '') ?? ''),
    atBob.safety_number,
  )
  assert.match(shown[0] ?? '', /^(\d{5} ){5}\d{5}$/)

  // --confirm marks that Bob verified, and only him
  const confirmed = await pigeon('verify', 'Bob@hostA', '--confirm', '--data', ada.dataDir)
  assert.equal(confirmed.code, 0, confirmed.stderr)
  assert.match(confirmed.stdout, /\nverified\n$/)
  const after = await peersOf(ada.dataDir)
  assert.deepEqual(
    after
      .filter((p) => p.name === 'Bob')
      .map((p) => [p.host, p.verified])
      .sort(),
    [
      ['hostA', true],
      ['hostB', false],
    ],
  )
  const undone = await pigeon('verify', 'Bob@hostA', '--undo', '--json', '--data', ada.dataDir)
  assert.equal((JSON.parse(undone.stdout) as Safety).verified, false)
})
