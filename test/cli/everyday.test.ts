// `pigeon send <peer> -`, `pigeon recall` and `pigeon mute` against two real nodes (`pigeon start`
// processes, libp2p over TCP on 127.0.0.1; mDNS off in the root namespace, linked with --connect).
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { test } from 'node:test'
import type { MessageView } from '../../app/api/contract.js'
import { connectToDataDir } from '../../app/api/discover.js'
import { PIGEON_SOURCE } from '../support/entry-points.js'
import { eventually } from '../app/support/wait.js'
import { CLI_ENV, pigeon, startPigeon, tempDataDir } from '../app/support/cli.js'

/** `pigeon <args>` with `input` on its stdin */
function pigeonWithInput(
  input: string,
  ...args: string[]
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [...PIGEON_SOURCE, ...args], { env: CLI_ENV })
  let stdout = ''
  let stderr = ''
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()))
  child.stdin.end(input)
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stdout, stderr })))
}

test('send - reads stdin, recall takes a message back on both sides, mute is remembered', async (t) => {
  const ada = await startPigeon(t, tempDataDir(t, 'ada'), ['--name', 'Ada'])
  const bo = await startPigeon(t, tempDataDir(t, 'bo'), ['--name', 'Bo', '--connect', ada.address])
  await eventually(async () => {
    const peers = await (await connectToDataDir(ada.dataDir)).peers()
    return peers.some((p) => p.name === 'Bo' && p.online)
  }, 'Ada sees Bo')
  const boApi = await connectToDataDir(bo.dataDir)

  const poem = '床前明月光，\n疑是地上霜。\n'
  const sent = await pigeonWithInput(poem, 'send', 'Bo', '-', '--data', ada.dataDir)
  assert.equal(sent.code, 0, sent.stderr)
  const id = sent.stdout.trim()
  assert.match(id, /^[0-9a-f]{32}$/)
  await eventually(
    async () => (await boApi.history(ada.peerId)).some((m) => m.id === id),
    'Bo has the poem',
  )
  const [got] = (await boApi.history(ada.peerId)).filter((m) => m.id === id)
  assert.equal(
    got?.text,
    '床前明月光，\n疑是地上霜。',
    'the whole of stdin, its last newline dropped',
  )

  const empty = await pigeonWithInput('', 'send', 'Bo', '-', '--data', ada.dataDir)
  assert.equal(empty.code, 1)
  assert.match(empty.stderr, /^pigeon: Nothing came on stdin to send\. \[API_BAD_REQUEST\]\n$/)

  // Bo cannot recall Ada's message
  const notMine = await pigeon('recall', id, '--data', bo.dataDir)
  assert.equal(notMine.code, 1)
  assert.match(notMine.stderr, /Only your own messages can be recalled\. \[RECALL_NOT_ALLOWED\]/)

  const recalled = await pigeon('recall', id, '--data', ada.dataDir)
  assert.equal(recalled.code, 0, recalled.stderr)
  assert.equal(recalled.stdout, 'recalled\n')
  await eventually(async () => {
    const m = (await boApi.history(ada.peerId)).find((x) => x.id === id)
    return m?.recalledAt !== null && m?.text === null
  }, 'Bo’s copy is gone')
  const bosHistory = await pigeon('history', 'Ada', '--data', bo.dataDir)
  assert.match(
    bosHistory.stdout,
    new RegExp(`${id}  Ada → me  \\[delivered/lan\\]  \\(recalled\\)`),
  )
  assert.doesNotMatch(bosHistory.stdout, /明月/)
  const json = JSON.parse(
    (await pigeon('history', 'Bo', '--json', '--data', ada.dataDir)).stdout,
  ) as Array<{ id: string; text: string | null; recalled_at: number | null }>
  const mine = json.find((m) => m.id === id)
  assert.equal(mine?.text, null)
  assert.equal(typeof mine?.recalled_at, 'number')

  const unknown = await pigeon('recall', '0'.repeat(32), '--data', ada.dataDir)
  assert.match(unknown.stderr, /\[MESSAGE_UNKNOWN\]/)

  const muted = await pigeon('mute', 'Ada', '--data', bo.dataDir)
  assert.equal(muted.stdout, 'Ada: muted\n', muted.stderr)
  assert.equal((await boApi.conversations()).find((c) => c.peerId === ada.peerId)?.muted, true)
  const unmuted = await pigeon('mute', 'Ada', '--off', '--data', bo.dataDir)
  assert.equal(unmuted.stdout, 'Ada: not muted\n')
  const history: MessageView[] = await boApi.history(ada.peerId)
  assert.equal(history.length, 1)
})
