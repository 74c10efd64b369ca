// A relay PUBACK is not delivery (docs/protocol.md §6 "Delivery"), with real parts: two
// `pigeon start` processes (real libp2p on 127.0.0.1, real SQLite) and the real `pigeon-relay`.
// Only Ada has the relay; Bo has none, so whatever the relay takes for him sits in an inbox he
// never reads. A relay PUBACK must not end Ada's responsibility:
// when Bo is back on the LAN — even after Ada was killed with -9 in between — everything reaches
// him directly, once each, in order.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ApiClient } from '../../app/api/client.js'
import { connectToDataDir } from '../../app/api/discover.js'
import { startPigeon, tempDataDir } from '../app/support/cli.js'
import { eventually } from '../app/support/wait.js'
import { startRelayProcess } from '../support/relay-process.js'

const N = 20

async function online(api: ApiClient, peerId: string): Promise<boolean> {
  return (await api.peers()).some((p) => p.peerId === peerId && p.paths.includes('lan'))
}

test('messages a relay took for a peer without one reach it over the LAN when it is back: 20 of 20, once, in order', async (t) => {
  const relay = await startRelayProcess()
  t.after(async () => {
    await relay.stop()
    relay.cleanup()
  })
  const boDir = tempDataDir(t, 'bo')
  const adaDir = tempDataDir(t, 'ada')
  const bo = await startPigeon(t, boDir, ['--name', 'Bo'])
  const address = `${relay.mqtt}#${relay.relayId}`
  const ada = await startPigeon(t, adaDir, [
    '--name',
    'Ada',
    '--relay',
    address,
    '--connect',
    bo.address,
  ])
  const adaApi = await connectToDataDir(adaDir)
  await eventually(() => online(adaApi, bo.peerId), 'Bo on the LAN')
  await eventually(
    async () => (await adaApi.relayStatus()).state === 'connected',
    'Ada on the relay',
  )

  bo.child.kill('SIGTERM') // Bo goes offline
  await bo.exited
  await eventually(async () => !(await online(adaApi, bo.peerId)), 'Bo gone')

  const sent: string[] = []
  for (let i = 0; i < N; i++)
    sent.push((await adaApi.send(bo.peerId, `while you were out ${i}`)).id)
  // the relay PUBACKs all of them: "sent", not delivered
  await eventually(async () => {
    const states = (await adaApi.history(bo.peerId, { limit: 100 })).map((m) => m.state)
    return states.length === N && states.every((s) => s === 'sent')
  }, 'all taken by the relay')

  // a kill -9 of Ada now must not lose them: the relayed rows are still hers, on disk
  ada.child.kill('SIGKILL')
  await ada.exited
  await startPigeon(t, adaDir) // the relay address was remembered
  const adaAgain = await connectToDataDir(adaDir)

  await startPigeon(t, boDir) // Bo is back on the LAN (Ada redials him at his last address)
  const boApi = await connectToDataDir(boDir)
  await eventually(
    async () => (await boApi.history(ada.peerId, { limit: 100 })).length === N,
    `all ${N} at Bo`,
    30_000,
  )
  const atBo = (await boApi.history(ada.peerId, { limit: 100 })).map((m) => m.id)
  assert.deepEqual(atBo, sent, 'each once, in the order sent')
  await eventually(async () => {
    const states = (await adaAgain.history(bo.peerId, { limit: 100 })).map((m) => m.state)
    return states.length === N && states.every((s) => s === 'delivered')
  }, 'all delivered at Ada')
})
