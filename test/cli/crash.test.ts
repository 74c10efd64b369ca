// kill -9 in the middle of a burst, receiver or sender, then a restart: every message is stored
// exactly once at the receiver, and every message the sender accepted arrives. Real `pigeon start`
// processes, real libp2p over 127.0.0.1, real SQLite files.
import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import { connectToDataDir } from '../../app/api/discover.js'
import { eventually } from '../app/support/wait.js'
import { startPigeon, tempDataDir } from '../app/support/cli.js'
import { allHistory } from '../support/crash-trial.js'

const N = 1_000

async function historyIds(dataDir: string, peer: string): Promise<string[]> {
  return (await allHistory(await connectToDataDir(dataDir), peer)).map((m) => m.id)
}

/** Bo, and Ada who dialled him: both running, connected. */
async function connectedPair(t: TestContext) {
  const boDir = tempDataDir(t, 'bo')
  const adaDir = tempDataDir(t, 'ada')
  const bo = await startPigeon(t, boDir, ['--name', 'Bo'])
  const ada = await startPigeon(t, adaDir, ['--name', 'Ada', '--connect', bo.address])
  const adaApi = await connectToDataDir(adaDir)
  await eventually(
    async () => (await adaApi.peers()).some((p) => p.peerId === bo.peerId && p.online),
    'connected',
  )
  return { boDir, adaDir, bo, ada, adaApi }
}

test('kill -9 of the receiver mid-burst loses and duplicates nothing', async (t) => {
  const { boDir, bo, ada, adaApi } = await connectedPair(t)

  const sent: string[] = []
  const burst = (async () => {
    for (let i = 0; i < N; i++) sent.push((await adaApi.send(bo.peerId, `burst ${i} 消息`)).id)
  })()
  await eventually(
    async () => (await historyIds(boDir, ada.peerId)).length >= N / 4,
    'a quarter arrived',
  )
  bo.child.kill('SIGKILL')
  await bo.exited
  await burst
  assert.equal(sent.length, N)

  await startPigeon(t, boDir) // dials Ada from its known-peer cache
  await eventually(
    async () => (await historyIds(boDir, ada.peerId)).length === N,
    'all arrived',
    120_000,
  )
  const atBo = await historyIds(boDir, ada.peerId)
  assert.deepEqual(atBo, [...sent].sort(), 'each message exactly once, in order')
  await eventually(async () => {
    const states = (await allHistory(adaApi, bo.peerId)).map((m) => m.state)
    return states.length === N && states.every((s) => s === 'delivered')
  }, 'all delivered at Ada')
})

test('kill -9 of the sender mid-burst: after its restart every accepted message arrives once', async (t) => {
  const { boDir, adaDir, bo, ada, adaApi } = await connectedPair(t)

  const accepted: string[] = []
  const burst = (async () => {
    for (let i = 0; i < N; i++) accepted.push((await adaApi.send(bo.peerId, `burst ${i}`)).id)
  })().catch(() => undefined) // the node dies under it
  await eventually(
    async () => (await historyIds(boDir, ada.peerId)).length >= N / 4,
    'a quarter arrived',
  )
  ada.child.kill('SIGKILL')
  await ada.exited
  await burst
  assert.ok(accepted.length >= N / 4)

  await startPigeon(t, adaDir)
  // Ada's store decides what was sent: a send can commit just before the kill, unanswered
  const stored = await historyIds(adaDir, bo.peerId)
  assert.ok(
    accepted.every((id) => stored.includes(id)),
    'every accepted message survived the crash',
  )
  await eventually(
    async () => (await historyIds(boDir, ada.peerId)).length === stored.length,
    'all arrived',
    120_000,
  )
  assert.deepEqual(await historyIds(boDir, ada.peerId), stored, 'each exactly once, in order')
})

test('kill -9 of a group member mid-burst: after its restart it has every group message once, in order', async (t) => {
  const { boDir, bo, adaDir, ada, adaApi } = await connectedPair(t)
  const cyDir = tempDataDir(t, 'cy')
  const cy = await startPigeon(t, cyDir, ['--name', 'Cy', '--connect', ada.address])
  await eventually(
    async () => (await adaApi.peers()).some((p) => p.peerId === cy.peerId && p.online),
    'Cy connected',
  )
  const group = await adaApi.createGroup('Crash club', [bo.peerId, cy.peerId])
  const M = N / 2
  const sent: string[] = []
  const burst = (async () => {
    for (let i = 0; i < M; i++)
      sent.push((await adaApi.send(group.conversation, `group burst ${i}`)).id)
  })()
  await eventually(
    async () => (await historyIds(cyDir, group.conversation).catch(() => [])).length >= M / 4,
    'a quarter arrived at Cy',
  )
  cy.child.kill('SIGKILL')
  await cy.exited
  await burst
  assert.equal(sent.length, M)

  await startPigeon(t, cyDir)
  for (const dir of [cyDir, boDir]) {
    await eventually(
      async () => (await historyIds(dir, group.conversation)).length === M,
      'all arrived',
      120_000,
    )
    assert.deepEqual(
      await historyIds(dir, group.conversation),
      [...sent].sort(),
      'each once, in order',
    )
  }
  await eventually(async () => {
    const states = (await allHistory(await connectToDataDir(adaDir), group.conversation)).map(
      (m) => m.state,
    )
    return states.length === M && states.every((s) => s === 'delivered')
  }, 'delivered to both at Ada')
})
